// The channel between task managers: order of batches, watermarks and barriers across a MessagePort; credit-based backpressure.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamElement } from '../../runtime/messages';
import { decodeRows, encodeRows } from '../../runtime/node/workers/batch-codec';
import { ChannelExchange, type ExchangeMessage } from '../../runtime/node/workers/remote-channel';

const open: MessagePort[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

/** Two exchanges joined by a MessagePort pair; `next(side)` resolves after that side handled a message. */
function pair() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const waiting: Record<'a' | 'b', (() => void)[]> = { a: [], b: [] };
  const a = new ChannelExchange(port1, () => waiting.a.shift()?.());
  const b = new ChannelExchange(port2, () => waiting.b.shift()?.());
  port1.on('message', (m: ExchangeMessage) => a.receive(m));
  port2.on('message', (m: ExchangeMessage) => b.receive(m));
  const next = (side: 'a' | 'b') => new Promise<void>((r) => waiting[side].push(r));
  return { a, b, next };
}

const batch = (...xs: number[]): StreamElement => ({
  kind: 'batch',
  batch: { rows: xs.map((x) => [x, `row-${x}`, null]), kinds: undefined },
});

function drain(r: { poll(): StreamElement | undefined }): StreamElement[] {
  const out: StreamElement[] = [];
  for (let e = r.poll(); e; e = r.poll()) out.push(e);
  return out;
}

describe('remote channel (task manager to task manager)', () => {
  it('delivers batches, watermarks, barriers and end markers in push order, per channel', async () => {
    const { a, b, next } = pair();
    const w1 = a.writer('1/0/0/1', 'x', 100);
    const w2 = a.writer('1/1/0/1', 'y', 100);
    const sent1: StreamElement[] = [
      batch(1, 2),
      { kind: 'watermark', timestamp: 10 },
      batch(3),
      { kind: 'barrier', checkpointId: 4, timestamp: 99, isSavepoint: false },
      { kind: 'batch', batch: { rows: [[5, 'a']], kinds: [2] } },
      { kind: 'idle' },
      { kind: 'endOfData' },
      { kind: 'barrier', checkpointId: 5, timestamp: 100, isSavepoint: true },
      { kind: 'end' },
    ];
    const sent2: StreamElement[] = [batch(7), { kind: 'watermark', timestamp: 3 }];
    // Interleaved pushes on two channels, flushed in two messages.
    for (let i = 0; i < sent1.length; i++) {
      w1.push(sent1[i]!);
      if (sent2[i]) w2.push(sent2[i]!);
      if (i === 3) {
        a.flush();
        await next('b');
      }
    }
    a.flush();
    await next('b');
    expect(drain(b.reader('1/0/0/1'))).toEqual(sent1);
    expect(drain(b.reader('1/1/0/1'))).toEqual(sent2);
    expect(a.sentMessages).toBe(2);
  });

  it('backpressure: a writer out of credits has no capacity until the reader drains and returns them', async () => {
    const { a, b, next } = pair();
    const w = a.writer('k', 'k', 2);
    const r = b.reader('k');
    w.push(batch(1));
    expect(w.hasCapacity()).toBe(true);
    w.push(batch(2));
    expect(w.hasCapacity()).toBe(false);
    // Watermarks and barriers always fit and keep their place behind the batches.
    w.push({ kind: 'watermark', timestamp: 5 });
    w.push({ kind: 'barrier', checkpointId: 1, timestamp: 0, isSavepoint: false });
    a.flush();
    await next('b');
    expect(r.size).toBe(4);
    expect(w.hasCapacity()).toBe(false);
    // The consumer takes one batch: one credit goes back with its next flush.
    expect(r.poll()).toEqual(batch(1));
    expect(b.pending).toBe(true);
    b.flush();
    await next('a');
    expect(w.availableCredits).toBe(1);
    expect(w.hasCapacity()).toBe(true);
    // Watermarks and barriers return no credit.
    drain(r);
    b.flush();
    await next('a');
    expect(w.availableCredits).toBe(2);
    expect(b.pending).toBe(false);
  });

  it('keeps what arrives before the consumer end is asked for', async () => {
    const { a, b, next } = pair();
    const w = a.writer('early', 'early', 4);
    w.push(batch(9));
    a.flush();
    await next('b');
    expect(drain(b.reader('early'))).toEqual([batch(9)]);
  });

  it('sends one message per flush, nothing when there is nothing to send', () => {
    const sent: unknown[] = [];
    const ex = new ChannelExchange({ postMessage: (m) => sent.push(m) });
    ex.flush();
    expect(sent).toEqual([]);
    const w = ex.writer('k', 'k');
    for (let i = 0; i < 50; i++) w.push(batch(i));
    ex.flush();
    expect(sent.length).toBe(1);
    expect((sent[0] as ExchangeMessage).data).toBeInstanceOf(Uint8Array);
  });

  it('carries every kind of value exactly: int and float columns as typed arrays, the rest as they are', async () => {
    const rows = [
      [1, 1.5, 'a', null, -0, [1, 'x'], true, 2 ** 40, undefined, NaN],
      [-7, 2, 'b', 3, 5, null, false, -(2 ** 31), 'u', Infinity],
    ];
    const enc = encodeRows(rows);
    expect(enc[0]).toBe(1);
    expect(enc[2]).toBeInstanceOf(Int32Array);
    expect(enc[3]).toBeInstanceOf(Float64Array);
    // -0 is not an int32 (it would come back as 0); 2^40 is not either.
    expect(enc[6]).toBeInstanceOf(Float64Array);
    expect(enc[9]).toBeInstanceOf(Float64Array);
    expect(decodeRows(enc)).toEqual(rows);
    expect(Object.is(decodeRows(enc)[0]![4], -0)).toBe(true);
    // Across a port, through msgpackr.
    const { a, b, next } = pair();
    a.writer('k', 'k').push({ kind: 'batch', batch: { rows, kinds: [0, 3] } });
    a.flush();
    await next('b');
    const got = b.reader('k').poll();
    expect(got).toEqual({ kind: 'batch', batch: { rows, kinds: [0, 3] } });
    // Rows of different widths travel as they are.
    expect(decodeRows(encodeRows([[1], [1, 2]]))).toEqual([[1], [1, 2]]);
    expect(decodeRows(encodeRows([]))).toEqual([]);
  });
});
