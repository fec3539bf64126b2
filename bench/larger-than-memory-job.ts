// Child process of the larger-than-memory bench: a keyed count over N distinct keys on one backend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsCheckpointStorage } from '../runtime/node/fs-storage';
import { runScriptJob } from './run-job';

const [backend = 'rocksdb', keysArg = '20000000'] = process.argv.slice(2);
const KEYS = Number(keysArg);
const dir = mkdtempSync(join(tmpdir(), 'weir-bench-ltm-'));
const sql = `
SET 'state.backend.type' = '${backend}';
SET 'state.backend.rocksdb.localdir' = '${join(dir, 'rocksdb')}';
SET 'execution.checkpointing.interval' = '20s';
CREATE TABLE src (k BIGINT, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '${KEYS}',
  'rows-per-second' = '100000000', 'fields.k.kind' = 'sequence', 'fields.k.start' = '1');
CREATE TABLE sink (k BIGINT, c BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT k, COUNT(*) FROM src GROUP BY k;
`;
// Peak RSS and progress once a second on stderr: the parent keeps the last line if this process dies.
const timer = setInterval(() => {
  console.error(
    `progress rss=${process.resourceUsage().maxRSS * 1024} heap=${process.memoryUsage().heapUsed}`,
  );
}, 1000);
try {
  const { ms, runner } = await runScriptJob(sql, 'ltm', new FsCheckpointStorage(join(dir, 'checkpoints')));
  const chk = runner.checkpoints().filter((c) => c.status === 'COMPLETED');
  console.log(
    JSON.stringify({
      ms,
      rss: process.resourceUsage().maxRSS * 1024,
      checkpoints: chk.length,
      lastCheckpointBytes: chk.at(-1)?.size ?? 0,
    }),
  );
} finally {
  clearInterval(timer);
  rmSync(dir, { recursive: true, force: true });
}
