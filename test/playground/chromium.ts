// Debian's chromium under playwright-core, headless with a fresh profile and no network of its own (never downloaded).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface Chromium {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Launches chromium; throws saying why when it is not installed (the tests fail, they never skip). */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the playground's browser test and bench need Debian's chromium package (apt-get install chromium); a browser is never downloaded`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'weir-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1500, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Replaces the editor's whole content with `text`, verbatim (no auto-closed brackets, no auto-indent). */
export async function setEditorText(page: Page, text: string): Promise<void> {
  await page.evaluate(() =>
    (window as unknown as { weir: { editor: { updateOptions(o: object): void } } }).weir.editor.updateOptions(
      {
        autoClosingBrackets: 'never',
        autoClosingQuotes: 'never',
        autoIndent: 'none',
      },
    ),
  );
  await page.click('#editor .view-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}
