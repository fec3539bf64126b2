// The checkpoint history as a chart (uPlot): end-to-end duration and alignment in ms, size in bytes, per checkpoint id.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CheckpointStats } from '../../runtime/checkpoint/coordinator';
import { fmtBytes } from '../src/panels/dom';

export class CheckpointChart {
  private plot: uPlot | undefined;
  private shown = '';

  constructor(private readonly root: HTMLElement) {}

  render(checkpoints: readonly CheckpointStats[]): void {
    const done = checkpoints.filter((c) => c.status !== 'IN_PROGRESS');
    // Redraw only when the history changed: uPlot keeps its cursor and legend between updates.
    const key = done.map((c) => `${c.id}:${c.status}`).join(',');
    if (key === this.shown) return;
    this.shown = key;
    const data: uPlot.AlignedData = [
      done.map((c) => c.id),
      done.map((c) => Math.round(c.duration ?? 0)),
      done.map((c) => Math.round(c.alignmentDuration)),
      done.map((c) => c.size),
    ];
    if (this.plot) return this.plot.setData(data);
    this.plot = new uPlot(
      {
        width: Math.max(320, this.root.clientWidth || 480),
        height: 180,
        scales: { x: { time: false }, ms: { auto: true }, bytes: { auto: true } },
        series: [
          { label: 'checkpoint' },
          { label: 'duration ms', scale: 'ms', stroke: '#3b7dd8', width: 2, points: { show: true } },
          { label: 'alignment ms', scale: 'ms', stroke: '#e9a23b', width: 2, points: { show: true } },
          {
            label: 'size',
            scale: 'bytes',
            stroke: '#5cb85c',
            width: 2,
            points: { show: true },
            value: (_u, v) => (v === null ? '-' : fmtBytes(v)),
          },
        ],
        axes: [
          { label: 'checkpoint id', incrs: [1, 2, 5, 10, 20, 50, 100] },
          { scale: 'ms', label: 'ms' },
          {
            scale: 'bytes',
            side: 1,
            size: 70,
            values: (_u, vs) => vs.map((v) => fmtBytes(v)),
            grid: { show: false },
          },
        ],
      },
      data,
      this.root,
    );
  }
}
