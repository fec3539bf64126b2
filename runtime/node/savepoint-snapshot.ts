// Loads a savepoint (or hashmap checkpoint) for `weir savepoint`: `_metadata` and every keyed-state file, each size and checksum verified.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type CheckpointMetadata,
  type OperatorStateEntry,
  type StateFileHandle,
  keyedFiles,
} from '../checkpoint/metadata';
import type { StateKey } from '../key-groups';
import { decodeKeyGroups } from '../state/snapshot-format';
import { FsCheckpointStorage, storagePath } from './fs-storage';

/** One table of an operator's keyed state, merged over subtasks and key groups: key → value. */
export type Table = Map<StateKey, unknown>;

export interface LoadedOperator {
  readonly entry: OperatorStateEntry;
  /** Whether any subtask has keyed-state files (a stateful operator). */
  readonly keyed: boolean;
  readonly files: number;
  readonly bytes: number;
  /** Table name → its entries (values only when loaded for a diff). */
  readonly tables: ReadonlyMap<string, Table>;
}

export interface LoadedSnapshot {
  /** The folder holding `_metadata`. */
  readonly location: string;
  readonly metadata: CheckpointMetadata;
  readonly files: number;
  readonly bytes: number;
  readonly operators: readonly LoadedOperator[];
}

/** `PATH` as given → the folder holding `_metadata`; says what is there instead when it is not one. */
export function resolveSnapshotFolder(path: string): string {
  const p = storagePath(path);
  if (!existsSync(p)) throw new Error(`no savepoint at ${p}: no such file or folder`);
  if (!statSync(p).isDirectory()) {
    if (basename(p) === '_metadata') return dirname(p);
    throw new Error(`${p} is a file, not a savepoint folder or its _metadata file`);
  }
  if (existsSync(join(p, '_metadata'))) return p;
  // A savepoint directory, or a job's checkpoint folder: name what it holds.
  const inside = readdirSync(p, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(p, e.name, '_metadata')))
    .map((e) => e.name)
    .sort();
  const hint =
    inside.length === 0
      ? ''
      : `; folders in it that have one: ${inside.slice(0, 8).join(', ')}${inside.length > 8 ? `, … (${inside.length})` : ''}`;
  throw new Error(`no savepoint at ${p}: the folder has no _metadata${hint}`);
}

/**
 * Reads `_metadata` and every keyed-state file (size and CRC-32 verified, incremental chains applied in
 * order). Every damaged file is named, not just the first. `keepValues`: keep values (for a diff), else
 * only keys are counted.
 */
export async function loadSnapshot(path: string, keepValues: boolean, what: string): Promise<LoadedSnapshot> {
  const location = resolveSnapshotFolder(path);
  const fs = new FsCheckpointStorage('/');
  const metadata = await fs.readMetadata(location);
  const native = metadata.operators.find((o) => o.subtasks.some((s) => s.native !== undefined));
  if (native)
    throw new Error(
      `${location} is a ${metadata.backend} ${metadata.kind} in RocksDB's native format (SST files of ${native.uid}); ` +
        `${what} needs a savepoint or a hashmap checkpoint (take one with SAVEPOINT; or STOP JOB '<name>' WITH SAVEPOINT;)`,
    );
  const problems: string[] = [];
  const operators: LoadedOperator[] = [];
  let files = 0;
  let bytes = 0;
  for (const entry of metadata.operators) {
    const tables = new Map<string, Table>();
    let opFiles = 0;
    let opBytes = 0;
    for (const s of entry.subtasks) {
      for (const handle of keyedFiles(s)) {
        opFiles++;
        opBytes += handle.size;
        const groups = await readGroups(fs, location, handle, metadata.kind, problems);
        if (groups === undefined) continue;
        // Deletions, then values: how a backend restores a chain of incremental files.
        for (const g of groups)
          for (const [name, [keys, values, deleted]] of Object.entries(g.tables)) {
            let t = tables.get(name);
            if (!t) tables.set(name, (t = new Map()));
            for (const k of deleted ?? []) t.delete(k);
            for (let i = 0; i < keys.length; i++) t.set(keys[i]!, keepValues ? values[i] : true);
          }
      }
    }
    files += opFiles;
    bytes += opBytes;
    operators.push({ entry, keyed: opFiles > 0, files: opFiles, bytes: opBytes, tables });
  }
  if (problems.length > 0)
    throw new Error(
      `${location} is damaged (${problems.length} of ${files} state file${files === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
  return { location, metadata, files, bytes, operators };
}

async function readGroups(
  fs: FsCheckpointStorage,
  location: string,
  handle: StateFileHandle,
  kind: CheckpointMetadata['kind'],
  problems: string[],
) {
  try {
    const data = await fs.readState(location, handle);
    return decodeKeyGroups(data, join(location, handle.path));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // The storage's messages say "state file"; name the kind of snapshot it belongs to.
    problems.push(message.replace(/^state file /, `${kind} file `));
    return undefined;
  }
}
