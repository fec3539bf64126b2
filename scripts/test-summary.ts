// Prints vitest's totals as one plain line, "N passed, N failed, N skipped", for CI logs.
import { readFileSync } from 'node:fs';

const r = JSON.parse(readFileSync('test-output/vitest.json', 'utf8')) as {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
};
console.log(
  `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`,
);
