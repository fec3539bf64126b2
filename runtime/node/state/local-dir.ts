// Where a job's RocksDB working folders live: `state.backend.rocksdb.localdir`/<job>, one folder per stateful subtask.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { type JobSpec, setting } from '../../task/task-builder';

/** The folder holding the job's RocksDB folders. */
export function rocksdbRoot(job: Pick<JobSpec, 'name' | 'config'>): string {
  return resolve(
    setting(job.config, 'state.backend.rocksdb.localdir')!,
    job.name.replace(/[^A-Za-z0-9._-]/g, '_'),
  );
}

/**
 * Removes every RocksDB folder of the job when it runs on rocksdb: at its start (what a crashed run left)
 * and after an attempt's threads stopped (what a dead thread could not remove itself).
 */
export function removeRocksdbFolders(job: Pick<JobSpec, 'name' | 'config'>): void {
  if (setting(job.config, 'state.backend.type') === 'rocksdb')
    rmSync(rocksdbRoot(job), { recursive: true, force: true });
}
