// Keyed count in the browser: the playground's worker in headless chromium against the same query under Node, same run.
import type { Page } from 'playwright-core';
import { startPlaygroundServer } from '../runtime/node/playground-server';
import { ensurePlaygroundBuilt } from '../test/playground/build-playground';
import { launchChromium, setEditorText } from '../test/playground/chromium';
import { keyedCountScript } from './keyed-count';
import { median, record } from './results';
import { runScriptJob } from './run-job';

/** Nexmark events per run (bids are 46 of every 50). */
const EVENTS = Number(process.env.WEIR_BENCH_PLAYGROUND_EVENTS ?? 5_000_000);
const RUNS = 3;

interface BrowserJob {
  id: string;
  status: string;
  recordsIn: number;
  elapsedMs: number;
}

/** Runs the script in the page's worker (rate unlimited, no page checkpoint interval); its time as the worker measured it. */
async function inBrowser(page: Page, script: string): Promise<number> {
  await setEditorText(page, script);
  const previous = await page.evaluate(
    () => (window as unknown as { weir: { figures(): BrowserJob | undefined } }).weir.figures()?.id,
  );
  await page.click('#run');
  const job = await page.waitForFunction(
    (prev) => {
      const f = (window as unknown as { weir: { figures(): BrowserJob | undefined } }).weir.figures();
      return f && f.id !== prev && f.status !== 'RUNNING' && f.status !== 'RESTARTING' ? f : undefined;
    },
    previous,
    { timeout: 300_000, polling: 100 },
  );
  const f = (await job.jsonValue()) as BrowserJob;
  if (f.status !== 'FINISHED') throw new Error(`the browser job ended ${f.status}`);
  if (f.recordsIn !== EVENTS) throw new Error(`the browser job read ${f.recordsIn} events, not ${EVENTS}`);
  return f.elapsedMs;
}

export async function playgroundBench(): Promise<void> {
  ensurePlaygroundBuilt();
  const server = await startPlaygroundServer(0);
  const browser = await launchChromium();
  try {
    const page = browser.page;
    await page.goto(server.url);
    await page.waitForFunction(() => 'weir' in window);
    await page.selectOption('#rate', '0');
    await page.selectOption('#interval', '');
    const script = keyedCountScript(EVENTS, undefined);
    const node: number[] = [];
    const web: number[] = [];
    // Interleaved, so that the machine's other load weighs on both alike.
    for (let i = 0; i < RUNS; i++) {
      node.push((await runScriptJob(script, 'keyed-count')).ms);
      web.push(await inBrowser(page, script));
    }
    const n = median(node, (x) => x);
    const w = median(web, (x) => x);
    const rate = (ms: number) => Math.round((EVENTS * 1000) / ms);
    const ratio = n / w;
    const fmt = (x: number) => x.toLocaleString('en-US').padStart(12);
    console.log(
      `${EVENTS.toLocaleString('en-US')} Nexmark events, keyed count into blackhole, median of ${RUNS}`,
    );
    console.log(`weir under Node              ${fmt(rate(n))} events/s`);
    console.log(`weir in chromium (worker)    ${fmt(rate(w))} events/s`);
    console.log(`browser / Node               ${ratio.toFixed(3)}  (target >= 0.50)`);
    record({
      workload: 'keyed count',
      engine: 'weir heap, no ckpt (Node)',
      eventsPerSec: rate(n),
      runs: RUNS,
    });
    record({
      workload: 'keyed count',
      engine: 'weir heap, no ckpt (chromium worker)',
      eventsPerSec: rate(w),
      runs: RUNS,
      note: `${ratio.toFixed(3)} of Node (target >= 0.50)`,
    });
  } finally {
    await browser.close();
    await server.close();
  }
}
