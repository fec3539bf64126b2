// The browser test: Debian's chromium drives the served playground — markers, a run, CHECKPOINT, a failure, typing under load.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlaygroundServer, startPlaygroundServer } from '../../runtime/node/playground-server';
import { ensurePlaygroundBuilt } from './build-playground';
import { type Chromium, launchChromium, setEditorText } from './chromium';

const OUT = resolve(import.meta.dirname, '../../test-output');

/** A keyed count at the page's rate (200K events/s), with an unknown column on line 9. */
const BROKEN = `CREATE TABLE bid (
  auction BIGINT,
  price BIGINT
) WITH ('connector' = 'datagen', 'rows-per-second' = '0',
  'fields.auction.min' = '1', 'fields.auction.max' = '50');
CREATE TABLE bids_per_auction (auction BIGINT, bids BIGINT, top BIGINT) WITH ('connector' = 'print');
INSERT INTO bids_per_auction
SELECT auction, COUNT(*) AS bids,
  MAX(pric) AS top FROM bid GROUP BY auction;
`;
const FIXED = BROKEN.replace('MAX(pric)', 'MAX(price)');

interface Figures {
  id: string;
  mode: string;
  status: string;
  restarts: number;
  recordsIn: number;
  at: number;
  checkpoints: { id: number; status: string }[];
  results?: { total: number };
  exactness: {
    checks: number;
    exact: number;
    pending: boolean;
    last?: { exact: boolean; rows: number; events: number; extra: number };
  };
}

const figures = (page: Page) =>
  page.evaluate(() => (window as unknown as { weir: { figures(): unknown } }).weir.figures()) as Promise<
    Figures | undefined
  >;

describe('the playground in chromium', () => {
  let server: PlaygroundServer;
  let browser: Chromium;
  let page: Page;
  const foreign: string[] = [];
  /** What went wrong while the page loaded: failed requests, HTTP errors, console errors, page errors. */
  const loadProblems: string[] = [];
  let loading = true;

  /** Why the page could not be opened (no chromium, a broken build): every test fails with it, none is skipped. */
  let setupError: unknown;

  beforeAll(async () => {
    try {
      await open();
    } catch (e) {
      setupError = e;
    }
  }, 120_000);

  async function open(): Promise<void> {
    ensurePlaygroundBuilt();
    server = await startPlaygroundServer(0);
    browser = await launchChromium();
    page = browser.page;
    const origin = new URL(server.url).origin;
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
    });
    const onLoad = (problem: string) => {
      if (loading) loadProblems.push(problem);
    };
    page.on('requestfailed', (r) => onLoad(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400) onLoad(`HTTP ${r.status()}: ${r.url()}`);
    });
    page.on('pageerror', (e) => {
      onLoad(`page error: ${e.message}`);
      console.error(`page error: ${e.message}`);
    });
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // A missing resource shows only here (chromium does not report its favicon request to the page).
      onLoad(`console error: ${m.text()} (${m.location().url})`);
      console.error(`page console: ${m.text()}`);
    });
    await page.goto(server.url);
    await page.waitForFunction(() => 'weir' in window);
    // The favicon and the workers' scripts come after the load event.
    await page.waitForLoadState('networkidle');
    loading = false;
  }

  afterAll(async () => {
    if (page) console.log(`page log:\n${(await page.textContent('#log').catch(() => '')) ?? ''}`);
    await browser?.close();
    await server?.close();
  });

  it('loads without a failed request or a console error', () => {
    if (setupError) throw setupError;
    expect(loadProblems).toEqual([]);
  });

  it('marks an error, runs the fixed query, checkpoints, stays responsive at 200K events/s and recovers exactly', async () => {
    if (setupError) throw setupError;
    // 1. The error's marker: line 9, at `pric` (column 7), from the real analyzer.
    await setEditorText(page, BROKEN);
    await page.waitForFunction(() =>
      (window as unknown as { weir: { markers(): { message: string }[] } }).weir
        .markers()
        .some((m) => m.message.includes('pric')),
    );
    const markers = await page.evaluate(() =>
      (
        window as unknown as {
          weir: { markers(): { startLineNumber: number; startColumn: number; message: string }[] };
        }
      ).weir.markers(),
    );
    expect(markers.map((m) => `${m.startLineNumber}:${m.startColumn} ${m.message}`)).toHaveLength(1);
    expect(markers[0]).toMatchObject({ startLineNumber: 9, startColumn: 7 });
    expect(markers[0]!.message).toContain("unknown column 'pric'");
    await page.waitForSelector('#editor .squiggly-error');

    // 2. Fixed: no markers; run it and see rows arrive.
    await setEditorText(page, FIXED);
    await page.waitForFunction(
      () => (window as unknown as { weir: { markers(): unknown[] } }).weir.markers().length === 0,
    );
    await page.click('#run');
    await page.waitForFunction(
      () => document.querySelectorAll('#result-table tbody tr').length >= 10,
      undefined,
      { timeout: 20_000 },
    );

    // 3. CHECKPOINT; typed in the console shows up in the timeline.
    await page.click('[data-tab="checkpoints"]');
    await page.fill('#prompt', 'CHECKPOINT;');
    await page.press('#prompt', 'Enter');
    await page.waitForFunction(() =>
      /Checkpoint \d+ of job 'playground-1' completed/.test(
        document.getElementById('log')!.textContent ?? '',
      ),
    );
    const id = Number(/Checkpoint (\d+) of job/.exec((await page.textContent('#log'))!)![1]);
    await page.waitForSelector(`#checkpoint-table tr.cp-completed[data-checkpoint="${id}"]`);

    // 4. Responsive at 200K events/s: the job runs at that rate while keystrokes land promptly.
    const a = (await figures(page))!;
    await page.waitForTimeout(1500);
    const b = (await figures(page))!;
    const rate = ((b.recordsIn - a.recordsIn) * 1000) / (b.at - a.at);
    console.log(`job rate while typing: ${Math.round(rate)} events/s`);
    expect(rate).toBeGreaterThan(150_000);
    await page.click('#editor .view-lines');
    await page.keyboard.press('Control+End');
    const typed = '-- typed while the job runs';
    const start = Date.now();
    await page.keyboard.type(typed);
    await page.waitForFunction(
      (t) =>
        (window as unknown as { weir: { editor: { getValue(): string } } }).weir.editor
          .getValue()
          .includes(t),
      typed,
      { timeout: 2000 },
    );
    const typingMs = Date.now() - start;
    console.log(`typed ${typed.length} characters in ${typingMs} ms while the job ran`);
    expect(typingMs / typed.length).toBeLessThan(50);

    // 5. Fail a task: the job restarts from its latest checkpoint and the results equal the shadow run's.
    await page.click('[data-tab="results"]');
    await page.click('#fail');
    await page.waitForSelector('#exactness[data-exact="true"], #exactness[data-exact="false"]', {
      timeout: 30_000,
    });
    const after = (await figures(page))!;
    expect(after.restarts).toBeGreaterThanOrEqual(1);
    expect(after.exactness.last).toMatchObject({ exact: true, rows: 50 });
    expect(after.exactness.last!.events).toBeGreaterThan(0);

    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'playground.png') });
  }, 100_000);

  it('with AT_LEAST_ONCE, a failure shows duplicates against the shadow run', async () => {
    if (setupError) throw setupError;
    await page.selectOption('#mode', 'AT_LEAST_ONCE');
    const previous = (await figures(page))?.id;
    await page.click('#run');
    await page.waitForFunction(
      (prev) => {
        const f = (window as unknown as { weir: { figures(): Figures | undefined } }).weir.figures();
        return (
          f &&
          f.id !== prev &&
          f.checkpoints.some((c) => c.status === 'COMPLETED') &&
          (f.results?.total ?? 0) > 0
        );
      },
      previous,
      { timeout: 20_000 },
    );
    await page.click('#fail');
    await page.waitForSelector('#exactness[data-exact="true"], #exactness[data-exact="false"]', {
      timeout: 30_000,
    });
    const after = (await figures(page))!;
    expect(after.mode).toBe('AT_LEAST_ONCE');
    expect(after.exactness.last).toMatchObject({ exact: false });
    expect(after.exactness.last!.extra).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, 'playground-at-least-once.png') });
    expect(foreign).toEqual([]);
  }, 60_000);

  it('completes columns and configuration keys, and shows column types on hover', async () => {
    if (setupError) throw setupError;
    type Editor = {
      setPosition(p: { lineNumber: number; column: number }): void;
      trigger(source: string, id: string, payload: unknown): void;
      focus(): void;
    };
    const act = (line: number, column: number, action: string) =>
      page.evaluate(
        ([l, c, a]) => {
          const e = (window as unknown as { weir: { editor: Editor } }).weir.editor;
          e.focus();
          e.setPosition({ lineNumber: l as number, column: c as number });
          e.trigger('test', a as string, {});
        },
        [line, column, action],
      );
    await setEditorText(page, `${FIXED}SET 'execution.checkpointing.i`);
    // Hover on `price` in line 9: its type and table.
    await act(9, 8, 'editor.action.showHover');
    await page.waitForSelector('.monaco-hover-content:has-text("BIGINT")');
    expect(await page.textContent('.monaco-hover-content')).toContain('column price: BIGINT (bid)');
    await page.keyboard.press('Escape');
    // Completion inside SET '...': configuration keys.
    await act(10, 31, 'editor.action.triggerSuggest');
    await page.waitForSelector(
      '.suggest-widget .monaco-list-row:has-text("execution.checkpointing.interval")',
    );
    await page.keyboard.press('Escape');
    // Completion after `bid.`: the table's columns.
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText("';\nSELECT bid.");
    await act(11, 12, 'editor.action.triggerSuggest');
    await page.waitForSelector('.suggest-widget .monaco-list-row:has-text("auction")');
    await page.keyboard.press('Escape');
  }, 30_000);
});
