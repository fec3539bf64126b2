// `weir sql` as a child process for end-to-end tests: statements written to its standard input, output awaited by pattern.
import { type ChildProcess, spawn } from 'node:child_process';
import { WEIR_BIN } from '../e2e/crash-harness';

/** `weir sql` with statements written to its standard input. */
export class Shell {
  private readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exit: Promise<number | null>;

  constructor(cwd: string) {
    this.child = spawn(process.execPath, [WEIR_BIN, 'sql'], {
      cwd,
      env: { ...process.env, HOME: cwd },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.stdout += String(d)));
    this.child.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.exit = new Promise((r) => this.child.on('exit', (code) => r(code)));
  }

  send(statements: string): void {
    this.child.stdin!.write(`${statements}\n`);
  }

  /** Waits for `pattern` in the standard output or error. */
  async waitFor(pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = pattern.exec(this.stdout) ?? pattern.exec(this.stderr);
      if (m) return m;
      if (Date.now() > deadline)
        throw new Error(`no ${pattern} from the shell:\n${this.stdout}\n--- stderr ---\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
