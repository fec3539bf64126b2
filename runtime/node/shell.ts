// `weir sql`: an interactive shell — multi-line statements ending in ';', history, statements act on running jobs.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { appendFileSync } from 'node:fs';
import { parse } from '../../grammar/index';
import { parseArgs, resumeCommand, scriptName } from './cli/args';
import { installGracefulStop, signalExitCode } from './cli/graceful-stop';
import { startWeb } from './web/cli-web';
import { Session } from './session';

const HISTORY = join(homedir(), '.weir_history');

/** Whether the buffer holds complete statements: ends with ';' outside strings and comments. */
export function isComplete(buffer: string): boolean {
  const text = buffer.trim();
  if (!text.endsWith(';')) return false;
  return !parse(text).diagnostics.some((d) => d.message.startsWith('unterminated'));
}

export async function shell(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args, ['web']);
  if (typeof parsed === 'string' || parsed.files.length > 1) {
    console.error(`weir sql: ${typeof parsed === 'string' ? parsed : 'expected at most one FILE.sql'}`);
    return 2;
  }
  const file = parsed.files[0];
  const flag = (name: string) => {
    const v = parsed.flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  // A script's jobs are named after it, as in `weir run FILE`: one resumes the other's checkpoints.
  const session = new Session({
    interactive: true,
    scriptName: file ? scriptName(file) : 'sql',
    config: parsed.config,
    fromCheckpoint: flag('from-checkpoint'),
    fromSavepoint: flag('from-savepoint'),
  });
  const web = await startWeb('sql', () => session.jobs, parsed);
  if (typeof web === 'number') return web;
  const stop = installGracefulStop({
    jobs: () => session.jobs,
    resumeCommand: `${resumeCommand('sql', args)}${file ? '' : ' (then the same INSERT statements)'}`,
    err: (l) => process.stderr.write(`${l}\n`),
    onStop: () => session.interrupt(),
  });
  try {
    return await interact(session, file, stop);
  } finally {
    stop.dispose();
    await web?.close();
  }
}

async function interact(
  session: Session,
  file: string | undefined,
  stop: ReturnType<typeof installGracefulStop>,
): Promise<number> {
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      console.error(`weir: cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      return 1;
    }
    await session.runScript(file, text);
  }
  let history: string[] = [];
  try {
    history = readFileSync(HISTORY, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    // no history yet
  }
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    history,
    terminal: process.stdin.isTTY,
  });
  // The first Ctrl-C or SIGTERM stops the jobs gracefully, then ends the shell (in a terminal, readline
  // takes Ctrl-C itself and tells it here).
  const endShell = () => void stop.settle().then(() => rl.close());
  rl.on('SIGINT', () => {
    stop.stop('SIGINT');
    endShell();
  });
  process.on('SIGINT', endShell);
  process.on('SIGTERM', endShell);
  const prompt = () => rl.setPrompt(buffer ? '     > ' : 'weir> ');
  let buffer = '';
  prompt();
  rl.prompt();
  for await (const line of rl) {
    buffer += (buffer ? '\n' : '') + line;
    if (/^\s*(quit|exit)\s*;?\s*$/i.test(buffer)) break;
    if (isComplete(buffer)) {
      const text = buffer;
      buffer = '';
      try {
        appendFileSync(HISTORY, `${text.replace(/\n/g, ' ')}\n`);
      } catch {
        // history is best effort
      }
      await session.runScript('<shell>', text);
    }
    prompt();
    rl.prompt();
  }
  rl.close();
  await stop.settle();
  await session.close();
  return stop.signal ? signalExitCode(stop.signal) : 0;
}
