// Filesystem sinks sharing a folder (issue 19), long versions for npm run test:crash: the two INSERTs of one script
// into one folder 20 times in a row, and 12 SIGKILL/resume cycles, every row exactly once each time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { twoInsertsKilledAndResumed, twoInsertsRuns } from './shared-sinks';

/** Set by scripts/test-crash.ts from `npm run test:crash -- <kind>`: these runs are of kind heap. */
const only = process.env['WEIR_CRASH_ONLY']?.split(',');

const root = mkdtempSync(join(tmpdir(), 'weir-shared-sinks-long-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(only !== undefined && !only.includes('heap'))(
  'filesystem sinks that share a folder (long)',
  () => {
    it('two INSERTs into one folder, 20 runs in a row: every row exactly once each time', async () => {
      await twoInsertsRuns(join(root, 'runs'), 20);
    });

    it('two INSERTs into one folder, 12 SIGKILL/resume cycles at checkpoint and commit fault points: every row once', async () => {
      const kills = await twoInsertsKilledAndResumed(join(root, 'kills'), 12);
      console.log(`shared folder: ${kills} of 12 runs killed at their fault point, each resumed exactly`);
      expect(kills).toBeGreaterThanOrEqual(6);
    });
  },
);
