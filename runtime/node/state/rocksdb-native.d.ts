// Types for the parts of rocksdb-native (which ships none) that the rocksdb state backend uses.
declare module 'rocksdb-native' {
  interface ReadBatch {
    get(key: Buffer): Promise<Buffer | null>;
    tryFlush(): void;
    flush(): Promise<void>;
    destroy(): void;
  }
  interface WriteBatch {
    tryPut(key: Buffer, value: Buffer): void;
    tryDelete(key: Buffer): void;
    tryDeleteRange(start: Buffer, end: Buffer): void;
    flush(): Promise<void>;
    destroy(): void;
  }
  interface IteratorRange {
    gt?: Buffer;
    gte?: Buffer;
    lt?: Buffer;
    lte?: Buffer;
    limit?: number;
    capacity?: number;
  }
  /** A streamx Readable of entries (what `entryBatches` reads). */
  interface Iterator extends AsyncIterable<{ key: Buffer; value: Buffer }> {
    read(): { key: Buffer; value: Buffer } | null;
    on(event: 'readable' | 'end' | 'close', listener: () => void): this;
    on(event: 'error', listener: (error: unknown) => void): this;
    destroy(error?: unknown): void;
  }
  interface RocksDBOptions {
    writeBufferSize?: number;
    maxBackgroundJobs?: number;
    createIfMissing?: boolean;
  }
  class RocksDB {
    constructor(path: string, opts?: RocksDBOptions);
    ready(): Promise<void>;
    close(opts?: { force?: boolean }): Promise<void>;
    read(opts?: { capacity?: number }): ReadBatch;
    write(opts?: { capacity?: number }): WriteBatch;
    flush(): Promise<void>;
    suspend(): Promise<void>;
    resume(): Promise<void>;
    iterator(range: IteratorRange): Iterator;
    getProperty(name: string): Promise<string>;
    /** A session reading the database as of now. */
    snapshot(): RocksDB;
    compactRange(start?: Buffer | null, end?: Buffer | null): Promise<void>;
  }
  export = RocksDB;
}
