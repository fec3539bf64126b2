// `weir export --target flink`: a weir script printed as a Flink SQL script, with notes on what changed.
import type * as A from '../../grammar/ast';
import { type Diagnostic, parse } from '../../grammar/index';
import { attachComments, innerComments, noteLines } from './comments';
import { type StatementContext, statement } from './statements';

export interface FlinkExport {
  /** The Flink SQL script (empty when the script has syntax errors). */
  readonly text: string;
  /** weir's syntax errors: a script that does not parse is not exported. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface FlinkExportOptions {
  /** The script's file name, for the header. */
  readonly fileName?: string;
}

/**
 * Prints a weir script as Flink SQL: statements from the parsed AST (so scripts weir's compiler rejects still
 * export), connector options mapped to Flink's connectors, weir-only statements and settings as `-- weir:`
 * comments saying what to do in Flink instead, and the script's own comments kept.
 * @example
 * exportFlink("CREATE TABLE t (a INT) WITH ('connector' = 'blackhole'); CHECKPOINT;").text
 * // "-- Flink SQL exported ...\n\nCREATE TABLE t (\n  a INT\n) WITH (\n  'connector' = 'blackhole'\n);\n\n-- weir: CHECKPOINT; → in Flink, ..."
 */
export function exportFlink(script: string, options: FlinkExportOptions = {}): FlinkExport {
  const parsed = parse(script);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { text: '', diagnostics: parsed.diagnostics };
  const statements = parsed.statements.map((p) => p.statement);
  const comments = attachComments(
    script,
    parsed.statements.map((p) => p.span),
    parsed.comments,
  );
  const facts = scriptFacts(statements);
  const requirements = new Set<string>();
  const blocks = parsed.statements.map((p, i): Block => {
    const inner = innerComments(script, comments[i]!.inside);
    const ctx: StatementContext = {
      source: script,
      text: p.text,
      notes: new Set(),
      comments: inner,
      requirements,
      ...facts,
    };
    const sql = statement(p.statement, ctx);
    const lines = [...comments[i]!.before, ...inner.rest(), ...[...ctx.notes].flatMap(noteLines)];
    const after = comments[i]!.after.map((c) => ` ${c}`).join('');
    // Settings written one after another stay together, as scripts usually write them.
    const setting = (p.statement.kind === 'set' || p.statement.kind === 'reset') && lines.length === 0;
    if (sql !== undefined) lines.push(`${sql};${after}`);
    else if (after) lines.push(after.trim());
    return { text: lines.join('\n'), setting };
  });
  const tail = comments[parsed.statements.length]!.before;
  if (tail.length > 0) blocks.push({ text: tail.join('\n'), setting: false });
  let text = header(options.fileName, requirements);
  blocks.forEach((b, i) => {
    text += (b.setting && blocks[i - 1]?.setting ? '\n' : '\n\n') + b.text;
  });
  return { text: `${text}\n`, diagnostics: parsed.diagnostics };
}

/** One statement's printed text; `setting` for a SET or RESET printed as a single line. */
interface Block {
  readonly text: string;
  readonly setting: boolean;
}

function header(fileName: string | undefined, requirements: ReadonlySet<string>): string {
  const base = fileName?.replace(/^.*[\\/]/, '').replace(/\.sql$/i, '');
  const lines = [
    `-- Flink SQL exported by \`weir export --target flink\`${base ? ` from ${base}.sql` : ''}.`,
    `-- Run it with Flink's SQL client: bin/sql-client.sh -f ${base ?? 'script'}.flink.sql`,
  ];
  for (const r of requirements) lines.push(`-- Flink needs on its classpath (lib/): ${r}.`);
  lines.push("-- Lines starting with '-- weir:' say what changed for Flink, or what to do in Flink instead.");
  return lines.join('\n');
}

/** What statements need to know about the whole script. */
function scriptFacts(
  statements: readonly A.Statement[],
): Pick<StatementContext, 'sinks' | 'temporaryViews' | 'checkpointing'> {
  const sinks = new Set<string>();
  const temporaryViews = new Set<string>();
  let checkpointing = false;
  for (const s of statements) {
    const inner = s.kind === 'explain' ? s.statement : s;
    if (inner.kind === 'insert') sinks.add(inner.table.name);
    if (s.kind === 'createView' && s.temporary) temporaryViews.add(s.name.name);
    if (s.kind === 'set' && s.key.value === 'execution.checkpointing.interval') checkpointing = true;
  }
  return { sinks, temporaryViews, checkpointing };
}
