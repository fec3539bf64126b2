// Crash points for tests: WEIR_FAULT=<point>:<n> makes the process SIGKILL itself (or a task manager thread die) at the n-th time it reaches <point>.

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

/** Whether the next `faultPoint(name)` kills (so that a torn write can be left before it). */
export function faultDue(name: string): boolean {
  return name === point && hits + 1 === nth;
}

const workerSpec = point === 'worker-exit' || point === 'worker-throw' ? point : undefined;
let workerRounds = 0;

/**
 * Task manager faults: WEIR_FAULT=worker-exit:<n> makes task manager 0 end its thread (process.exit in a
 * worker) at its n-th busy round after the first checkpoint of the job's first attempt completed;
 * worker-throw:<n> throws an uncaught error there instead. The job master sees the thread die and restarts
 * the job from its latest checkpoint.
 */
export function workerFault(taskManager: number, attempt: number, checkpointed: boolean): void {
  if (!workerSpec || taskManager !== 0 || attempt !== 0 || !checkpointed) return;
  workerRounds++;
  if (workerRounds !== nth) return;
  if (workerSpec === 'worker-exit') process.exit(3);
  setImmediate(() => {
    throw new Error(`injected fault: task manager ${taskManager} throws (WEIR_FAULT=${spec})`);
  });
}
