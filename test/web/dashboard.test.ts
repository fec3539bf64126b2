// The dashboard of `weir run --web` in Debian's chromium: the graph's records/s, Checkpoint and Savepoint buttons.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WEIR_BIN } from '../e2e/crash-harness';
import { ensureDashboardBuilt } from '../playground/build-playground';
import { type Chromium, launchChromium } from '../playground/chromium';
import { type WebRun, startWebRun, webScript } from './web-harness';

const OUT = resolve(import.meta.dirname, '../../test-output');

let browser: Chromium | undefined;
let run: WebRun | undefined;

beforeAll(async () => {
  ensureDashboardBuilt();
  mkdirSync(OUT, { recursive: true });
  // A checkpoint every 3 s: the history has rows of its own before the buttons add theirs.
  run = await startWebRun(webScript('3s', 5000));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await run?.kill();
});

it('shows the job live and takes a checkpoint, a savepoint and a stop from its buttons', async () => {
  const page = browser!.page;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(run!.url);

  // The graph: each operator's box with its records/s (rates come from successive polls of /figures).
  await page
    .locator('svg.plan text', { hasText: /^[1-9][\d,]* records\/s/ })
    .first()
    .waitFor({ timeout: 30_000 });
  expect(await page.locator('#jobs option').count()).toBe(1);
  expect(await page.locator('#jobs option').textContent()).toBe('clicks-1 (RUNNING)');
  expect(await page.locator('#task-table tbody tr').count()).toBe(2);
  await page
    .locator('svg.plan text', { hasText: /^state .* at last checkpoint$/ })
    .first()
    .waitFor({ timeout: 30_000 });

  // Checkpoint: the operation finishes and its checkpoint is a new row of the history table.
  await page.click('#checkpoint');
  const done = page.locator('#operations li.completed', { hasText: /^checkpoint: checkpoint \d+$/ });
  await done.waitFor({ timeout: 30_000 });
  const id = Number(/(\d+)$/.exec((await done.textContent())!)![1]);
  await page
    .locator(`#checkpoint-table tr[data-checkpoint="${id}"].cp-completed`)
    .waitFor({ timeout: 10_000 });
  // The chart (uPlot) draws the history.
  await page.locator('#chart .uplot canvas').waitFor();

  // Savepoint into a folder typed into the page: `weir savepoint inspect` accepts what it wrote.
  await page.fill('#target', join(run!.dir, 'dashboard-savepoints'));
  await page.click('#savepoint');
  const saved = page.locator('#operations li.completed', { hasText: /^savepoint: / });
  await saved.waitFor({ timeout: 30_000 });
  const location = (await saved.getAttribute('data-location'))!;
  expect(location.startsWith(join(run!.dir, 'dashboard-savepoints'))).toBe(true);
  expect(existsSync(join(location, '_metadata'))).toBe(true);
  const inspect = spawnSync(process.execPath, [WEIR_BIN, 'savepoint', 'inspect', location], {
    encoding: 'utf8',
  });
  expect(inspect.stderr).toBe('');
  expect(inspect.status).toBe(0);
  expect(inspect.stdout).toContain('groupAggregate');

  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true });
  expect(errors).toEqual([]);

  // Stop with savepoint: the job finishes, and with it the run.
  await page.click('#stop');
  await page
    .locator('#operations li.completed', { hasText: /^stop with savepoint: / })
    .waitFor({ timeout: 30_000 });
  expect(await run!.exited).toBe(0);
  expect(run!.stderr()).toMatch(/job 'clicks-1' finished/);
}, 180_000);
