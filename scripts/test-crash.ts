// `npm run test:crash [-- heap|rocksdb|postgres] [vitest args]`: the long crash runs, optionally of one kind only.
import { spawnSync } from 'node:child_process';

const KINDS = ['heap', 'rocksdb', 'postgres', 'backpressure'];
const args = process.argv.slice(2);
/** A kind names what to run, unless it is the value of a flag such as `-t rocksdb`. */
const isKind = (a: string, i: number) => KINDS.includes(a) && !args[i - 1]?.startsWith('-');
const only = args.filter(isKind);
const rest = args.filter((a, i) => !isKind(a, i));
const r = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.crash.config.ts', ...rest], {
  stdio: 'inherit',
  env: { ...process.env, ...(only.length ? { WEIR_CRASH_ONLY: only.join(',') } : {}) },
});
process.exit(r.status ?? 1);
