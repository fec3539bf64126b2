// `npm run bench [-- name ...]`: runs the named benchmarks (all by default), prints their figures, writes bench/results/.
import { alignmentBench } from './alignment';
import { backpressureBench } from './backpressure';
import { parseBench } from './parse';
import { playgroundBench } from './playground';
import { keyedCountBench } from './keyed-count';
import { incrementalBench } from './incremental';
import { largerThanMemoryBench } from './larger-than-memory';
import { lookupJoinBench } from './lookup-join';
import { nexmarkBench } from './nexmark';
import { nexmarkSuiteBench } from './nexmark-suite';
import { markdownTable, recorded, startBench, writeResults } from './results';
import { savepointBench } from './savepoint';
import { scalingBench } from './scaling';

const BENCHES: Record<string, () => Promise<void>> = {
  parse: parseBench,
  'keyed-count': keyedCountBench,
  nexmark: nexmarkBench,
  'nexmark-suite': nexmarkSuiteBench,
  incremental: incrementalBench,
  'larger-than-memory': largerThanMemoryBench,
  savepoint: savepointBench,
  alignment: alignmentBench,
  backpressure: backpressureBench,
  playground: playgroundBench,
  scaling: scalingBench,
  'lookup-join': lookupJoinBench,
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = names.length ? names : Object.keys(BENCHES);
for (const n of chosen) {
  const b = BENCHES[n];
  if (!b) {
    console.error(`unknown benchmark '${n}' (have: ${Object.keys(BENCHES).join(', ')})`);
    process.exit(2);
  }
  console.log(`\n## ${n}`);
  startBench(n);
  await b();
}
const file = writeResults(chosen);
console.log(`\n## results\n\n${markdownTable(recorded())}\n\nwritten to ${file} (and .json, .svg)`);
