// File-system checkpoint storage: <dir>/<job>/<job id>/chk-<n>/ with state files and `_metadata` written last, atomically.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { crc32Hex } from '../checkpoint/crc32';
import './native-crc32';
import {
  type CheckpointMetadata,
  SHARED_PREFIX,
  type StateFileHandle,
  decodeMetadata,
  encodeMetadata,
  isSharedPath,
  referencedFiles,
} from '../checkpoint/metadata';
import type { CheckpointStorage, JobRun, SavepointTarget, StoredCheckpoint } from '../checkpoint/storage';
import { CHANNEL_STATE_SUFFIX } from '../state/channel-state-format';
import { faultDue, faultPoint } from './faults';

/** `file:///a/b`, `file://rel` or a plain path → a path. */
export function storagePath(uri: string): string {
  return resolve(uri.replace(/^file:\/\//, ''));
}

async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  }
}

/** Writes one state file durably into `dir` (the file, then the folder's entry); its handle names it relative to `dir`. */
async function writeStateFile(dir: string, name: string, data: Uint8Array): Promise<StateFileHandle> {
  await mkdir(dir, { recursive: true });
  // Unaligned checkpoints' channel state: a kill while it is half written, and one right after it.
  const channel = name.endsWith(CHANNEL_STATE_SUFFIX);
  if (channel) {
    if (faultDue('channel-state-writing'))
      await writeFile(join(dir, name), data.subarray(0, data.length >> 1));
    faultPoint('channel-state-writing');
  }
  await writeDurably(join(dir, name), data);
  syncDir(dir);
  faultPoint('state-written');
  if (channel) faultPoint('channel-state-written');
  return { path: name, size: data.length, checksum: crc32Hex(data) };
}

/** Writes `_metadata` into `dir` last and atomically (write, fsync, rename, fsync the folder). */
async function commitMetadata(dir: string, metadata: CheckpointMetadata): Promise<string> {
  await mkdir(dir, { recursive: true });
  syncDir(dir);
  await writeDurably(join(dir, '_metadata'), encodeMetadata(metadata));
  syncDir(dir);
  faultPoint('metadata-written');
  return dir;
}

export class FsCheckpointStorage implements CheckpointStorage {
  readonly kind = 'filesystem';
  readonly root: string;

  constructor(dir: string) {
    this.root = storagePath(dir);
  }

  /** `<root>/<job name>`: the job's runs, each in a folder named by its job id, and their `shared/` files. */
  jobDir(jobName: string): string {
    return join(this.root, jobName);
  }

  checkpointLocation(run: JobRun, id: number): string {
    return join(this.root, run.name, run.id, `chk-${id}`);
  }

  async writeState(
    run: JobRun,
    id: number,
    name: string,
    data: Uint8Array,
    shared = false,
  ): Promise<StateFileHandle> {
    await this.ownRun(run);
    if (!shared) return writeStateFile(this.checkpointLocation(run, id), name, data);
    // Every run of the job writes into one shared/ folder: the run's prefix tells whose a file is.
    const file = `${sharedPrefix(run)}${name}`;
    const h = await writeStateFile(join(this.jobDir(run.name), 'shared'), file, data);
    return { ...h, path: `${SHARED_PREFIX}${file}` };
  }

  /**
   * Removes what runs of `jobName` that died left behind: folders of checkpoints that never completed, the
   * folders of runs with no completed checkpoint, and their shared files that no completed checkpoint of the job
   * name lists. A run whose process still lives (its `_owner` names a live pid) is left alone. Returns the paths
   * removed.
   */
  async discardOrphans(jobName: string): Promise<string[]> {
    const removed: string[] = [];
    const jobDir = this.jobDir(jobName);
    const dead = new Set<string>();
    const known = new Set<string>();
    for (const run of await readdirOrEmpty(jobDir)) {
      if (!/^[0-9a-f]{32}$/.test(run)) continue;
      known.add(run.slice(0, 8));
      const runDir = join(jobDir, run);
      if (await ownerAlive(runDir)) continue;
      dead.add(run.slice(0, 8));
      let completed = 0;
      for (const n of await readdirOrEmpty(runDir)) {
        if (!/^chk-\d+$/.test(n)) continue;
        if ((await completionTimeOf(join(runDir, n))) !== undefined) completed++;
        else {
          await rm(join(runDir, n), { recursive: true, force: true });
          removed.push(join(runDir, n));
        }
      }
      if (completed === 0) {
        await rm(runDir, { recursive: true, force: true });
        removed.push(runDir);
      }
    }
    const referenced = new Set<string>();
    for (const c of await this.list(jobName)) {
      try {
        for (const f of referencedFiles(await this.readMetadata(c.location)))
          if (isSharedPath(f)) referenced.add(f.slice(SHARED_PREFIX.length));
      } catch {
        // an unreadable _metadata lists nothing
      }
    }
    const sharedDir = join(jobDir, 'shared');
    for (const n of await readdirOrEmpty(sharedDir)) {
      const prefix = n.slice(0, 8);
      // A run's shared files: its folder is dead, or gone (it never completed a checkpoint).
      if ((dead.has(prefix) || !known.has(prefix)) && !referenced.has(n)) {
        await rm(join(sharedDir, n), { force: true });
        removed.push(join(sharedDir, n));
      }
    }
    return removed;
  }

  /** Creates the run's folder with its `_owner` (this process's pid) the first time the run writes. */
  private async ownRun(run: JobRun): Promise<void> {
    if (this.owned.has(run.id)) return;
    this.owned.add(run.id);
    const runDir = join(this.jobDir(run.name), run.id);
    await mkdir(runDir, { recursive: true });
    await writeDurably(
      join(runDir, '_owner'),
      `${JSON.stringify({ pid: process.pid, started: Date.now() })}\n`,
    );
  }

  private readonly owned = new Set<string>();

  savepoint(dir: string, job: string, id: number): SavepointTarget {
    const random = Math.random().toString(36).slice(2, 8);
    const location = join(
      storagePath(dir),
      `savepoint-${job.replace(/[^A-Za-z0-9._-]/g, '_')}-${id}-${random}`,
    );
    return {
      location,
      writeState: (name, data) => writeStateFile(location, name, data),
      commit: (metadata) => commitMetadata(location, metadata),
      discard: () => rm(location, { recursive: true, force: true }),
    };
  }

  async readState(location: string, handle: StateFileHandle): Promise<Uint8Array> {
    const file = join(location, handle.path);
    let data: Uint8Array;
    try {
      data = await readFile(file);
    } catch (e) {
      throw new Error(`state file ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (data.length !== handle.size) {
      throw new Error(
        `state file ${file} is truncated or corrupt: ${data.length} bytes, _metadata says ${handle.size}`,
      );
    }
    const sum = crc32Hex(data);
    if (sum !== handle.checksum) {
      throw new Error(`state file ${file} is corrupt: checksum ${sum}, _metadata says ${handle.checksum}`);
    }
    return data;
  }

  async commit(run: JobRun, metadata: CheckpointMetadata): Promise<string> {
    return commitMetadata(this.checkpointLocation(run, metadata.checkpointId), metadata);
  }

  async list(jobName: string): Promise<StoredCheckpoint[]> {
    const jobDir = this.jobDir(jobName);
    const out: StoredCheckpoint[] = [];
    for (const run of await readdirOrEmpty(jobDir)) {
      if (run === 'shared') continue;
      // The layout before job ids: <job>/chk-<n> (read, never written).
      const legacy = /^chk-\d+$/.test(run);
      const names = legacy ? [run] : await readdirOrEmpty(join(jobDir, run));
      for (const n of names) {
        const m = /^chk-(\d+)$/.exec(n);
        if (!m) continue;
        const location = legacy ? join(jobDir, n) : join(jobDir, run, n);
        const completionTime = await completionTimeOf(location);
        if (completionTime !== undefined)
          out.push({ id: Number(m[1]), location, jobId: legacy ? '' : run, completionTime });
      }
    }
    return out.sort((a, b) => b.completionTime - a.completionTime || b.id - a.id);
  }

  async readMetadata(location: string): Promise<CheckpointMetadata> {
    let dir = storagePath(location);
    let file = join(dir, '_metadata');
    if (dir.endsWith('_metadata')) {
      file = dir;
      dir = dir.slice(0, -'/_metadata'.length);
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'ENOENT'
          ? `no checkpoint at ${dir}: ${file} does not exist`
          : `cannot read ${file}: ${code ?? String(e)}`,
      );
    }
    return decodeMetadata(text, file);
  }

  async discard(location: string, unreferencedShared: readonly string[] = []): Promise<void> {
    const dir = checkpointFolder(location);
    // _metadata first: a half-deleted folder must never look like a complete checkpoint.
    await rm(join(dir, '_metadata'), { force: true });
    await rm(dir, { recursive: true, force: true });
    for (const p of unreferencedShared) if (isSharedPath(p)) await rm(join(dir, p), { force: true });
    // A run's folder goes with its last checkpoint.
    if (dirname(dirname(dir)).startsWith(this.root)) await rmdirIfEmpty(dirname(dir));
  }

  async discardAll(run: JobRun): Promise<void> {
    await rm(join(this.jobDir(run.name), run.id), { recursive: true, force: true });
  }
}

/** Whether the process named in a run folder's `_owner` still lives (then the run may still be writing). */
async function ownerAlive(runDir: string): Promise<boolean> {
  let pid: number;
  try {
    pid = (JSON.parse(await readFile(join(runDir, '_owner'), 'utf8')) as { pid: number }).pid;
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The start of a run's shared file names: the first 8 hex digits of its job id. */
function sharedPrefix(run: JobRun): string {
  return `${run.id.slice(0, 8)}-`;
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** Removes a run's folder once it holds nothing but the `_owner` of a process that ended. */
async function rmdirIfEmpty(dir: string): Promise<void> {
  try {
    const left = await readdir(dir);
    if (left.length === 0 || (left.length === 1 && left[0] === '_owner' && !(await ownerAlive(dir))))
      await rm(dir, { recursive: true });
  } catch {
    // gone already, or not empty
  }
}

/**
 * When the checkpoint at `location` completed: `completionTime` of its `_metadata`, else (unreadable) the file's
 * modification time; undefined when it has no `_metadata` (it never completed).
 */
async function completionTimeOf(location: string): Promise<number | undefined> {
  const file = join(location, '_metadata');
  let mtime: number;
  try {
    mtime = (await stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
  try {
    const t = (JSON.parse(await readFile(file, 'utf8')) as { completionTime?: unknown }).completionTime;
    return typeof t === 'number' ? t : mtime;
  } catch {
    return mtime;
  }
}

/** The folder holding a checkpoint location (a folder, or a path to its `_metadata`). */
export function checkpointFolder(location: string): string {
  const p = storagePath(location);
  return p.endsWith('/_metadata') ? p.slice(0, -'/_metadata'.length) : p;
}
