// Savepoints kept in the page: found by the name they were taken to (or uploaded as), downloaded and uploaded as bundles.
import type { MemoryCheckpointStorage } from '../../../runtime/checkpoint/memory-storage';
import { type CheckpointMetadata, stateFiles } from '../../../runtime/checkpoint/metadata';
import type { SavepointBundle } from './protocol';

function toBase64(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The folder a savepoint was taken into (`SAVEPOINT TO 'name'`): `memory://name/savepoint-…` → `name`. */
function folderOf(location: string): string {
  return location.replace(/^memory:\/\//, '').replace(/\/[^/]*$/, '');
}

export class SavepointShelf {
  /** Savepoint locations, oldest first. */
  private readonly locations: string[] = [];

  constructor(private readonly storage: MemoryCheckpointStorage) {}

  add(location: string): void {
    this.locations.push(location);
  }

  /**
   * A snapshot to restore from: a location (`memory://…`, a checkpoint or savepoint), or the folder given to
   * `SAVEPOINT TO` or an upload's name (its newest savepoint).
   */
  async find(path: string): Promise<{ metadata: CheckpointMetadata; location: string }> {
    const name = path.replace(/^memory:\/\//, '').replace(/\/+$/, '');
    const location =
      [...this.locations].reverse().find((l) => folderOf(l) === name) ??
      (path.startsWith('memory://') ? path : undefined);
    if (!location)
      throw new Error(
        `no savepoint in '${path}' in this page (have: ${[...new Set(this.locations.map(folderOf))].join(', ') || 'none'}); take one with SAVEPOINT TO '${path}' or upload one`,
      );
    return { metadata: await this.storage.readMetadata(location), location };
  }

  async bundle(location: string): Promise<SavepointBundle> {
    const metadata = await this.storage.readMetadata(location);
    const files: Record<string, string> = {};
    for (const op of metadata.operators)
      for (const s of op.subtasks)
        for (const f of stateFiles(s)) files[f.path] = toBase64(await this.storage.readState(location, f));
    return { format: 'weir-savepoint-bundle/1', name: folderOf(location), metadata, files };
  }

  /** Puts an uploaded bundle into the page's storage under its name; returns its new location. */
  async upload(b: SavepointBundle): Promise<string> {
    if (b.format !== 'weir-savepoint-bundle/1')
      throw new Error(`not a weir savepoint bundle (${String(b.format)})`);
    const m = b.metadata as CheckpointMetadata;
    const target = this.storage.savepoint(b.name, m.jobName, m.checkpointId);
    for (const [path, data] of Object.entries(b.files)) await target.writeState(path, fromBase64(data));
    const location = await target.commit(m);
    // Checks the files against the metadata's sizes and checksums.
    for (const op of m.operators)
      for (const s of op.subtasks) for (const f of stateFiles(s)) await this.storage.readState(location, f);
    this.add(location);
    return location;
  }
}
