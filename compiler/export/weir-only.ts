// weir's own statements (checkpoints, savepoints, jobs): what to do in Flink instead, as a comment.
import type * as A from '../../grammar/ast';

type WeirOnly = A.CheckpointStatement | A.SavepointStatement | A.StopJobStatement;

type Advice<K extends WeirOnly['kind']> = (s: Extract<WeirOnly, { kind: K }>) => string;

const ADVICE: { readonly [K in WeirOnly['kind']]: Advice<K> } = {
  checkpoint: () =>
    "checkpoints are periodic (SET 'execution.checkpointing.interval'); for a snapshot now, trigger a " +
    'savepoint with the Flink CLI: flink savepoint <jobId>',
  savepoint: (s) =>
    `take one with the Flink CLI: flink savepoint <jobId>${s.path ? ` ${s.path.value}` : ''} (or STOP JOB ` +
    "'<jobId>' WITH SAVEPOINT in the SQL client); restore with SET 'execution.state-recovery.path' (Flink 1: " +
    "'execution.savepoint.path') before the INSERT, or flink run -s <path>",
  stopJob: (s) =>
    `the SQL client (Flink 1.17+) has STOP JOB '<jobId>'${s.withSavepoint ? ' WITH SAVEPOINT' : ''}, or the CLI: ` +
    `flink ${s.withSavepoint ? 'stop' : 'cancel'} <jobId>; Flink's job ids are generated, not weir's names ` +
    '(find them with SHOW JOBS or flink list)',
};

/** SHOW forms that Flink's SQL has as they are. */
const FLINK_SHOW = new Set<A.ShowStatement['what']>(['TABLES', 'VIEWS', 'FUNCTIONS', 'USER FUNCTIONS']);

const SHOW_ADVICE: Readonly<
  Record<Exclude<A.ShowStatement['what'], 'TABLES' | 'VIEWS' | 'FUNCTIONS' | 'USER FUNCTIONS'>, string>
> = {
  JOBS: 'the SQL client (Flink 1.17+) has SHOW JOBS; or the CLI: flink list',
  CHECKPOINTS: "the web UI's Checkpoints tab of the job, or the REST API: GET /jobs/<jobId>/checkpoints",
};

/**
 * The comment that replaces a weir-only statement, quoting it on one line.
 * @example weirOnlyAdvice(checkpoint, 'CHECKPOINT') // "CHECKPOINT; → in Flink, checkpoints are periodic (...)"
 */
export function weirOnlyAdvice(s: WeirOnly, text: string): string {
  return `${oneLine(text)}; → in Flink, ${(ADVICE[s.kind] as (s: WeirOnly) => string)(s)}.`;
}

/** SHOW in Flink: the statement itself for TABLES and VIEWS, else advice. */
export function showInFlink(s: A.ShowStatement, text: string): { sql?: string; note?: string } {
  if (FLINK_SHOW.has(s.what)) return { sql: `SHOW ${s.what}` };
  return { note: `${oneLine(text)}; → in Flink, ${SHOW_ADVICE[s.what as 'JOBS' | 'CHECKPOINTS']}.` };
}

/** `EXPLAIN RESTORE FROM 'p' ...`: Flink checks a savepoint against the job when the job starts from it. */
export function explainRestoreAdvice(text: string): string {
  return (
    `${oneLine(text)}; → in Flink, a job started from a savepoint (flink run -s <path>) is checked against it ` +
    "at start; state no operator claims fails it unless 'execution.state-recovery.ignore-unclaimed-state' = " +
    "'true' (Flink 1: 'execution.savepoint.ignore-unclaimed-state', or flink run --allowNonRestoredState)."
  );
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
