// The filesystem sink of a PARTITIONED BY table: Hive-style folders `k1=v1/k2=v2/`, one FilesystemWriter per folder,
// and Flink's partition commit (a `_SUCCESS` file once a partition's time has passed, at a checkpoint's completion).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TableDef } from '../../../compiler/catalog';
import { parseTimestamp } from '../../../compiler/codegen/builtins';
import { parseDuration } from '../../../compiler/options';
import type { Field } from '../../../compiler/types';
import type { ConnectorContext, SinkWriter } from '../../connectors/connector';
import type { RecordBatch, Row, RowKind } from '../../messages';
import { FilesystemWriter } from './filesystem-sink';

/** What a subtask stores in a checkpoint: each folder's pre-committed files, and partitions not yet committed. */
interface PartitionedSinkState {
  /** Folder (relative to the table's path, '/'-separated) → that folder's FilesystemWriter state. */
  readonly folders: Readonly<Record<string, unknown>>;
  /** Partitions written to and not yet committed: folder → creation time (ms, processing time). */
  readonly uncommitted: Readonly<Record<string, number>>;
}

// Hive's escaping of a partition value in a folder name (as Flink's PartitionPathUtils): control characters, DEL
// and the characters of ESCAPED become `%XX`.
const ESCAPED = `"#%'*/:=?\\{[]^`;

export function escapePartitionValue(v: string): string {
  let out = '';
  for (const ch of v) {
    const c = ch.charCodeAt(0);
    out +=
      c < 0x20 || c === 0x7f || ESCAPED.includes(ch)
        ? `%${c.toString(16).toUpperCase().padStart(2, '0')}`
        : ch;
  }
  return out;
}

export function unescapePartitionValue(v: string): string {
  return v.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export class PartitionedFilesystemWriter implements SinkWriter {
  private readonly base: string;
  /** Indexes into the written row: the partition columns, and the columns that go into the files. */
  private readonly keys: readonly number[];
  private readonly rest: readonly number[];
  private readonly names: readonly string[];
  private readonly fileTable: TableDef;
  private readonly fileSchema: readonly Field[];
  private readonly trigger: 'process-time' | 'partition-time';
  private readonly delay: number;
  private readonly successFile: string | undefined;
  private readonly timePattern: string | undefined;
  private readonly defaultName: string;
  private ctx!: ConnectorContext;
  private readonly writers = new Map<string, FilesystemWriter>();
  private readonly uncommitted = new Map<string, number>();
  /** The watermark at each checkpoint's barrier: the partition-time trigger compares against it. */
  private readonly watermarks = new Map<number, number>();
  private currentWatermark = -Infinity;
  private ended = false;

  constructor(
    private readonly table: TableDef,
    schema: readonly Field[],
  ) {
    const o = table.options;
    this.base = path.resolve(o['path'] ?? '.');
    const physical = table.physical;
    // The row holds the physical columns in order; partition keys are columns → positions among them.
    this.keys = table.partitionKeys!.map((c) => physical.indexOf(c));
    this.rest = physical.map((_, i) => i).filter((i) => !this.keys.includes(i));
    this.names = table.partitionKeys!.map((c) => table.columns[c]!.name);
    const fields = physical.length === schema.length ? physical.map((c) => table.columns[c]!) : schema;
    this.fileSchema = this.rest.map((i) => fields[i]!);
    this.fileTable = {
      ...table,
      columns: this.fileSchema,
      physical: this.fileSchema.map((_, i) => i),
      computed: [],
      primaryKey: [],
      partitionKeys: undefined,
    };
    this.trigger = (o['sink.partition-commit.trigger'] ?? 'process-time').toLowerCase() as
      'process-time' | 'partition-time';
    this.delay = parseDuration(o['sink.partition-commit.delay'] ?? '0') ?? 0;
    const kinds = (o['sink.partition-commit.policy.kind'] ?? '')
      .split(',')
      .map((k) => k.trim().toLowerCase())
      .filter(Boolean);
    const unknown = kinds.filter((k) => k !== 'success-file');
    if (unknown.length)
      throw new Error(
        `filesystem sink '${table.name}': partition commit policy ${unknown.map((k) => `'${k}'`).join(', ')} is not supported (only 'success-file')`,
      );
    this.successFile = kinds.includes('success-file')
      ? (o['sink.partition-commit.success-file.name'] ?? '_SUCCESS')
      : undefined;
    this.timePattern = o['partition.time-extractor.timestamp-pattern'];
    this.defaultName = o['partition.default-name'] ?? '__DEFAULT_PARTITION__';
  }

  async open(
    ctx: ConnectorContext,
    restored: { checkpointId: number; all: readonly unknown[]; own: unknown } | undefined,
  ): Promise<void> {
    this.ctx = ctx;
    fs.mkdirSync(this.base, { recursive: true });
    const states = (restored?.all ?? []).map(stateOf);
    // Every partition folder present (so that each writer clears this subtask's leftover hidden files), and every
    // folder a restored state names (so that its pre-committed files are committed).
    const folders = new Set([...this.existingFolders(), ...states.flatMap((s) => Object.keys(s.folders))]);
    for (const folder of [...folders].sort()) {
      const w = this.writerFor(folder);
      const mine = states.flatMap((s) => (folder in s.folders ? [s.folders[folder]] : []));
      await w.open(
        ctx,
        restored
          ? { checkpointId: restored.checkpointId, all: mine, own: stateOf(restored.own).folders[folder] }
          : undefined,
      );
    }
    // Partitions not committed before: committed later by whichever subtask holds them (a commit is idempotent).
    for (const s of states) for (const [f, t] of Object.entries(s.uncommitted)) this.uncommitted.set(f, t);
  }

  write(batch: RecordBatch): void {
    const { rows, kinds } = batch;
    const groups = new Map<string, { rows: Row[]; kinds: RowKind[] | undefined }>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const folder = this.folderOf(row);
      let g = groups.get(folder);
      if (!g) groups.set(folder, (g = { rows: [], kinds: kinds ? [] : undefined }));
      g.rows.push(this.rest.map((c) => row[c]));
      if (kinds) g.kinds!.push(kinds[i]!);
    }
    for (const [folder, g] of groups) {
      let w = this.writers.get(folder);
      if (!w) {
        w = this.writerFor(folder);
        void w.open(this.ctx, undefined);
      }
      if (!this.uncommitted.has(folder)) this.uncommitted.set(folder, this.ctx.clock.now());
      w.write(g);
    }
  }

  watermark(timestamp: number): void {
    this.currentWatermark = timestamp;
  }

  async snapshot(checkpointId: number): Promise<PartitionedSinkState> {
    this.watermarks.set(checkpointId, this.currentWatermark);
    const folders: Record<string, unknown> = {};
    await Promise.all(
      [...this.writers].map(async ([folder, w]) => {
        folders[folder] = await w.snapshot(checkpointId);
      }),
    );
    return { folders, uncommitted: Object.fromEntries(this.uncommitted) };
  }

  /** Commits the folders' files of checkpoints ≤ `checkpointId`, then the partitions whose time has come. */
  async commit(checkpointId: number): Promise<void> {
    for (const w of this.writers.values()) await w.commit(checkpointId);
    const watermark = this.watermarks.get(checkpointId) ?? this.currentWatermark;
    for (const id of [...this.watermarks.keys()]) if (id <= checkpointId) this.watermarks.delete(id);
    const now = this.ctx.clock.now();
    for (const [folder, created] of [...this.uncommitted]) {
      const due =
        this.ended ||
        (this.trigger === 'process-time'
          ? now >= created + this.delay
          : watermark >= this.partitionTime(folder) + this.delay);
      if (!due) continue;
      if (this.successFile) fs.writeFileSync(path.join(this.base, folder, this.successFile), '');
      this.uncommitted.delete(folder);
    }
  }

  /** End of input: the final checkpoint commits every partition (as Flink's committer does at the end). */
  async finish(): Promise<void> {
    this.ended = true;
    for (const w of this.writers.values()) await w.finish();
  }

  async close(): Promise<void> {
    for (const w of this.writers.values()) await w.close();
  }

  // -------------------------------------------------------------------------------------------------------

  private folderOf(row: Row): string {
    let folder = '';
    for (let i = 0; i < this.keys.length; i++) {
      const v = row[this.keys[i]!];
      const text =
        v === null || v === undefined || v === '' ? this.defaultName : escapePartitionValue(String(v));
      folder += `${i ? '/' : ''}${this.names[i]}=${text}`;
    }
    return folder;
  }

  private writerFor(folder: string): FilesystemWriter {
    let w = this.writers.get(folder);
    if (!w) {
      w = new FilesystemWriter(
        { ...this.fileTable, options: { ...this.table.options, path: path.join(this.base, folder) } },
        this.fileSchema,
      );
      this.writers.set(folder, w);
    }
    return w;
  }

  /** Partition folders under the table's path: `k1=…/k2=…` at the depth of the partition keys. */
  private existingFolders(): string[] {
    const found: string[] = [];
    const walk = (rel: string, depth: number) => {
      if (depth === this.names.length) return void found.push(rel);
      const dir = path.join(this.base, rel);
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true }))
        if (e.isDirectory() && e.name.startsWith(`${this.names[depth]}=`))
          walk(rel ? `${rel}/${e.name}` : e.name, depth + 1);
    };
    walk('', 0);
    return found;
  }

  /** The time a partition's values name (`partition.time-extractor.timestamp-pattern`, else its first value). */
  private partitionTime(folder: string): number {
    const values = new Map(
      folder.split('/').map((part) => {
        const eq = part.indexOf('=');
        return [part.slice(0, eq), unescapePartitionValue(part.slice(eq + 1))] as const;
      }),
    );
    const text = this.timePattern
      ? this.timePattern.replace(/\$(\w+)/g, (m, name: string) => values.get(name) ?? m)
      : values.get(this.names[0]!)!;
    const ms = parseTimestamp(/^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()} 00:00:00` : text);
    // A partition whose values name no time is committed at the end of input only.
    return Number.isNaN(ms) ? Infinity : ms;
  }
}

function stateOf(s: unknown): PartitionedSinkState {
  const o = s as Partial<PartitionedSinkState> | null | undefined;
  return { folders: o?.folders ?? {}, uncommitted: o?.uncommitted ?? {} };
}
