// The filesystem sink's file names (job- and run-unique), the pending files a checkpoint lists, and their idempotent commit.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { faultPoint } from '../faults';

/**
 * A file pre-committed at checkpoint `checkpointId`: hidden as `pending` until committed as `final`, both in
 * folder `dir` (absolute; missing in state written before weir recorded it: the sink's own folder then).
 */
export interface PendingFile {
  readonly checkpointId: number;
  readonly pending: string;
  readonly final: string;
  readonly dir?: string;
}

/** What the writer stores in a checkpoint: every pre-committed file not yet committed. */
export interface FilesystemSinkState {
  readonly pending: readonly PendingFile[];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * The sink's job key: 8 hex digits of a hash of the job name and the sink operator's uid. Every hidden file
 * carries it, so that start-up cleanup removes only the hidden files of this sink of this job.
 */
export const jobKeyOf = (jobName: string, uid: string): string =>
  createHash('sha256').update(`${jobName}\n${uid}`).digest('hex').slice(0, 8);

/** 8 random hex digits, new for each writer (each start of a sink subtask): no two runs share a file name. */
export const newRunToken = (): string => randomBytes(4).toString('hex');

/**
 * The names of one sink subtask's files. `<job>` is the job key, `<run>` the run token:
 * - in progress: `.inprogress-<job>-<run>-<subtask, 4 digits>-<counter>.<ext>`
 * - pending: `.pending-<checkpoint, 10 digits>-<job>-<run>-<subtask>-<n>.<ext>`
 * - committed: `part-<checkpoint, 10 digits>-<job>-<run>-<subtask>-<n>.<ext>`: sorting one job's committed
 *   files by name replays its changelog (checkpoint ids grow across restarts and resumes).
 */
export class PartFileNames {
  constructor(
    readonly jobKey: string,
    readonly run: string,
    readonly subtask: number,
    readonly ext: string,
  ) {}

  inProgress(counter: number): string {
    return `.inprogress-${this.jobKey}-${this.run}-${pad(this.subtask, 4)}-${counter}${this.ext}`;
  }

  pending(checkpointId: number, n: number): string {
    return `.pending-${pad(checkpointId, 10)}-${this.jobKey}-${this.run}-${pad(this.subtask, 4)}-${n}${this.ext}`;
  }

  final(checkpointId: number, n: number): string {
    return `part-${pad(checkpointId, 10)}-${this.jobKey}-${this.run}-${pad(this.subtask, 4)}-${n}${this.ext}`;
  }
}

/** A hidden file of some job and run: its job key and subtask. */
const HIDDEN = /^\.(?:inprogress|pending-\d+)-([0-9a-f]{8})-[0-9a-f]{8}-(\d+)-\d+\.[a-z]+$/;

/** The job key and subtask of a hidden file this sink wrote (any job, any run), else undefined. */
export function hiddenFileOwner(name: string): { jobKey: string; subtask: number } | undefined {
  const m = HIDDEN.exec(name);
  return m ? { jobKey: m[1]!, subtask: Number(m[2]) } : undefined;
}

/** The pending files a checkpointed state lists; nothing for a state that is not a FilesystemSinkState. */
export function pendingFilesOf(state: unknown): readonly PendingFile[] {
  const list = (state as Partial<FilesystemSinkState> | null | undefined)?.pending;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (f): f is PendingFile =>
      typeof f === 'object' &&
      f !== null &&
      typeof f.checkpointId === 'number' &&
      typeof f.pending === 'string' &&
      typeof f.final === 'string' &&
      (f.dir === undefined || typeof f.dir === 'string'),
  );
}

/** What `commitPendingFile` did: renamed it, found it committed before, or found neither file. */
export type CommitOutcome = 'committed' | 'committed-before' | 'missing';

/**
 * Renames a pending file in `dir` to its final name. Idempotent: a missing pending file whose final file
 * exists was committed before. MUST NOT overwrite a committed file: a final name taken by another file (only
 * possible for names without a run token, from older weir versions) commits under the next free `n`.
 */
export function commitPendingFile(dir: string, f: PendingFile, log: (m: string) => void): CommitOutcome {
  const src = path.join(dir, f.pending);
  const dst = path.join(dir, f.final);
  if (!fs.existsSync(src)) return fs.existsSync(dst) ? 'committed-before' : 'missing';
  let target = dst;
  if (fs.existsSync(dst)) {
    const m = /^(.*-)(\d+)(\.[a-z]+)$/.exec(f.final);
    if (!m) throw new Error(`filesystem sink: cannot commit '${f.pending}': '${f.final}' exists in '${dir}'`);
    let n = Number(m[2]) + 1;
    while (fs.existsSync((target = path.join(dir, `${m[1]}${n}${m[3]}`)))) n++;
    log(
      `filesystem sink: '${f.final}' already exists (written by another run); committing as '${path.basename(target)}'`,
    );
  }
  faultPoint('sink-committing');
  try {
    fs.renameSync(src, target);
  } catch (e) {
    // Committed concurrently by another subtask restoring the same list.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(dst)) return 'committed-before';
    throw e;
  }
  return 'committed';
}

/** Makes renames in `dir` durable (a no-op where folders cannot be synced). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
