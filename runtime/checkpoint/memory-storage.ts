// In-memory checkpoint storage (Flink's JobManagerCheckpointStorage): size-capped, for tests and the playground.
import { crc32Hex } from './crc32';
import {
  type CheckpointMetadata,
  SHARED_PREFIX,
  type StateFileHandle,
  decodeMetadata,
  encodeMetadata,
} from './metadata';
import type { CheckpointStorage, JobRun, SavepointTarget, StoredCheckpoint } from './storage';

/** Resolves `.` and `..` segments, so `memory://j/r/chk-3/../../shared/x` and `memory://j/shared/x` are one file. */
function normalize(path: string): string {
  const [scheme, rest] = path.startsWith('memory://') ? ['memory://', path.slice(9)] : ['', path];
  const out: string[] = [];
  for (const part of rest.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return scheme + out.join('/');
}

export class MemoryCheckpointStorage implements CheckpointStorage {
  readonly kind = 'jobmanager';
  private readonly files = new Map<string, Uint8Array>();
  private readonly metadata = new Map<string, string>();

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  checkpointLocation(run: JobRun, id: number): string {
    return `memory://${run.name}/${run.id}/chk-${id}`;
  }

  private usedBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.length;
    return n;
  }

  async writeState(
    run: JobRun,
    id: number,
    name: string,
    data: Uint8Array,
    shared = false,
  ): Promise<StateFileHandle> {
    if (this.usedBytes() + data.length > this.maxBytes) {
      throw new Error(
        `in-memory checkpoint storage is full (${this.maxBytes} bytes, 'state.checkpoint-storage.jobmanager.max-size'); use 'execution.checkpointing.storage' = 'filesystem'`,
      );
    }
    const path = shared ? `${SHARED_PREFIX}${name}` : name;
    this.files.set(normalize(`${this.checkpointLocation(run, id)}/${path}`), data.slice());
    return { path, size: data.length, checksum: crc32Hex(data) };
  }

  savepoint(dir: string, job: string, id: number): SavepointTarget {
    const location = normalize(
      `${dir.startsWith('memory://') ? dir : `memory://${dir}`}/savepoint-${job}-${id}-${Math.random().toString(36).slice(2, 8)}`,
    );
    return {
      location,
      writeState: async (name, data) => {
        if (this.usedBytes() + data.length > this.maxBytes)
          throw new Error(`in-memory checkpoint storage is full (${this.maxBytes} bytes)`);
        this.files.set(`${location}/${name}`, data.slice());
        return { path: name, size: data.length, checksum: crc32Hex(data) };
      },
      commit: async (m) => {
        this.metadata.set(location, encodeMetadata(m));
        return location;
      },
      discard: async () => {
        this.metadata.delete(location);
        for (const k of [...this.files.keys()]) if (k.startsWith(`${location}/`)) this.files.delete(k);
      },
    };
  }

  async readState(location: string, handle: StateFileHandle): Promise<Uint8Array> {
    const data = this.files.get(normalize(`${location}/${handle.path}`));
    if (!data) throw new Error(`${location}/${handle.path}: missing`);
    if (data.length !== handle.size || crc32Hex(data) !== handle.checksum) {
      throw new Error(`${location}/${handle.path}: checksum mismatch (the file is corrupt or truncated)`);
    }
    return data;
  }

  async commit(run: JobRun, m: CheckpointMetadata): Promise<string> {
    const loc = this.checkpointLocation(run, m.checkpointId);
    this.metadata.set(loc, encodeMetadata(m));
    return loc;
  }

  async list(jobName: string): Promise<StoredCheckpoint[]> {
    const out: StoredCheckpoint[] = [];
    for (const [location, text] of this.metadata) {
      const m = /^memory:\/\/(.+)\/([^/]+)\/chk-(\d+)$/.exec(location);
      if (!m || m[1] !== jobName) continue;
      let completionTime = 0;
      try {
        completionTime = (JSON.parse(text) as CheckpointMetadata).completionTime;
      } catch {
        // a damaged document: listed, found unusable when read
      }
      out.push({ id: Number(m[3]), location, jobId: m[2]!, completionTime });
    }
    return out.sort((a, b) => b.completionTime - a.completionTime || b.id - a.id);
  }

  async readMetadata(location: string): Promise<CheckpointMetadata> {
    const loc = location.replace(/\/_metadata$/, '');
    const text = this.metadata.get(loc);
    if (text === undefined) throw new Error(`${location}: no such checkpoint`);
    return decodeMetadata(text, loc);
  }

  async discard(location: string, unreferencedShared: readonly string[] = []): Promise<void> {
    const loc = location.replace(/\/_metadata$/, '');
    for (const p of unreferencedShared) this.files.delete(normalize(`${loc}/${p}`));
    this.metadata.delete(loc);
    for (const k of [...this.files.keys()]) if (k.startsWith(`${loc}/`)) this.files.delete(k);
  }

  async discardAll(run: JobRun): Promise<void> {
    const prefix = `memory://${run.name}/${run.id}/`;
    for (const k of [...this.metadata.keys()]) if (k.startsWith(prefix)) this.metadata.delete(k);
    for (const k of [...this.files.keys()]) if (k.startsWith(prefix)) this.files.delete(k);
  }
}
