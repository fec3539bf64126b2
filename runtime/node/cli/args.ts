// Command-line arguments: flags, -D settings, the script's name for job names, the command that resumes a run.
import { basename } from 'node:path';
import { shellQuote } from './graceful-stop';

export interface ParsedArgs {
  files: string[];
  flags: Map<string, string | true>;
  config: Record<string, string>;
}

/** Parses `--flag value`, `--flag=value`, `--switch` and `-D key=value`; `boolean` names take no value. */
export function parseArgs(args: readonly string[], boolean: readonly string[] = []): ParsedArgs | string {
  const files: string[] = [];
  const flags = new Map<string, string | true>();
  const config: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-D') {
      const kv = args[++i];
      const eq = kv?.indexOf('=') ?? -1;
      if (!kv || eq <= 0) return `-D expects key=value, got '${kv ?? ''}'`;
      config[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) flags.set(name, a.slice(eq + 1));
      else if (boolean.includes(name)) flags.set(name, true);
      else {
        const v = args[++i];
        if (v === undefined) return `--${name} expects a value`;
        flags.set(name, v);
      }
    } else {
      files.push(a);
    }
  }
  return { files, flags, config };
}

/** The script's name for job names: the file name without `.sql`. */
export function scriptName(file: string): string {
  return basename(file).replace(/\.sql$/i, '');
}

/** `weir <command> <the same arguments> --from-checkpoint latest`: resumes what a graceful stop stopped. */
export function resumeCommand(command: string, args: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--from-checkpoint' || a === '--from-savepoint') i++;
    else if (!a.startsWith('--from-checkpoint=') && !a.startsWith('--from-savepoint=')) kept.push(a);
  }
  return ['weir', command, ...kept, '--from-checkpoint', 'latest'].map(shellQuote).join(' ');
}
