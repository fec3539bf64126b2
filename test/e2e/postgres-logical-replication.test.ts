// The test server with logical replication on (for change-data capture): a pgoutput slot decodes the changes of a table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../support/postgres';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres({ logicalReplication: { slots: 4, senders: 4 } });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('the PostgreSQL harness with logicalReplication', () => {
  it('runs with wal_level = logical, and a pgoutput slot sees a table’s inserts, updates and deletes', async () => {
    expect(await server.query<{ wal_level: string }>('SHOW wal_level')).toEqual([{ wal_level: 'logical' }]);
    expect(await server.query<{ max_replication_slots: string }>('SHOW max_replication_slots')).toEqual([
      { max_replication_slots: '4' },
    ]);
    await server.query(
      `CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT);
       CREATE PUBLICATION weir_items FOR TABLE items`,
    );
    await server.query(`SELECT pg_create_logical_replication_slot('weir_test', 'pgoutput')`);
    await server.query(
      `INSERT INTO items VALUES (1, 'a'), (2, 'b'); UPDATE items SET name = 'c' WHERE id = 1; DELETE FROM items WHERE id = 2`,
    );
    // The harness runs with synchronous_commit = off, and decoding reads only flushed WAL: wait for it.
    let changes: { data: Buffer }[] = [];
    for (let i = 0; i < 50 && changes.length === 0; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      changes = await server.query<{ data: Buffer }>(
        `SELECT data FROM pg_logical_slot_peek_binary_changes('weir_test', NULL, NULL,
           'proto_version', '1', 'publication_names', 'weir_items')`,
      );
    }
    // pgoutput messages start with their type: B(egin), R(elation), I(nsert), U(pdate), D(elete), C(ommit).
    const kinds = changes.map((c) => String.fromCharCode(c.data[0]!)).filter((k) => 'IUD'.includes(k));
    expect(kinds).toEqual(['I', 'I', 'U', 'D']);
    await server.query(`SELECT pg_drop_replication_slot('weir_test')`);
    expect(await server.query('SELECT slot_name FROM pg_replication_slots')).toEqual([]);
  });
});
