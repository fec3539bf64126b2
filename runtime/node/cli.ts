// The `weir` command: run, sql, explain, savepoint, playground — argument parsing and exit codes.
import { readFileSync } from 'node:fs';
import { exportFlink } from '../../compiler/export/flink';
import { compileScript, explainJob, explainJobJson } from '../../compiler/index';
import { NodeUdfLoader } from './udf-loader';
import { formatDiagnostic } from '../../grammar/diagnostics';
import { type ParsedArgs, parseArgs, resumeCommand, scriptName } from './cli/args';
import { installGracefulStop, signalExitCode } from './cli/graceful-stop';
import { Session, type SessionOptions } from './session';

const USAGE = `usage: weir <command> [options]

commands:
  run FILE.sql [FILE.sql ...]   run a script: statements in order; INSERT starts a job, the script waits for its jobs
      --from-checkpoint latest|PATH   resume each job from its newest completed checkpoint over all its runs
                                      (or the given one); the first Ctrl-C stops the jobs with a final checkpoint
      --from-savepoint PATH           restore each job from a savepoint
      -D key=value                    set a configuration key before the script (repeatable)
      --parallelism N                 shorthand for -D parallelism.default=N
      --web [--port N]                serve the REST API, /metrics and a dashboard while jobs run (127.0.0.1:8081;
                                      also -D rest.port=N, -D rest.address=A with -D rest.token=T)
  sql [FILE.sql] [--web]        an interactive shell (statements end with ';'); a file is run first; takes
                                -D, --from-checkpoint and --from-savepoint as run does
  explain FILE.sql [--json]     print the logical plan, the optimized plan and the job graph of each job
  export --target flink FILE.sql
                                print the script as Flink SQL for a Flink cluster (connector options mapped;
                                weir-only statements and settings become '-- weir:' comments)
  savepoint inspect PATH        what a savepoint (or hashmap checkpoint) holds: operators, key groups, entries,
                                bytes, source offsets; every file's checksum is verified
  savepoint diff A B            per operator uid: state in A only, B only or both; entries added, removed, changed
  playground [--port N]         serve the Monaco playground on 127.0.0.1
  help                          this text

Errors print as file:line:col with the offending line; the exit status is 1 for errors in a script (or a
missing or damaged savepoint), 2 for usage.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case 'explain':
      return explain(rest);
    case 'export':
      return exportScript(rest);
    case 'sql':
      return (await import('./shell')).shell(rest);
    case 'savepoint':
      return (await import('./savepoint-tools')).savepointCommand(rest);
    case 'playground':
      return (await import('./playground-server')).servePlayground(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    case '--version':
    case 'version':
      console.log('weir 0.1.0');
      return 0;
    default:
      console.error(`weir: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

function readScript(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    console.error(
      `weir: cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(e)}`,
    );
    return undefined;
  }
}

async function explain(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args, ['json', 'verbose']);
  if (typeof parsed === 'string' || parsed.files.length !== 1) {
    console.error(
      `weir explain: ${typeof parsed === 'string' ? parsed : 'expected one FILE.sql'}\n\n${USAGE}`,
    );
    return 2;
  }
  const file = parsed.files[0]!;
  const text = readScript(file);
  if (text === undefined) return 1;
  const udfLoader = new NodeUdfLoader();
  await udfLoader.preload(file, text);
  const result = compileScript(text, { scriptName: scriptName(file), config: parsed.config, udfLoader });
  for (const d of result.diagnostics) console.error(formatDiagnostic(file, text, d));
  if (result.diagnostics.some((d) => d.severity === 'error')) return 1;
  const jobs = result.statements.flatMap((s) => (s.kind === 'job' || s.kind === 'explain' ? [s.job] : []));
  if (parsed.flags.get('json')) {
    console.log(JSON.stringify(jobs.map(explainJobJson), null, 2));
  } else {
    if (jobs.length === 0) console.log(`${file}: no INSERT or SELECT to explain`);
    console.log(jobs.map((j) => explainJob(j, parsed.flags.get('verbose') === true)).join('\n\n'));
  }
  return 0;
}

/** `weir export --target flink FILE.sql`: the script as Flink SQL on standard output. */
function exportScript(args: readonly string[]): number {
  const parsed = parseArgs(args);
  const problem = typeof parsed === 'string' ? parsed : exportUsageProblem(parsed);
  if (typeof parsed === 'string' || problem !== undefined) {
    console.error(`weir export: ${problem}\n\n${USAGE}`);
    return 2;
  }
  const file = parsed.files[0]!;
  const text = readScript(file);
  if (text === undefined) return 1;
  const result = exportFlink(text, { fileName: file });
  for (const d of result.diagnostics) console.error(formatDiagnostic(file, text, d));
  if (result.diagnostics.some((d) => d.severity === 'error')) return 1;
  process.stdout.write(result.text);
  return 0;
}

function exportUsageProblem(parsed: ParsedArgs): string | undefined {
  const target = parsed.flags.get('target');
  if (parsed.files.length !== 1) return 'expected one FILE.sql';
  if (target === undefined) return 'expected --target flink';
  if (target !== 'flink') return `unknown target '${String(target)}'; the only target is 'flink'`;
  return undefined;
}

async function run(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args, ['web']);
  if (typeof parsed === 'string' || parsed.files.length === 0) {
    console.error(`weir run: ${typeof parsed === 'string' ? parsed : 'expected FILE.sql'}\n\n${USAGE}`);
    return 2;
  }
  const config = { ...parsed.config };
  const parallelism = parsed.flags.get('parallelism');
  if (typeof parallelism === 'string') config['parallelism.default'] = parallelism;
  const options: SessionOptions = {
    config,
    fromCheckpoint: strFlag(parsed.flags.get('from-checkpoint')),
    fromSavepoint: strFlag(parsed.flags.get('from-savepoint')),
    interactive: false,
  };
  // Several files run as one script, in order (e.g. shared DDL, then a query).
  const texts: string[] = [];
  for (const f of parsed.files) {
    const t = readScript(f);
    if (t === undefined) return 1;
    texts.push(t);
  }
  const session = new Session({ ...options, scriptName: scriptName(parsed.files[parsed.files.length - 1]!) });
  const web = await (await import('./web/cli-web')).startWeb('run', () => session.jobs, parsed);
  if (typeof web === 'number') return web;
  const stop = installGracefulStop({
    jobs: () => session.jobs,
    resumeCommand: resumeCommand('run', args),
    err: (l) => process.stderr.write(`${l}\n`),
    onStop: () => session.interrupt(),
  });
  try {
    for (let i = 0; i < texts.length; i++) {
      const ok = await session.runScript(parsed.files[i]!, texts[i]!);
      if (!ok) {
        await stop.settle();
        await session.close();
        return 1;
      }
    }
    await stop.settle();
    const failed = await session.awaitJobs();
    await stop.settle();
    await session.close();
    if (stop.signal) return signalExitCode(stop.signal);
    return failed ? 1 : 0;
  } finally {
    stop.dispose();
    await web?.close();
  }
}

function strFlag(v: string | true | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
