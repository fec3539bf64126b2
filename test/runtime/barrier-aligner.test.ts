// BarrierAligner: which channels block, when a checkpoint triggers, aborts and stale barriers, in both modes.
import { describe, expect, it } from 'vitest';
import { BarrierAligner } from '../../runtime/task/barrier-aligner';

/** The channels the aligner currently blocks. */
function blocked(a: BarrierAligner): number[] {
  const out: number[] = [];
  for (let c = 0; c < a.channels; c++) if (a.isBlocked(c)) out.push(c);
  return out;
}

describe('BarrierAligner EXACTLY_ONCE', () => {
  it('blocks exactly the channels that delivered barrier n and triggers when the last one arrives', () => {
    const a = new BarrierAligner(3, 'EXACTLY_ONCE');
    expect(blocked(a)).toEqual([]);
    expect(a.onBarrier(1, 7, 100)).toEqual({});
    expect(blocked(a)).toEqual([1]);
    expect(a.alignmentStart).toBe(100);
    expect(a.onBarrier(0, 7, 105)).toEqual({});
    expect(blocked(a)).toEqual([0, 1]);
    expect(a.alignmentStart).toBe(100);
    expect(a.onBarrier(2, 7, 110)).toEqual({ trigger: 7 });
    expect(blocked(a)).toEqual([]);
  });

  it('counts ended channels as arrived, whether they end before or during the alignment', () => {
    const before = new BarrierAligner(3, 'EXACTLY_ONCE');
    expect(before.onEnd(2)).toEqual({});
    expect(before.onBarrier(0, 1, 0)).toEqual({});
    expect(blocked(before)).toEqual([0]);
    expect(before.onBarrier(1, 1, 0)).toEqual({ trigger: 1 });

    const during = new BarrierAligner(3, 'EXACTLY_ONCE');
    expect(during.onBarrier(0, 1, 0)).toEqual({});
    expect(during.onBarrier(1, 1, 0)).toEqual({});
    expect(blocked(during)).toEqual([0, 1]);
    expect(during.onEnd(2)).toEqual({ trigger: 1 });
    expect(blocked(during)).toEqual([]);
  });

  it('aligns checkpoints in sequence, each separately', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    expect(a.onBarrier(0, 1, 0)).toEqual({});
    expect(blocked(a)).toEqual([0]);
    expect(a.onBarrier(1, 1, 0)).toEqual({ trigger: 1 });
    // Checkpoint 2 arrives first on the other channel this time.
    expect(a.onBarrier(1, 2, 10)).toEqual({});
    expect(blocked(a)).toEqual([1]);
    expect(a.alignmentStart).toBe(10);
    expect(a.onBarrier(0, 2, 12)).toEqual({ trigger: 2 });
    expect(blocked(a)).toEqual([]);
    expect(a.onBarrier(0, 3, 20)).toEqual({});
    expect(a.onBarrier(1, 3, 20)).toEqual({ trigger: 3 });
  });

  it('lets a newer barrier abort an older unfinished alignment and reports it', () => {
    const a = new BarrierAligner(3, 'EXACTLY_ONCE');
    expect(a.onBarrier(0, 1, 0)).toEqual({});
    expect(a.onBarrier(1, 1, 0)).toEqual({});
    expect(a.onBarrier(2, 2, 5)).toEqual({ aborted: [1] });
    // Only the channel that delivered barrier 2 stays blocked; the others were released with checkpoint 1.
    expect(blocked(a)).toEqual([2]);
    expect(a.alignmentStart).toBe(5);
    expect(a.onBarrier(0, 2, 6)).toEqual({});
    expect(blocked(a)).toEqual([0, 2]);
    expect(a.onBarrier(1, 2, 7)).toEqual({ trigger: 2 });
    expect(blocked(a)).toEqual([]);
  });

  it('ignores a late barrier of an aborted checkpoint while a newer one aligns', () => {
    const a = new BarrierAligner(3, 'EXACTLY_ONCE');
    expect(a.onBarrier(0, 1, 0)).toEqual({});
    expect(a.onBarrier(1, 2, 0)).toEqual({ aborted: [1] });
    // Channel 2 is behind: its barrier 1 is not barrier 2, so it must neither block it nor count for 2.
    expect(a.onBarrier(2, 1, 0)).toEqual({});
    expect(blocked(a)).toEqual([1]);
    expect(a.onBarrier(0, 2, 0)).toEqual({});
    expect(blocked(a)).toEqual([0, 1]);
    expect(a.onBarrier(2, 2, 0)).toEqual({ trigger: 2 });
  });

  it('unblocks on abort(id), ignores that checkpoint’s late barriers, and aligns the next one normally', () => {
    const a = new BarrierAligner(3, 'EXACTLY_ONCE');
    a.onBarrier(0, 1, 0);
    a.onBarrier(1, 1, 0);
    expect(blocked(a)).toEqual([0, 1]);
    a.abort(1);
    expect(blocked(a)).toEqual([]);
    // The coordinator gave checkpoint 1 up: channel 2's barrier 1, still in flight, must not block it again.
    expect(a.onBarrier(2, 1, 0)).toEqual({});
    expect(blocked(a)).toEqual([]);
    expect(a.onBarrier(2, 2, 0)).toEqual({});
    expect(a.onBarrier(0, 2, 0)).toEqual({});
    expect(blocked(a)).toEqual([0, 2]);
    expect(a.onBarrier(1, 2, 0)).toEqual({ trigger: 2 });
  });

  it('aborting another checkpoint leaves the current alignment alone', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    a.onBarrier(0, 3, 0);
    a.abort(2);
    expect(blocked(a)).toEqual([0]);
    expect(a.onBarrier(1, 3, 0)).toEqual({ trigger: 3 });
  });

  it('ignores stale barriers (at or below the last triggered checkpoint)', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    a.onBarrier(0, 5, 0);
    expect(a.onBarrier(1, 5, 0)).toEqual({ trigger: 5 });
    expect(a.onBarrier(0, 5, 0)).toEqual({});
    expect(a.onBarrier(1, 4, 0)).toEqual({});
    expect(blocked(a)).toEqual([]);
    expect(a.onBarrier(1, 6, 0)).toEqual({});
    expect(blocked(a)).toEqual([1]);
  });

  it('with one channel, triggers on every barrier without blocking', () => {
    const a = new BarrierAligner(1, 'EXACTLY_ONCE');
    expect(a.onBarrier(0, 1, 0)).toEqual({ trigger: 1 });
    expect(a.onBarrier(0, 2, 0)).toEqual({ trigger: 2 });
    expect(blocked(a)).toEqual([]);
  });
});

describe('BarrierAligner AT_LEAST_ONCE', () => {
  it('never blocks and triggers when the last barrier n arrives', () => {
    const a = new BarrierAligner(3, 'AT_LEAST_ONCE');
    expect(a.onBarrier(2, 1, 50)).toEqual({});
    expect(blocked(a)).toEqual([]);
    expect(a.alignmentStart).toBe(50);
    expect(a.onBarrier(0, 1, 60)).toEqual({});
    expect(blocked(a)).toEqual([]);
    expect(a.onBarrier(1, 1, 70)).toEqual({ trigger: 1 });
    expect(blocked(a)).toEqual([]);
  });

  it('tracks overlapping checkpoints: a fast channel may deliver n+1 before a slow one delivers n', () => {
    const a = new BarrierAligner(2, 'AT_LEAST_ONCE');
    expect(a.onBarrier(0, 1, 0)).toEqual({});
    expect(a.onBarrier(0, 2, 0)).toEqual({});
    expect(a.onBarrier(1, 1, 0)).toEqual({ trigger: 1 });
    expect(a.onBarrier(1, 2, 0)).toEqual({ trigger: 2 });
    expect(blocked(a)).toEqual([]);
  });

  it('counts ended channels as arrived', () => {
    const a = new BarrierAligner(3, 'AT_LEAST_ONCE');
    expect(a.onBarrier(0, 1, 0)).toEqual({});
    expect(a.onBarrier(1, 1, 0)).toEqual({});
    expect(a.onEnd(2)).toEqual({ trigger: 1 });
    expect(a.onBarrier(0, 2, 0)).toEqual({});
    expect(a.onBarrier(1, 2, 0)).toEqual({ trigger: 2 });
  });

  it('ignores stale barriers', () => {
    const a = new BarrierAligner(2, 'AT_LEAST_ONCE');
    a.onBarrier(0, 3, 0);
    expect(a.onBarrier(1, 3, 0)).toEqual({ trigger: 3 });
    expect(a.onBarrier(0, 3, 0)).toEqual({});
    expect(a.onBarrier(1, 2, 0)).toEqual({});
    expect(a.onBarrier(0, 4, 0)).toEqual({});
    expect(a.onBarrier(1, 4, 0)).toEqual({ trigger: 4 });
  });

  it('after abort(id), late barriers of that checkpoint do not hold back later checkpoints', () => {
    const a = new BarrierAligner(2, 'AT_LEAST_ONCE');
    expect(a.onBarrier(0, 1, 0)).toEqual({});
    a.abort(1);
    // Channel 1's barrier 1 was still in flight; channel 0 will never deliver barrier 1 again.
    expect(a.onBarrier(1, 1, 0)).toEqual({});
    expect(a.onBarrier(0, 2, 0)).toEqual({});
    expect(a.onBarrier(1, 2, 0)).toEqual({ trigger: 2 });
  });
});
