// Crash points for tests: WEIR_FAULT=<point>:<n> makes the process SIGKILL itself at the n-th time it reaches <point>.

const spec = process.env['WEIR_FAULT'];
const [point, nth] = spec ? [spec.split(':')[0], Number(spec.split(':')[1] ?? 1)] : [undefined, 0];
let hits = 0;

/**
 * Marks a place where a crash is worth testing (between writing state files and `_metadata`, between
 * `_metadata` and the sink's commit, in the middle of a commit). Does nothing unless WEIR_FAULT names it.
 */
export function faultPoint(name: string): void {
  if (name !== point) return;
  hits++;
  if (hits === nth) process.kill(process.pid, 'SIGKILL');
}
