// The dashboard's tasks table: per task subtask, busy / back-pressured / idle milliseconds per second and records/s.
import { esc, fmtNum } from '../src/panels/dom';

export interface TaskFigures {
  readonly id: string;
  readonly name: string;
  readonly subtask: number;
  readonly busyTimeMsPerSecond: number;
  readonly backPressuredTimeMsPerSecond: number;
  readonly idleTimeMsPerSecond: number;
  readonly numRecordsInPerSecond: number;
}

export class TasksPanel {
  constructor(private readonly root: HTMLElement) {}

  render(tasks: readonly TaskFigures[]): void {
    const rows = tasks
      .map((t) => {
        const total = Math.max(
          1,
          t.busyTimeMsPerSecond + t.backPressuredTimeMsPerSecond + t.idleTimeMsPerSecond,
        );
        const pct = (x: number) => `${((x / total) * 100).toFixed(1)}%`;
        const name = t.name.length > 60 ? `${t.name.slice(0, 59)}…` : t.name;
        return `<tr data-task="${esc(t.id)}-${t.subtask}"><td title="${esc(t.name)}">${esc(name)}</td><td>${t.subtask}</td>
          <td>${fmtNum(t.numRecordsInPerSecond)}</td>
          <td class="busy">${t.busyTimeMsPerSecond}</td><td class="bp">${t.backPressuredTimeMsPerSecond}</td><td class="idle">${t.idleTimeMsPerSecond}</td>
          <td><div class="busy-bar" title="busy / back-pressured / idle"><span class="busy" style="width:${pct(t.busyTimeMsPerSecond)}"></span><span class="bp" style="width:${pct(t.backPressuredTimeMsPerSecond)}"></span><span class="idle" style="width:${pct(t.idleTimeMsPerSecond)}"></span></div></td></tr>`;
      })
      .join('');
    this.root.innerHTML = `<table id="task-table"><thead><tr><th>task</th><th>subtask</th><th>records in/s</th>
      <th title="busyTimeMsPerSecond">busy ms/s</th><th title="backPressuredTimeMsPerSecond">back-pressured ms/s</th><th title="idleTimeMsPerSecond">idle ms/s</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
  }
}
