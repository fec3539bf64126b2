// The long versions of the job identity tests (npm run test:crash): 10 kill/resume cycles per backend.
import { describe, it } from 'vitest';
import { RETENTION_CASES, retentionCycles } from './retention-cycles';

describe('retention across 10 kill/resume cycles (num-retained 1)', () => {
  it.each(RETENTION_CASES)(
    'at most 2 checkpoints per job at any time, none left over, no orphan shared file ($label)',
    ({ settings }) => retentionCycles(settings, 10),
    900_000,
  );
});
