// File-system checkpoint storage: <dir>/<job>/chk-<n>/ with state files and `_metadata` written last, atomically.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32Hex } from '../checkpoint/crc32';
import './native-crc32';
import { type CheckpointMetadata, type StateFileHandle, checkMetadata } from '../checkpoint/metadata';
import type { CheckpointStorage, SavepointTarget, StoredCheckpoint } from '../checkpoint/storage';
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

/** Writes one state file durably into `dir`; its handle names it relative to `dir`. */
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
  faultPoint('state-written');
  if (channel) faultPoint('channel-state-written');
  return { path: name, size: data.length, checksum: crc32Hex(data) };
}

/** Writes `_metadata` into `dir` last and atomically (write, fsync, rename, fsync the folder). */
async function commitMetadata(dir: string, metadata: CheckpointMetadata): Promise<string> {
  await mkdir(dir, { recursive: true });
  syncDir(dir);
  await writeDurably(join(dir, '_metadata'), `${JSON.stringify(metadata, null, 2)}\n`);
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

  checkpointDir(job: string, id: number): string {
    return join(this.root, job, `chk-${id}`);
  }

  async writeState(
    job: string,
    id: number,
    name: string,
    data: Uint8Array,
    shared = false,
  ): Promise<StateFileHandle> {
    const dir = shared ? join(this.root, job, 'shared') : this.checkpointDir(job, id);
    const h = await writeStateFile(dir, name, data);
    return shared ? { ...h, path: `../shared/${name}` } : h;
  }

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

  async commit(job: string, metadata: CheckpointMetadata): Promise<string> {
    return commitMetadata(this.checkpointDir(job, metadata.checkpointId), metadata);
  }

  async list(job: string): Promise<StoredCheckpoint[]> {
    const jobDir = join(this.root, job);
    let names: string[];
    try {
      names = await readdir(jobDir);
    } catch {
      return [];
    }
    const out: StoredCheckpoint[] = [];
    for (const n of names) {
      const m = /^chk-(\d+)$/.exec(n);
      if (!m) continue;
      const location = join(jobDir, n);
      try {
        await stat(join(location, '_metadata'));
        out.push({ id: Number(m[1]), location });
      } catch {
        // No _metadata: a checkpoint that never completed.
      }
    }
    return out.sort((a, b) => b.id - a.id);
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
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file} is corrupt: not valid JSON (${(e as Error).message})`);
    }
    return checkMetadata(parsed, file);
  }

  async discard(job: string, id: number, unreferencedShared: readonly string[] = []): Promise<void> {
    const dir = this.checkpointDir(job, id);
    // _metadata first: a half-deleted folder must never look like a complete checkpoint.
    await rm(join(dir, '_metadata'), { force: true });
    await rm(dir, { recursive: true, force: true });
    for (const p of unreferencedShared)
      if (p.startsWith('../shared/')) await rm(join(dir, p), { force: true });
  }

  async discardAll(job: string): Promise<void> {
    await rm(join(this.root, job), { recursive: true, force: true });
  }
}

/** The folder holding a checkpoint location (a folder, or a path to its `_metadata`). */
export function checkpointFolder(location: string): string {
  const p = storagePath(location);
  return p.endsWith('/_metadata') ? p.slice(0, -'/_metadata'.length) : p;
}
