// `npm run bench [-- name ...]`: runs the named benchmarks (all by default) and prints their figures.
import { parseBench } from './parse';
import { keyedCountBench } from './keyed-count';
import { nexmarkBench } from './nexmark';

const BENCHES: Record<string, () => Promise<void>> = {
  parse: parseBench,
  'keyed-count': keyedCountBench,
  nexmark: nexmarkBench,
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
  await b();
}
