// The checkpoints panel: a timeline of checkpoints (id, status, duration, alignment, aligned/unaligned, in-flight data, size) and the page's savepoints.
import type { JobFigures } from '../worker/protocol';
import { esc, fmtBytes } from './dom';

/** A checkpoint's barriers: aligned, or unaligned (its in-flight data is part of it). */
const checkpointType = (c: { readonly unaligned?: boolean }) => (c.unaligned ? 'unaligned' : 'aligned');

export interface KeptSavepoint {
  readonly location: string;
  readonly size: number;
}

export class CheckpointsPanel {
  constructor(
    private readonly root: HTMLElement,
    /** The page's savepoint shelf; without it (the dashboard) the panel shows the checkpoints only. */
    private readonly actions?: {
      download(location: string): void;
      restore(location: string): void;
      upload(file: File): void;
    },
  ) {}

  render(job: JobFigures | undefined, savepoints: readonly KeptSavepoint[]): void {
    const cps = job?.checkpoints ?? [];
    const max = Math.max(1, ...cps.map((c) => c.duration ?? 0));
    const bars = cps
      .slice(-40)
      .map((c, i) => {
        const h = Math.max(2, ((c.duration ?? 0) / max) * 60);
        const color =
          c.status === 'FAILED'
            ? '#d33'
            : c.status !== 'COMPLETED'
              ? '#e9a23b'
              : c.unaligned
                ? '#7a4fd0'
                : '#3b7dd8';
        return `<rect x="${i * 14}" y="${70 - h}" width="10" height="${h}" fill="${color}"><title>chk-${c.id} ${c.status} ${checkpointType(c)} ${c.duration ?? '-'} ms${c.unaligned ? `, ${fmtBytes(c.inFlightBytes ?? 0)} in-flight data` : ''}</title></rect>`;
      })
      .join('');
    const rows = [...cps]
      .reverse()
      .map(
        (c) =>
          `<tr class="cp-${c.status.toLowerCase()}" data-checkpoint="${c.id}"><td>${c.id}</td><td>${c.status}</td><td>${new Date(c.triggerTime).toLocaleTimeString()}</td><td>${c.duration === undefined ? '-' : `${Math.round(c.duration)} ms`}</td><td>${Math.round(c.alignmentDuration)} ms</td><td class="cp-type">${checkpointType(c)}</td><td>${c.unaligned ? fmtBytes(c.inFlightBytes ?? 0) : '-'}</td><td>${fmtBytes(c.size)}</td><td>${esc(c.failure ?? '')}</td></tr>`,
      )
      .join('');
    const sps = savepoints
      .map(
        (s, i) =>
          `<li><code>${esc(s.location)}</code> <button data-sp-download="${i}">download</button> <button data-sp-restore="${i}">restore into the editor's script</button></li>`,
      )
      .join('');
    this.root.innerHTML = `
      <svg class="timeline" width="${Math.max(100, cps.slice(-40).length * 14)}" height="72">${bars}</svg>
      <table id="checkpoint-table"><thead><tr><th>id</th><th>status</th><th>triggered</th><th>duration</th><th>alignment</th><th>type</th><th>in-flight data</th><th>size</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
    const actions = this.actions;
    if (!actions) return;
    this.root.innerHTML += `
      <h4>Savepoints kept in this page</h4>
      <ul id="savepoints">${sps || '<li class="hint">none yet: SAVEPOINT TO \'name\';</li>'}</ul>
      <label>upload a savepoint <input type="file" id="sp-upload" accept=".json"/></label>`;
    this.root
      .querySelectorAll<HTMLButtonElement>('[data-sp-download]')
      .forEach((b) =>
        b.addEventListener('click', () =>
          actions.download(savepoints[Number(b.dataset.spDownload)]!.location),
        ),
      );
    this.root
      .querySelectorAll<HTMLButtonElement>('[data-sp-restore]')
      .forEach((b) =>
        b.addEventListener('click', () => actions.restore(savepoints[Number(b.dataset.spRestore)]!.location)),
      );
    this.root.querySelector<HTMLInputElement>('#sp-upload')!.addEventListener('change', (e) => {
      const f = (e.target as HTMLInputElement).files?.[0];
      if (f) actions.upload(f);
    });
  }
}
