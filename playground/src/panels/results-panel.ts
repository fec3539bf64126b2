// The results panel: the sink's view with the changelog applied, counts per row kind, rows/s and the exactness counter.
import type { JobFigures } from '../worker/protocol';
import { esc, fmtNum } from './dom';

export class ResultsPanel {
  private last: { at: number; changes: number } | undefined;

  constructor(private readonly root: HTMLElement) {}

  render(job: JobFigures | undefined): void {
    if (!job) {
      this.root.innerHTML = '<p class="hint">Run a query: its results appear here.</p>';
      return;
    }
    const r = job.results;
    if (!r) {
      this.root.innerHTML = `<p class="hint">Job '${esc(job.name)}' writes into a blackhole: see the Plan tab for its figures.</p>`;
      return;
    }
    const changes = r.counts['+I'] + r.counts['-U'] + r.counts['+U'] + r.counts['-D'];
    const rate =
      this.last && job.at > this.last.at
        ? ((changes - this.last.changes) * 1000) / (job.at - this.last.at)
        : 0;
    this.last = { at: job.at, changes };
    const e = job.exactness;
    const where =
      e.last?.checkpointId == null ? 'at the end of the input' : `at checkpoint ${e.last.checkpointId}`;
    const check = e.last
      ? e.last.exact
        ? `<span class="ok" id="exactness" data-exact="true">exact ✓ ${e.exact}/${e.checks} checks — ${where} the ${fmtNum(e.last.rows)} rows equal a failure-free shadow run over the same ${fmtNum(e.last.events)} events</span>`
        : `<span class="bad" id="exactness" data-exact="false">not exact: ${e.exact}/${e.checks} checks — ${where}, ${fmtNum(e.last.extra)} duplicate rows and ${fmtNum(e.last.missing)} missing against the shadow run (${job.mode})</span>`
      : e.pending
        ? '<span id="exactness" data-exact="pending">checking against a shadow run…</span>'
        : '<span id="exactness" class="hint">after a failure, the results are checked against a failure-free shadow run</span>';
    const head = r.columns.map((c) => `<th>${esc(c)}</th>`).join('');
    const rows = r.rows
      .map(
        (x) =>
          `<tr${x.n > 1 ? ' class="dup"' : ''}>${x.row.map((v) => `<td>${esc(v)}</td>`).join('')}${x.n > 1 ? `<td class="dup">×${x.n}</td>` : ''}</tr>`,
      )
      .join('');
    this.root.innerHTML = `
      <div class="figures">
        <span><b>${esc(r.table)}</b> · job ${esc(job.name)} · ${esc(job.status)}${job.restarts ? ` · ${job.restarts} restart${job.restarts > 1 ? 's' : ''}` : ''}</span>
        <span id="row-count" data-rows="${r.total}">${fmtNum(r.total)} rows</span>
        <span class="kind">+I ${fmtNum(r.counts['+I'])}</span><span class="kind">-U ${fmtNum(r.counts['-U'])}</span>
        <span class="kind">+U ${fmtNum(r.counts['+U'])}</span><span class="kind">-D ${fmtNum(r.counts['-D'])}</span>
        <span>${fmtNum(rate)} changelog rows/s</span>
        ${r.missingRetractions ? `<span class="bad">${fmtNum(r.missingRetractions)} retractions of missing rows</span>` : ''}
      </div>
      <div class="check">${check}</div>
      <table id="result-table"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>
      ${r.total > r.rows.length ? `<p class="hint">first ${r.rows.length} of ${fmtNum(r.total)} rows</p>` : ''}`;
  }
}
