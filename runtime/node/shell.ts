// `weir sql`: an interactive shell — multi-line statements ending in ';', history, statements act on running jobs.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { appendFileSync } from 'node:fs';
import { parse } from '../../grammar/index';
import { parseArgs } from './cli';
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
  if (typeof parsed === 'string') {
    console.error(`weir sql: ${parsed}`);
    return 2;
  }
  const session = new Session({ interactive: true, scriptName: 'sql', config: parsed.config });
  const web = await startWeb('sql', () => session.jobs, parsed);
  if (typeof web === 'number') return web;
  const file = parsed.files[0];
  if (file) {
    const text = readFileSync(file, 'utf8');
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
  await session.close();
  await web?.close();
  return 0;
}
