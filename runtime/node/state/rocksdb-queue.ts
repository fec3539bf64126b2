// A subtask's RocksDB instance, opened on first use, and the one ordered queue every call to it goes through.
import RocksDB from 'rocksdb-native';

export class RocksDBQueue {
  private db: RocksDB | undefined;
  private opening: Promise<RocksDB> | undefined;
  /** Every RocksDB call in order: a read queued after a write sees it; a snapshot sees neither later one. */
  private io: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    /** The database's folder. */
    readonly dataDir: string,
    private readonly writeBufferSize: number,
  ) {}

  /** Whether the database was opened (or is opening): restoring may skip work on one never opened. */
  get opened(): boolean {
    return this.opening !== undefined;
  }

  get closed(): boolean {
    return this.disposed;
  }

  private open(): Promise<RocksDB> {
    if (this.disposed) return Promise.reject(new Error('rocksdb state backend is closed'));
    this.opening ??= (async () => {
      const db = new RocksDB(this.dataDir, { writeBufferSize: this.writeBufferSize, maxBackgroundJobs: 2 });
      await db.ready();
      this.db = db;
      return db;
    })();
    return this.opening;
  }

  /** Runs `fn` after every RocksDB call queued before it. */
  enqueue<T>(fn: (db: RocksDB) => Promise<T>): Promise<T> {
    const p = this.io.then(async () => fn(await this.open()));
    this.io = p.catch(() => {});
    return p;
  }

  /** Queues one atomic write of `ops` (a value of undefined deletes the key), after every call queued before it. */
  writeBatch(ops: readonly (readonly [Buffer, Buffer | undefined])[]): Promise<void> {
    return this.enqueue(async (db) => {
      const w = db.write({ capacity: ops.length });
      try {
        for (const [k, v] of ops)
          if (v === undefined) w.tryDelete(k);
          else w.tryPut(k, v);
        await w.flush();
      } finally {
        w.destroy();
      }
    });
  }

  /** RocksDB's estimate of the keys it holds, after every call queued before. */
  async countLive(): Promise<number> {
    const n = await this.enqueue(async (db) => db.getProperty('rocksdb.estimate-num-keys'));
    return Number(n) || 0;
  }

  /** Refuses later calls, waits for the queued ones and closes the database. */
  async close(): Promise<void> {
    this.disposed = true;
    await this.io.catch(() => {});
    await this.db?.close();
    this.db = undefined;
  }
}
