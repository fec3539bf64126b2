// `weir savepoint inspect|diff`: what a savepoint holds and how two differ, every file checked (weir's own tool; Flink has none).
import { diffSnapshots, formatDiff } from './savepoint-diff';
import { formatInspect } from './savepoint-inspect';
import { loadSnapshot } from './savepoint-snapshot';

export const SAVEPOINT_USAGE = `usage: weir savepoint inspect PATH   what a savepoint holds: operators, key groups, entries, bytes, source offsets
       weir savepoint diff A B        per operator uid: state in A only, B only or both; entries added, removed, changed

PATH is a savepoint folder or its _metadata file; a checkpoint folder (chk-N) of the hashmap backend works too.
Every state file's size and checksum is verified; a damaged one is named and the status is 1.`;

/** `weir savepoint ...`: 0 on success, 1 when a savepoint is missing or damaged, 2 on a usage error. */
export async function savepointCommand(args: readonly string[]): Promise<number> {
  const [sub, ...paths] = args;
  const usage = (message: string) => {
    console.error(`weir savepoint: ${message}\n\n${SAVEPOINT_USAGE}`);
    return 2;
  };
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    console.log(SAVEPOINT_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'inspect' && sub !== 'diff') return usage(`unknown subcommand '${sub}'`);
  const flag = paths.find((p) => p.startsWith('-'));
  if (flag !== undefined) return usage(`unknown option '${flag}'`);
  if (sub === 'inspect' && paths.length !== 1) return usage('inspect expects one PATH');
  if (sub === 'diff' && paths.length !== 2) return usage('diff expects two paths, A and B');
  try {
    if (sub === 'inspect') {
      console.log(formatInspect(await loadSnapshot(paths[0]!, false, 'inspect')));
    } else {
      const a = await loadSnapshot(paths[0]!, true, 'diff');
      const b = await loadSnapshot(paths[1]!, true, 'diff');
      console.log(formatDiff(a, b, diffSnapshots(a, b)));
    }
    return 0;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    console.error(`weir savepoint ${sub}: ${e.message}`);
    return 1;
  }
}
