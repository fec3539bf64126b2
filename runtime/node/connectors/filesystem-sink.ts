// The `filesystem` sink: JSON lines, changelog JSON or CSV files, committed by two-phase commit at checkpoints.
import { faultPoint } from '../faults';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TableDef } from '../../../compiler/catalog';
import { dateToString, decimalToString } from '../../../compiler/codegen/builtins';
import type { Field, SqlType } from '../../../compiler/types';
import type { ConnectorContext, SinkWriter } from '../../connectors/connector';
import { formatTimestamp } from '../../connectors/values';
import { ROW_KIND_SHORT, RowKind, type RecordBatch, type Row } from '../../messages';

/** Buffered output is written once it exceeds this many characters. */
const FLUSH_AT = 256 * 1024;

/** A file pre-committed at checkpoint `checkpointId`: hidden as `pending` until committed as `final`. */
export interface PendingFile {
  readonly checkpointId: number;
  readonly pending: string;
  readonly final: string;
}

/** What the writer stores in a checkpoint: every pre-committed file not yet committed. */
export interface FilesystemSinkState {
  readonly pending: readonly PendingFile[];
}

const HIDDEN = /^\.(inprogress|pending)-(\d+)-(\d+)-(\d+)\.[a-z]+$/;
const PART = /^part-(\d+)-(\d+)-(\d+)(\.[a-z]+)$/;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** `part-<checkpoint, 10 digits>-<subtask, 4 digits>-<n>.<ext>`: sorting by name replays the changelog. */
export function partFileName(checkpointId: number, subtask: number, n: number, ext: string): string {
  return `part-${pad(checkpointId, 10)}-${pad(subtask, 4)}-${n}${ext}`;
}

type Format = 'json' | 'changelog-json' | 'csv';

interface OpenFile {
  readonly name: string;
  readonly fd: number;
  chunks: string[];
  chars: number;
  rows: number;
}

/** A value as JSON, Flink's way: timestamps and dates as SQL text, ROWs as objects; NaN/Infinity as strings. */
function jsonEncoder(t: SqlType): (v: unknown) => unknown {
  switch (t.kind) {
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return (v) => (typeof v === 'number' ? formatTimestamp(v) : v);
    case 'DATE':
      return (v) => (typeof v === 'number' ? dateToString(v) : v);
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
    case 'ROW': {
      const fields = t.fields.map((f) => ({ name: f.name, enc: jsonEncoder(f.type) }));
      return (v) => {
        if (!Array.isArray(v)) return v;
        const o: Record<string, unknown> = {};
        for (let i = 0; i < fields.length; i++)
          o[fields[i]!.name] = v[i] == null ? null : fields[i]!.enc(v[i]);
        return o;
      };
    }
    default:
      return (v) => v;
  }
}

/** A value as CSV text (NULL: empty; the empty string is quoted to tell them apart). */
function csvEncoder(t: SqlType, delimiter: string): (v: unknown) => string {
  const quote = (s: string) =>
    s === '' || s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')
      ? `"${s.replaceAll('"', '""')}"`
      : s;
  const json = jsonEncoder(t);
  const text: (v: unknown) => string = (() => {
    switch (t.kind) {
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ':
        return (v: unknown) => (typeof v === 'number' ? formatTimestamp(v) : String(v));
      case 'DATE':
        return (v: unknown) => (typeof v === 'number' ? dateToString(v) : String(v));
      case 'DECIMAL': {
        const scale = t.scale;
        return (v: unknown) => (typeof v === 'number' ? decimalToString(v, scale) : String(v));
      }
      case 'ROW':
        return (v: unknown) => JSON.stringify(json(v));
      default:
        return (v: unknown) => String(v);
    }
  })();
  return (v) => (v === null || v === undefined ? '' : quote(text(v)));
}

/**
 * Writes one subtask's rows into a hidden in-progress file; at a checkpoint barrier the file is closed and
 * renamed to a hidden pending name (pre-commit), and once the checkpoint completed to its visible `part-` name.
 * MUST: visible files never change, and every commit is idempotent (a restore may repeat it).
 */
export class FilesystemWriter implements SinkWriter {
  private readonly dir: string;
  private readonly format: Format;
  private readonly ext: string;
  private readonly encode: (row: Row, kind: RowKind) => string;
  private ctx!: ConnectorContext;
  private file: OpenFile | undefined;
  private fileCounter = 0;
  /** Pre-committed files not yet committed, with the promise of their pending rename. */
  private pending: (PendingFile & { ready: Promise<void> })[] = [];
  /** A failed pre-commit: rows would be lost, so every later call fails. */
  private failure: unknown;

  constructor(table: TableDef, schema: readonly Field[]) {
    const o = table.options;
    const p = o['path'];
    if (!p) throw new Error(`filesystem sink '${table.name}': option 'path' is required`);
    this.dir = path.resolve(p);
    const format = (o['format'] ?? '').toLowerCase();
    if (format !== 'json' && format !== 'changelog-json' && format !== 'csv') {
      throw new Error(`filesystem sink '${table.name}': unknown format '${o['format']}'`);
    }
    this.format = format;
    this.ext = format === 'csv' ? '.csv' : '.jsonl';
    // Rows are written into the table's physical columns by position (names come from the table).
    const physical = table.physical.map((i) => table.columns[i]!);
    const fields = physical.length === schema.length ? physical : schema;
    if (format === 'csv') {
      const d = o['csv.field-delimiter'];
      const delimiter = d === undefined || d === '' ? ',' : d === '\\t' ? '\t' : d;
      const encs = fields.map((f) => csvEncoder(f.type, delimiter));
      this.encode = (row) => {
        let s = '';
        for (let i = 0; i < encs.length; i++) s += (i > 0 ? delimiter : '') + encs[i]!(row[i]);
        return s + '\n';
      };
    } else {
      const encs = fields.map((f) => ({ name: f.name, enc: jsonEncoder(f.type) }));
      const object = (row: Row) => {
        const obj: Record<string, unknown> = {};
        for (let i = 0; i < encs.length; i++) {
          const v = row[i];
          obj[encs[i]!.name] = v === null || v === undefined ? null : encs[i]!.enc(v);
        }
        return obj;
      };
      this.encode =
        format === 'json'
          ? (row) => JSON.stringify(object(row)) + '\n'
          : (row, kind) => `{"op":"${ROW_KIND_SHORT[kind]}","data":${JSON.stringify(object(row))}}\n`;
    }
  }

  open(
    ctx: ConnectorContext,
    restored: { checkpointId: number; all: readonly unknown[]; own: unknown } | undefined,
  ): void {
    this.ctx = ctx;
    fs.mkdirSync(this.dir, { recursive: true });
    const listed = new Set<string>();
    if (restored) {
      let committed = 0;
      for (const state of restored.all) {
        for (const f of pendingFilesOf(state)) {
          listed.add(f.pending);
          if (f.checkpointId > restored.checkpointId) continue;
          this.commitFile(f);
          committed++;
        }
      }
      if (committed > 0) fsyncDir(this.dir);
    }
    let visible = 0;
    for (const name of fs.readdirSync(this.dir)) {
      if (PART.test(name)) visible++;
      const m = HIDDEN.exec(name);
      if (!m || listed.has(name)) continue;
      const subtask = Number(m[3]);
      if (subtask === ctx.subtaskIndex || (ctx.subtaskIndex === 0 && subtask >= ctx.parallelism)) {
        fs.rmSync(path.join(this.dir, name), { force: true });
      }
    }
    if (!restored && visible > 0 && ctx.subtaskIndex === 0) {
      ctx.log(
        `filesystem sink: '${this.dir}' already holds ${visible} committed file(s); new files are added next to them`,
      );
    }
  }

  write(batch: RecordBatch): void {
    if (this.failure !== undefined) throw this.failure;
    const { rows, kinds } = batch;
    if (rows.length === 0) return;
    if (kinds !== undefined && this.format !== 'changelog-json') {
      const bad = kinds.find((k) => k !== RowKind.Insert);
      if (bad !== undefined) {
        throw new Error(
          `filesystem sink: format '${this.format}' only takes inserts, got a ${ROW_KIND_SHORT[bad]} row (use 'changelog-json')`,
        );
      }
    }
    const f = (this.file ??= this.openInProgress());
    for (let i = 0; i < rows.length; i++) {
      const line = this.encode(rows[i]!, kinds ? kinds[i]! : RowKind.Insert);
      f.chunks.push(line);
      f.chars += line.length;
    }
    f.rows += rows.length;
    if (f.chars > FLUSH_AT) flush(f);
  }

  /**
   * Pre-commits: the current file (if it has rows) is flushed, synced, closed and renamed to its pending name;
   * rows after this barrier go to a new file. Resolves to the files still to commit, with their final names.
   */
  snapshot(checkpointId: number): Promise<FilesystemSinkState> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const f = this.file;
    if (f && f.rows > 0) {
      this.file = undefined;
      const n = this.pending.filter((p) => p.checkpointId === checkpointId).length;
      const sub = this.ctx.subtaskIndex;
      const pendingName = `.pending-${pad(checkpointId, 10)}-${pad(sub, 4)}-${n}${this.ext}`;
      const final = partFileName(checkpointId, sub, n, this.ext);
      let ready: Promise<void>;
      try {
        flush(f);
        ready = preCommit(f.fd, path.join(this.dir, f.name), path.join(this.dir, pendingName));
      } catch (e) {
        ready = Promise.reject(e);
      }
      ready = ready.catch((e: unknown) => {
        this.failure ??= new Error(
          `filesystem sink: pre-commit of '${final}' failed: ${e instanceof Error ? e.message : String(e)}`,
        );
        throw this.failure;
      });
      this.pending.push({ checkpointId, pending: pendingName, final, ready });
    }
    const listed = this.pending.map(({ checkpointId: c, pending, final }) => ({
      checkpointId: c,
      pending,
      final,
    }));
    return Promise.all(this.pending.map((p) => p.ready)).then(() => ({ pending: listed }));
  }

  /** Makes every file pre-committed at a checkpoint ≤ `checkpointId` visible. */
  async commit(checkpointId: number): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const due = this.pending.filter((p) => p.checkpointId <= checkpointId);
    if (due.length === 0) return;
    await Promise.all(due.map((p) => p.ready));
    for (const p of due) this.commitFile(p);
    fsyncDir(this.dir);
    this.pending = this.pending.filter((p) => !due.includes(p));
  }

  finish(): void {}

  close(): void {
    const f = this.file;
    this.file = undefined;
    if (f) fs.closeSync(f.fd);
  }

  // -------------------------------------------------------------------------------------------------------

  private openInProgress(): OpenFile {
    const name = `.inprogress-${this.ctx.attempt}-${pad(this.ctx.subtaskIndex, 4)}-${this.fileCounter++}${this.ext}`;
    const fd = fs.openSync(path.join(this.dir, name), 'w');
    return { name, fd, chunks: [], chars: 0, rows: 0 };
  }

  /**
   * Renames a pending file to its final name. Idempotent: a missing pending file whose final file exists was
   * committed before. A final name taken by another run's file is never overwritten: the next free `n` is used.
   */
  private commitFile(f: PendingFile): void {
    const src = path.join(this.dir, f.pending);
    const dst = path.join(this.dir, f.final);
    if (!fs.existsSync(src)) {
      if (fs.existsSync(dst)) return;
      throw new Error(
        `filesystem sink: cannot commit '${f.final}' of checkpoint ${f.checkpointId}: neither it nor '${f.pending}' exists in '${this.dir}'`,
      );
    }
    let target = dst;
    if (fs.existsSync(dst)) {
      const m = PART.exec(f.final)!;
      let n = Number(m[3]) + 1;
      while (
        fs.existsSync((target = path.join(this.dir, partFileName(Number(m[1]), Number(m[2]), n, m[4]!))))
      )
        n++;
      this.ctx.log(
        `filesystem sink: '${f.final}' already exists (written by another run); committing as '${path.basename(target)}'`,
      );
    }
    faultPoint('sink-committing');
    try {
      fs.renameSync(src, target);
    } catch (e) {
      // Committed concurrently by another subtask restoring the same list.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(dst)) return;
      throw e;
    }
  }
}

function writeFully(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
}

function flush(f: OpenFile): void {
  if (f.chunks.length === 0) return;
  writeFully(f.fd, Buffer.from(f.chunks.join(''), 'utf8'));
  f.chunks = [];
  f.chars = 0;
}

/** Syncs and closes a finished in-progress file, then renames it to its pending name. */
async function preCommit(fd: number, from: string, to: string): Promise<void> {
  await new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
  await new Promise<void>((resolve, reject) => fs.close(fd, (e) => (e ? reject(e) : resolve())));
  await fs.promises.rename(from, to);
}

/** Makes renames in `dir` durable (a no-op where folders cannot be synced). */
function fsyncDir(dir: string): void {
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

function pendingFilesOf(state: unknown): readonly PendingFile[] {
  const list = (state as Partial<FilesystemSinkState> | null | undefined)?.pending;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (f): f is PendingFile =>
      typeof f === 'object' &&
      f !== null &&
      typeof f.checkpointId === 'number' &&
      typeof f.pending === 'string' &&
      typeof f.final === 'string',
  );
}
