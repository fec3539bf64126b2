// Larger than memory: a keyed count over 20M distinct keys in a 512 MiB V8 heap, rocksdb vs hashmap, in child processes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { record } from './results';

const KEYS = Number(process.env.WEIR_BENCH_LTM_KEYS ?? 20_000_000);
const HEAP_MB = 512;

interface Outcome {
  ok: boolean;
  ms: number;
  peakRss: number;
  detail: string;
}

/** Runs the job in a child with `--max-old-space-size=512`, following its progress lines for the peak RSS. */
function child(backend: string): Promise<Outcome> {
  const script = fileURLToPath(new URL('./larger-than-memory-job.ts', import.meta.url));
  const start = performance.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, backend, String(KEYS)], {
      env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peakRss = 0;
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      for (const m of d.toString().matchAll(/rss=(\d+)/g)) peakRss = Math.max(peakRss, Number(m[1]));
      if (err.length > 1e6) err = err.slice(-1e5);
    });
    p.on('close', (code, signal) => {
      const ms = performance.now() - start;
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) {
        const r = JSON.parse(last) as { ms: number; rss: number };
        return resolve({ ok: true, ms: r.ms, peakRss: Math.max(peakRss, r.rss), detail: '' });
      }
      const oom = /heap out of memory|Allocation failed/i.test(err);
      resolve({
        ok: false,
        ms,
        peakRss,
        detail: oom
          ? 'JavaScript heap out of memory'
          : `exit ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' | ')}`,
      });
    });
  });
}

export async function largerThanMemoryBench(): Promise<void> {
  console.log(
    `keyed count over ${KEYS.toLocaleString('en-US')} distinct keys, NODE_OPTIONS=--max-old-space-size=${HEAP_MB}, checkpoint every 20 s`,
  );
  const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;
  for (const backend of ['rocksdb', 'hashmap']) {
    const r = await child(backend);
    const s = (r.ms / 1000).toFixed(1);
    if (r.ok)
      console.log(
        `${backend.padEnd(8)} completed in ${s} s (${Math.round(KEYS / (r.ms / 1000)).toLocaleString('en-US')} keys/s), peak RSS ${mib(r.peakRss)}`,
      );
    else console.log(`${backend.padEnd(8)} FAILED after ${s} s: ${r.detail}; peak RSS ${mib(r.peakRss)}`);
    record({
      workload: `keyed count, ${KEYS} keys, ${HEAP_MB} MiB heap`,
      engine: `weir ${backend === 'hashmap' ? 'heap' : backend}, ckpt 20s`,
      eventsPerSec: r.ok ? KEYS / (r.ms / 1000) : undefined,
      runs: 1,
      peakRss: r.peakRss,
      note: r.ok ? 'completed' : `FAILED: ${r.detail}`,
    });
  }
}
