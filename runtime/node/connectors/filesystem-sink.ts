// The `filesystem` sink: JSON lines, changelog JSON or CSV files, committed by two-phase commit at checkpoints.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TableDef } from '../../../compiler/catalog';
import { dateToString, decimalToString } from '../../../compiler/codegen/builtins';
import type { Field, SqlType } from '../../../compiler/types';
import type { ConnectorContext, SinkWriter } from '../../connectors/connector';
import { formatTimestamp } from '../../connectors/values';
import { ROW_KIND_SHORT, RowKind, type RecordBatch, type Row } from '../../messages';
import {
  PartFileNames,
  commitPendingFile,
  fsyncDir,
  hiddenFileOwner,
  jobKeyOf,
  newRunToken,
  pendingFilesOf,
  type FilesystemSinkState,
  type PendingFile,
} from './filesystem-part-files';

/** Buffered output is written once it exceeds this many characters. */
const FLUSH_AT = 256 * 1024;

export type { FilesystemSinkState, PendingFile } from './filesystem-part-files';

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
  private names!: PartFileNames;
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

  /**
   * Commits the pending files the restored checkpoint lists: in this sink's folder (every subtask, each file
   * idempotently), and where they were for files of another folder (subtask 0; one that cannot be committed
   * there any more is skipped with a notice). Then removes this job's hidden files that no restored state lists.
   */
  open(
    ctx: ConnectorContext,
    restored: { checkpointId: number; all: readonly unknown[]; own: unknown } | undefined,
  ): void {
    this.ctx = ctx;
    this.names = new PartFileNames(jobKeyOf(ctx.jobName, ctx.uid), newRunToken(), ctx.subtaskIndex, this.ext);
    fs.mkdirSync(this.dir, { recursive: true });
    const listed = new Set<string>();
    if (restored) {
      let committed = 0;
      const elsewhere = new Map<string, PendingFile[]>();
      for (const state of restored.all) {
        for (const f of pendingFilesOf(state)) {
          const where = f.dir === undefined ? this.dir : path.resolve(f.dir);
          // Never deleted by the cleanup below, even when listed under another name of this folder.
          listed.add(f.pending);
          if (where !== this.dir) {
            if (f.checkpointId <= restored.checkpointId && ctx.subtaskIndex === 0)
              elsewhere.set(where, [...(elsewhere.get(where) ?? []), f]);
            continue;
          }
          if (f.checkpointId > restored.checkpointId) continue;
          if (this.commitRestored(f)) committed++;
        }
      }
      if (committed > 0) fsyncDir(this.dir);
      for (const [where, files] of elsewhere) commitElsewhere(where, files, this.dir, ctx.log);
    }
    let visible = 0;
    for (const name of fs.readdirSync(this.dir)) {
      if (name.startsWith('part-')) visible++;
      const owner = hiddenFileOwner(name);
      if (!owner || owner.jobKey !== this.names.jobKey || listed.has(name)) continue;
      const { subtask } = owner;
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
      const pendingName = this.names.pending(checkpointId, n);
      const final = this.names.final(checkpointId, n);
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
      this.pending.push({ checkpointId, pending: pendingName, final, dir: this.dir, ready });
    }
    const listed = this.pending.map(({ checkpointId: c, pending, final, dir }) => ({
      checkpointId: c,
      pending,
      final,
      dir,
    }));
    return Promise.all(this.pending.map((p) => p.ready)).then(() => ({ pending: listed }));
  }

  /** Makes every file pre-committed at a checkpoint ≤ `checkpointId` visible. */
  async commit(checkpointId: number): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const due = this.pending.filter((p) => p.checkpointId <= checkpointId);
    if (due.length === 0) return;
    await Promise.all(due.map((p) => p.ready));
    for (const p of due) this.commitOwn(p);
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
    const name = this.names.inProgress(this.fileCounter++);
    const fd = fs.openSync(path.join(this.dir, name), 'w');
    return { name, fd, chunks: [], chars: 0, rows: 0 };
  }

  /** Commits a file this writer pre-committed: it MUST be there (or committed before). */
  private commitOwn(f: PendingFile): void {
    if (commitPendingFile(this.dir, f, this.ctx.log) === 'missing') throw this.vanished(f);
  }

  /**
   * Commits a restored pending file of this folder; false when there was nothing to rename. A file listed
   * without its folder (state of an older weir) may have been another folder's: missing, it is skipped.
   */
  private commitRestored(f: PendingFile): boolean {
    const outcome = commitPendingFile(this.dir, f, this.ctx.log);
    if (outcome !== 'missing') return outcome === 'committed';
    if (f.dir !== undefined) throw this.vanished(f);
    this.ctx.log(
      `filesystem sink: skipped '${f.final}' of checkpoint ${f.checkpointId}: neither it nor '${f.pending}' is in '${this.dir}' (the restored state does not say which folder it was written to)`,
    );
    return false;
  }

  private vanished(f: PendingFile): Error {
    return new Error(
      `filesystem sink: cannot commit '${f.final}' of checkpoint ${f.checkpointId}: neither it nor '${f.pending}' exists in '${this.dir}'`,
    );
  }
}

/**
 * Restored pending files of another folder (the sink was pointed elsewhere): committed where they are when
 * still possible (idempotently), else skipped; one notice per folder. Never fails the restore.
 */
function commitElsewhere(
  where: string,
  files: readonly PendingFile[],
  ownDir: string,
  log: (m: string) => void,
): void {
  let committed = 0;
  let before = 0;
  const skipped: string[] = [];
  for (const f of files) {
    try {
      const outcome = fs.existsSync(where) ? commitPendingFile(where, f, log) : 'missing';
      if (outcome === 'committed') committed++;
      else if (outcome === 'committed-before') before++;
      else skipped.push(`'${f.final}' (checkpoint ${f.checkpointId}): neither it nor '${f.pending}' exists`);
    } catch (e) {
      skipped.push(
        `'${f.final}' (checkpoint ${f.checkpointId}): ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  if (committed > 0) {
    try {
      fsyncDir(where);
    } catch {
      // The renames happened; a folder that cannot be synced is no reason to fail the restore.
    }
  }
  const done = `${committed} committed there now, ${before} committed before`;
  log(
    skipped.length === 0
      ? `filesystem sink: the restored state lists ${files.length} pending file(s) of '${where}', which is not this sink's folder '${ownDir}': ${done}`
      : `filesystem sink: the restored state lists ${files.length} pending file(s) of '${where}', which is not this sink's folder '${ownDir}': ${done}; skipped ${skipped.length} that can no longer be committed: ${skipped.join('; ')}`,
  );
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
