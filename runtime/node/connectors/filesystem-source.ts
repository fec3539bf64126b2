// The `filesystem` source: JSON lines, CSV or a changelog format from a file or folder, replayable from byte offsets, optionally tailing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TableDef } from '../../../compiler/catalog';
import { parseDuration } from '../../../compiler/options';
import type { Field } from '../../../compiler/types';
import type { ConnectorContext, SourceReader } from '../../connectors/connector';
import { BatchBuilder, type RecordBatch, type Row, type RowKind } from '../../messages';
import { BadRecord, shown } from './bad-record';
import { type ChangelogLineParser, changelogJsonParser, debeziumJsonParser } from './changelog-formats';
import { csvLineParser, jsonLineParser } from './formats';

const CHUNK = 1 << 20;
/** Bad records logged one by one before the rest are only counted. */
const LOGGED_BAD_RECORDS = 10;

/**
 * Where split `split` of `splits` stands. Files are read in name order, so every file of the split that sorts
 * before `file` is done; `file` continues at byte `position` (after `line` lines). `ahead` lists files after
 * `file` that an earlier run at another parallelism already read (position -1: completely).
 * @example { split: 0, splits: 2, file: 'b.jsonl', index: 2, position: 1834, line: 17 }
 */
export interface FilesystemOffset {
  readonly split: number;
  readonly splits: number;
  /** The file being read, or the last one read; null when the split has had no file yet. */
  readonly file: string | null;
  /** Its index in the sorted listing of the folder (informational). */
  readonly index: number;
  readonly position: number;
  readonly line: number;
  readonly ahead?: Readonly<Record<string, readonly [number, number]>>;
}

/** The option's delimiter; '\t' written as two characters means a tab. */
function delimiterOption(v: string | undefined): string {
  if (v === undefined || v === '') return ',';
  return v === '\\t' ? '\t' : v;
}

type OnError = 'fail' | 'skip' | 'dead-letter';

/**
 * Reads split `subtaskIndex` of `parallelism`: the files of the sorted listing whose index ≡ split (mod splits),
 * each from its start (or restored offset) to its end, line by line. With 'source.monitor-interval' it then
 * waits for appended bytes and new files (which MUST sort after the existing ones: the split assignment is by
 * position in the listing).
 */
export class FilesystemReader implements SourceReader {
  private readonly root: string;
  private readonly format: 'json' | 'csv' | 'changelog-json' | 'debezium-json';
  private readonly onError: OnError;
  private readonly deadLetterPath: string | undefined;
  private readonly interval: number | undefined;
  private readonly delimiter: string;
  private readonly skipHeader: boolean;
  private readonly parseLine: (line: string) => Row;
  /** Set for a changelog format: each line gives rows with change kinds. */
  private readonly parseChange: ChangelogLineParser | undefined;
  private readonly changes = new BatchBuilder();
  private readonly addChange = (row: Row, kind: RowKind): void => this.changes.add(row, kind);

  private ctx!: ConnectorContext;
  private dir = '';
  /** Set when `path` names one file rather than a folder. */
  private single: string | undefined;
  /** This split's files, sorted; `cur` indexes the one being read. */
  private mine: string[] = [];
  private cur = 0;
  /** Everything listed so far (to notice files that appear out of order). */
  private readonly known = new Set<string>();
  private maxKnown = '';
  /** Progress on files of this split read before a restore: [position, line], position -1 when done. */
  private readonly progress = new Map<string, readonly [number, number]>();

  private fd: number | undefined;
  private position = 0;
  private line = 0;
  private readPos = 0;
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;
  private readonly chunk = Buffer.allocUnsafe(CHUNK);
  private nextScanAt: number | undefined;

  private deadLetterFd: number | undefined;
  private badLogged = 0;

  constructor(table: TableDef, schema: readonly Field[]) {
    const o = table.options;
    const p = o['path'];
    if (!p) throw new Error(`filesystem source '${table.name}': option 'path' is required`);
    this.root = path.resolve(p);
    const format = (o['format'] ?? '').toLowerCase();
    if (format !== 'json' && format !== 'csv' && format !== 'changelog-json' && format !== 'debezium-json') {
      throw new Error(
        `filesystem source '${table.name}': format '${o['format']}' cannot be read (use 'json', 'csv', 'changelog-json' or 'debezium-json')`,
      );
    }
    this.format = format;
    this.onError = ((o['format.on-error'] ?? 'fail').toLowerCase() as OnError) || 'fail';
    // Flink's debezium-json.ignore-parse-errors: skip what cannot be read.
    if (format === 'debezium-json' && (o['debezium-json.ignore-parse-errors'] ?? '').toLowerCase() === 'true')
      this.onError = 'skip';
    const dl = o['format.dead-letter.path'];
    this.deadLetterPath = dl ? path.resolve(dl) : undefined;
    if (this.onError === 'dead-letter' && !this.deadLetterPath) {
      throw new Error(
        `filesystem source '${table.name}': 'format.on-error' = 'dead-letter' needs 'format.dead-letter.path'`,
      );
    }
    const mi = o['source.monitor-interval'];
    if (mi !== undefined) {
      const ms = parseDuration(mi);
      if (ms === undefined) throw new Error(`filesystem source '${table.name}': '${mi}' is not a duration`);
      this.interval = ms;
    }
    this.delimiter = delimiterOption(o['csv.field-delimiter']);
    this.skipHeader = format === 'csv' && (o['csv.ignore-first-line'] ?? 'false').toLowerCase() === 'true';
    const fields = schema.length > 0 ? schema : table.physical.map((i) => table.columns[i]!);
    this.parseLine = format === 'csv' ? csvLineParser(fields, this.delimiter) : jsonLineParser(fields);
    this.parseChange =
      format === 'changelog-json'
        ? changelogJsonParser(fields)
        : format === 'debezium-json'
          ? debeziumJsonParser(
              fields,
              (o['debezium-json.schema-include'] ?? 'false').toLowerCase() === 'true',
            )
          : undefined;
  }

  open(ctx: ConnectorContext, restored: unknown, all: readonly unknown[] = []): void {
    this.ctx = ctx;
    // At another parallelism, every old split's offset tells which files (and how much of them) are read.
    const rescaled =
      all.length > 0 &&
      (all.length !== ctx.parallelism ||
        all.some((o) => (o as FilesystemOffset | null)?.splits !== ctx.parallelism));
    if (rescaled) restored = { all };
    let st: fs.Stats;
    try {
      st = fs.statSync(this.root);
    } catch {
      throw new Error(`filesystem source: path '${this.root}' does not exist`);
    }
    if (st.isDirectory()) {
      this.dir = this.root;
    } else {
      this.dir = path.dirname(this.root);
      this.single = path.basename(this.root);
    }
    const listing = this.list();
    this.restoreProgress(listing, restored);
    for (const name of listing) this.noteListed(name);
    this.mine = listing.filter((_, k) => k % ctx.parallelism === ctx.subtaskIndex);
    this.cur = 0;
    this.skipDone();
    if (this.cur < this.mine.length) this.openFile();
  }

  poll(max: number): Row[] | RecordBatch | 'idle' | 'end' {
    if (this.nextScanAt !== undefined) {
      if (this.ctx.clock.now() < this.nextScanAt) return 'idle';
      this.nextScanAt = undefined;
      this.rescan();
    }
    if (this.fd === undefined) {
      if (this.cur >= this.mine.length) return this.atEnd();
      this.openFile();
    }
    if (this.parseChange) return this.pollChanges(max);
    const rows: Row[] = [];
    while (rows.length < max) {
      const text = this.nextLine();
      if (text === undefined) {
        if (this.nextFile()) continue;
        break;
      }
      if (this.skipHeader && this.line === 1) continue;
      if (text.length === 0 || (this.format === 'json' && text.trim().length === 0)) continue;
      try {
        rows.push(this.parseLine(text));
      } catch (e) {
        if (!(e instanceof BadRecord)) throw e;
        this.badRecord(text, e.message);
      }
    }
    return rows.length > 0 ? rows : this.atEnd();
  }

  /** A changelog format: up to about `max` rows with their kinds (a line's rows are never split). */
  private pollChanges(max: number): RecordBatch | 'idle' | 'end' {
    const parse = this.parseChange!;
    while (this.changes.size < max) {
      const text = this.nextLine();
      if (text === undefined) {
        if (this.nextFile()) continue;
        break;
      }
      if (text.trim().length === 0) continue;
      const mark = this.changes.size;
      try {
        parse(text, this.addChange);
      } catch (e) {
        if (!(e instanceof BadRecord)) throw e;
        this.changes.rows.length = mark;
        if (this.changes.kinds) this.changes.kinds.length = mark;
        this.badRecord(text, e.message);
      }
    }
    return this.changes.size > 0 ? this.changes.take() : this.atEnd();
  }

  offset(): FilesystemOffset {
    const file = this.mine[this.cur] ?? null;
    let ahead: Record<string, readonly [number, number]> | undefined;
    for (let k = this.cur + 1; k < this.mine.length; k++) {
      const p = this.progress.get(this.mine[k]!);
      if (p) (ahead ??= {})[this.mine[k]!] = p;
    }
    return {
      split: this.ctx.subtaskIndex,
      splits: this.ctx.parallelism,
      file,
      index: file === null ? -1 : this.ctx.subtaskIndex + this.cur * this.ctx.parallelism,
      position: this.position,
      line: this.line,
      ...(ahead ? { ahead } : {}),
    };
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    if (this.deadLetterFd !== undefined) fs.closeSync(this.deadLetterFd);
    this.deadLetterFd = undefined;
  }

  // -------------------------------------------------------------------------------------------------------

  /** The regular files to read, sorted by name (code-unit order); hidden and `_`-prefixed names skipped. */
  private list(): string[] {
    if (this.single !== undefined) return fs.existsSync(this.root) ? [this.single] : [];
    const names: string[] = [];
    for (const e of fs.readdirSync(this.dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const regular = e.isFile() || (e.isSymbolicLink() && fs.statSync(path.join(this.dir, e.name)).isFile());
      if (regular) names.push(e.name);
    }
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private noteListed(name: string): void {
    this.known.add(name);
    if (name > this.maxKnown) this.maxKnown = name;
  }

  /**
   * Turns the restored offset into per-file progress. `restored` is this split's offset, or (to restore at
   * another parallelism) `{ all: FilesystemOffset[] }` with every split's offset.
   */
  private restoreProgress(listing: readonly string[], restored: unknown): void {
    if (restored === undefined || restored === null) return;
    const wrapper = restored as { all?: unknown };
    const offsets = (Array.isArray(wrapper.all) ? wrapper.all : [restored]) as FilesystemOffset[];
    const own = !Array.isArray(wrapper.all);
    for (const o of offsets) {
      if (
        typeof o !== 'object' ||
        o === null ||
        typeof o.splits !== 'number' ||
        typeof o.position !== 'number'
      ) {
        throw new Error(`filesystem source: the restored offset ${shown(o)} is not a filesystem offset`);
      }
      if (
        own &&
        this.single === undefined &&
        (o.splits !== this.ctx.parallelism || o.split !== this.ctx.subtaskIndex)
      ) {
        throw new Error(
          `filesystem source: the restored offset is split ${o.split} of ${o.splits}, but this is split ${this.ctx.subtaskIndex} of ${this.ctx.parallelism}; ` +
            `restoring a folder at another parallelism needs every split's offset`,
        );
      }
      listing.forEach((name, k) => {
        if (k % o.splits !== o.split || o.file === null) return;
        if (name < o.file) this.progress.set(name, [-1, 0]);
        else if (name === o.file) this.progress.set(name, [o.position, o.line]);
      });
      for (const [name, p] of Object.entries(o.ahead ?? {})) this.progress.set(name, p);
    }
  }

  /** Moves `cur` past files that a restored offset says are done. */
  private skipDone(): void {
    while (this.cur < this.mine.length && this.progress.get(this.mine[this.cur]!)?.[0] === -1) {
      if (this.cur === this.mine.length - 1) {
        // Stay on the last file, at its end, so the offset keeps pointing past everything read.
        const name = this.mine[this.cur]!;
        this.progress.set(name, [fs.statSync(path.join(this.dir, name)).size, 0]);
        return;
      }
      this.progress.delete(this.mine[this.cur]!);
      this.cur++;
    }
  }

  private openFile(): void {
    const name = this.mine[this.cur]!;
    const p = this.progress.get(name);
    this.progress.delete(name);
    this.fd = fs.openSync(path.join(this.dir, name), 'r');
    this.position = p ? p[0] : 0;
    this.line = p ? p[1] : 0;
    this.readPos = this.position;
    this.buf = Buffer.alloc(0);
    this.bufStart = 0;
  }

  /** Advances to the next file of the split, if there is one; false at the last file. */
  private nextFile(): boolean {
    if (this.cur + 1 >= this.mine.length) return false;
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    this.cur++;
    this.skipDone();
    this.openFile();
    return true;
  }

  /**
   * The next complete line of the current file (without '\n' or '\r\n'), advancing `position`; undefined at the
   * end of the data. An unterminated last line counts as complete once the file is: when not monitoring, or
   * when a later file exists.
   */
  private nextLine(): string | undefined {
    for (;;) {
      const nl = this.buf.indexOf(10, this.bufStart);
      if (nl >= 0) {
        const start = this.bufStart;
        const end = nl > start && this.buf[nl - 1] === 13 ? nl - 1 : nl;
        this.position += nl + 1 - start;
        this.bufStart = nl + 1;
        return this.decode(start, end);
      }
      const n = fs.readSync(this.fd!, this.chunk, 0, CHUNK, this.readPos);
      if (n > 0) {
        const rest = this.buf.subarray(this.bufStart);
        this.buf =
          rest.length > 0
            ? Buffer.concat([rest, this.chunk.subarray(0, n)])
            : Buffer.from(this.chunk.subarray(0, n));
        this.bufStart = 0;
        this.readPos += n;
        continue;
      }
      const restLength = this.buf.length - this.bufStart;
      if (restLength > 0 && (this.interval === undefined || this.cur + 1 < this.mine.length)) {
        const start = this.bufStart;
        const end = this.buf[this.buf.length - 1] === 13 ? this.buf.length - 1 : this.buf.length;
        this.position += restLength;
        this.bufStart = this.buf.length;
        return this.decode(start, end);
      }
      return undefined;
    }
  }

  private decode(start: number, end: number): string {
    this.line++;
    let text = this.buf.toString('utf8', start, end);
    if (this.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  }

  private atEnd(): 'idle' | 'end' {
    if (this.interval === undefined) return 'end';
    this.nextScanAt = this.ctx.clock.now() + this.interval;
    return 'idle';
  }

  /** Monitoring: adds new files of this split that sort after the current one (appended bytes need no scan). */
  private rescan(): void {
    const listing = this.list();
    const last = this.mine[this.mine.length - 1];
    const mineSet = new Set(this.mine);
    listing.forEach((name, k) => {
      const isNew = !this.known.has(name);
      if (isNew && name < this.maxKnown && this.ctx.subtaskIndex === 0) {
        this.ctx.log(
          `filesystem source: new file '${name}' in '${this.dir}' sorts before files listed earlier; ` +
            `while monitoring, new files MUST sort after existing ones (files are assigned to splits by position)`,
        );
      }
      if (k % this.ctx.parallelism === this.ctx.subtaskIndex && !mineSet.has(name)) {
        if (last === undefined || name > last) this.mine.push(name);
        else if (isNew)
          this.ctx.log(
            `filesystem source: ignoring new file '${name}': it sorts before '${last}', already read`,
          );
      }
    });
    for (const name of listing) this.noteListed(name);
  }

  private badRecord(text: string, reason: string): void {
    const where = `${path.join(this.dir, this.mine[this.cur]!)}:${this.line}`;
    if (this.onError === 'fail') {
      throw new Error(
        `filesystem source: bad record in '${path.join(this.dir, this.mine[this.cur]!)}' at line ${this.line}: ${reason}` +
          ` (set 'format.on-error' to 'skip' or 'dead-letter' to go on)`,
      );
    }
    this.ctx.metrics.badRecords++;
    if (this.onError === 'dead-letter') {
      this.deadLetterFd ??= openDeadLetter(this.deadLetterPath!);
      const entry = JSON.stringify({
        file: path.join(this.dir, this.mine[this.cur]!),
        line: this.line,
        error: reason,
        record: text,
      });
      writeFully(this.deadLetterFd, Buffer.from(`${entry}\n`, 'utf8'));
    }
    if (this.badLogged < LOGGED_BAD_RECORDS) {
      this.badLogged++;
      const action = this.onError === 'skip' ? 'skipped' : `written to '${this.deadLetterPath}'`;
      this.ctx.log(`filesystem source: bad record at ${where} ${action}: ${reason}`);
      if (this.badLogged === LOGGED_BAD_RECORDS) {
        this.ctx.log('filesystem source: further bad records are only counted (metric badRecords)');
      }
    }
  }
}

function openDeadLetter(file: string): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return fs.openSync(file, 'a');
}

/** Writes all of `data` at the descriptor's current position. */
function writeFully(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
}
