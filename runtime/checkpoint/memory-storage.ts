// In-memory checkpoint storage (Flink's JobManagerCheckpointStorage): size-capped, for tests and the playground.
import { crc32Hex } from './crc32';
import { type CheckpointMetadata, type StateFileHandle, checkMetadata } from './metadata';
import type { CheckpointStorage, SavepointTarget, StoredCheckpoint } from './storage';

/** Resolves `.` and `..` segments, so `memory://j/chk-3/../shared/x` and `memory://j/shared/x` are one file. */
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

  private location(job: string, id: number): string {
    return `memory://${job}/chk-${id}`;
  }

  private usedBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.length;
    return n;
  }

  async writeState(
    job: string,
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
    const path = shared ? `../shared/${name}` : name;
    this.files.set(normalize(`${this.location(job, id)}/${path}`), data.slice());
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
        this.metadata.set(location, JSON.stringify(m));
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

  async commit(job: string, m: CheckpointMetadata): Promise<string> {
    const loc = this.location(job, m.checkpointId);
    this.metadata.set(loc, JSON.stringify(m));
    return loc;
  }

  async list(job: string): Promise<StoredCheckpoint[]> {
    const prefix = `memory://${job}/chk-`;
    return [...this.metadata.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((location) => ({ id: Number(location.slice(prefix.length)), location }))
      .sort((a, b) => b.id - a.id);
  }

  async readMetadata(location: string): Promise<CheckpointMetadata> {
    const loc = location.replace(/\/_metadata$/, '');
    const text = this.metadata.get(loc);
    if (text === undefined) throw new Error(`${location}: no such checkpoint`);
    return checkMetadata(JSON.parse(text), loc);
  }

  async discard(job: string, id: number, unreferencedShared: readonly string[] = []): Promise<void> {
    const loc = this.location(job, id);
    for (const p of unreferencedShared) this.files.delete(normalize(`${loc}/${p}`));
    this.metadata.delete(loc);
    for (const k of [...this.files.keys()]) if (k.startsWith(`${loc}/`)) this.files.delete(k);
  }

  async discardAll(job: string): Promise<void> {
    for (const k of [...this.metadata.keys()]) if (k.startsWith(`memory://${job}/`)) this.metadata.delete(k);
    for (const k of [...this.files.keys()]) if (k.startsWith(`memory://${job}/`)) this.files.delete(k);
  }
}
