import { describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { HistoryRecorder, type History, type ReadRecord, type WriteRecord } from './history.js';
import { timestampOrder, vectorOrder } from './version-order.js';
import { staleReads, kStaleness } from './stale-reads.js';
import { readYourWrites } from './read-your-writes.js';
import { monotonicReads } from './monotonic-reads.js';
import { lostWrites } from './lost-writes.js';
import { siblingsPerRead } from './siblings.js';
import { proportion, proportions, addCounts } from './count.js';

/** A write: id, client, key, invoke, ack (null: failed), timestamp (defaults to the id). */
function w(
  id: number,
  client: number,
  key: number,
  invokeMs: number,
  ackMs: number | null,
  timestamp = id,
  vector?: number[],
): WriteRecord {
  return { id, client, session: client, key, invokeMs, ackMs, timestamp, vector };
}
function r(
  client: number,
  key: number,
  invokeMs: number,
  returnMs: number,
  returned: number[],
  session = client,
): ReadRecord {
  return { client, session, key, invokeMs, returnMs, returned };
}
function history(writes: WriteRecord[], reads: ReadRecord[], final: [number, number[]][] = []): History {
  return { writes, reads, finalState: new Map(final) };
}

describe('staleReads', () => {
  const writes = [w(1, 1, 0, 0, 5), w(2, 1, 0, 6, 10)];

  it('counts reads that miss the latest committed write, with versions behind and age', () => {
    const h = history(writes, [
      r(2, 0, 12, 13, [1]), // stale: w2 committed at 10; 1 version behind; superseded 2 ms before
      r(2, 0, 12, 13, [2]), // fresh
      r(2, 0, 8, 9, [1]), // fresh: w2 not yet acknowledged
      r(2, 0, 0, 1, []), // fresh: nothing committed
      r(2, 0, 20, 21, []), // stale: 2 behind, initial value superseded since 5 ms
    ]);
    const s = staleReads(h, timestampOrder);
    expect(s.stale).toEqual({ count: 2, of: 5 });
    expect(s.versionsBehind).toEqual([3, 1, 1]);
    expect(s.ageMs.total).toBe(2);
    expect(s.ageMs.min).toBeCloseTo(2, 2);
    expect(s.ageMs.max).toBeCloseTo(15, 1);
    expect(kStaleness(s, 1)).toEqual({ count: 3, of: 5 });
    expect(kStaleness(s, 2)).toEqual({ count: 4, of: 5 });
    expect(kStaleness(s, 3)).toEqual({ count: 5, of: 5 });
  });

  it('a read concurrent with a write may return either value; an ack at the read start is concurrent', () => {
    const h = history(
      [w(1, 1, 0, 1, 10)],
      [
        r(2, 0, 5, 11, []), // write in flight: the old value is fine
        r(2, 0, 5, 11, [1]), // so is the new one
        r(2, 0, 10, 11, []), // acknowledged at the same instant: still concurrent
        r(2, 0, 10.001, 11, []), // acknowledged before: stale
      ],
    );
    expect(staleReads(h, timestampOrder).stale).toEqual({ count: 1, of: 4 });
  });

  it('a failed write that is later read counts as newer than what it supersedes', () => {
    const h = history([w(1, 1, 0, 0, 1), w(2, 1, 0, 2, null)], [r(2, 0, 10, 11, [2]), r(2, 0, 10, 11, [1])]);
    // Reading the failed write is not stale (it is newer than the committed w1); nor is reading w1:
    // the failed write was never committed.
    expect(staleReads(h, timestampOrder).stale).toEqual({ count: 0, of: 2 });
  });

  it('judges sibling reads by causal dominance with version vectors', () => {
    const ws = [w(1, 1, 0, 0, 5, 0, [1, 0]), w(2, 2, 0, 0, 5, 0, [0, 1]), w(3, 1, 0, 15, 20, 0, [1, 1])];
    const h = history(ws, [
      r(3, 0, 10, 11, [1, 2]), // both concurrent writes: fresh
      r(3, 0, 10, 11, [1]), // misses w2: stale, 1 behind
      r(3, 0, 25, 26, [3]), // w3 dominates both: fresh
      r(3, 0, 25, 26, [1, 2]), // misses w3: 1 behind
      r(3, 0, 25, 26, []), // misses all three
    ]);
    const s = staleReads(h, vectorOrder);
    expect(s.stale).toEqual({ count: 3, of: 5 });
    expect(s.versionsBehind).toEqual([2, 2, 0, 1]);
    expect(siblingsPerRead(h)).toEqual({
      counts: [1, 2, 2],
      withSiblings: { count: 2, of: 5 },
      mean: 1.2,
      max: 2,
    });
  });

  it('refuses unknown or foreign write ids and a bad k', () => {
    expect(() => staleReads(history(writes, [r(1, 0, 1, 2, [9])]), timestampOrder)).toThrow(
      /unknown write 9/,
    );
    expect(() => staleReads(history(writes, [r(1, 5, 1, 2, [1])]), timestampOrder)).toThrow(/of key 0/);
    const s = staleReads(history(writes, []), timestampOrder);
    expect(() => kStaleness(s, 0)).toThrow(ParameterError);
    expect(() => kStaleness(s, 0)).toThrow('k: got 0; allowed: a whole number >= 1');
  });
});

describe('readYourWrites', () => {
  it('flags a client reading a version older than its own last acknowledged write', () => {
    const h = history(
      [w(1, 1, 0, 0, 5), w(2, 2, 0, 6, 8)],
      [
        r(1, 0, 6, 7, []), // violation: own w1 acknowledged at 5
        r(1, 0, 6, 7, [1]), // fine
        r(1, 0, 9, 10, [2]), // fine: w2 (another client's) is newer
        r(1, 0, 4, 7, []), // not eligible: own write not yet acknowledged
        r(2, 0, 7, 7.5, []), // not eligible: client 2's write not acknowledged yet
        r(2, 0, 9, 10, [1]), // violation: client 2's w2 acknowledged at 8
        r(3, 0, 9, 10, []), // not eligible: client 3 never wrote
        r(1, 1, 9, 10, []), // not eligible: another key
      ],
    );
    expect(readYourWrites(h, timestampOrder)).toEqual({ violations: { count: 2, of: 4 }, reads: 8 });
  });

  it('scopes to sessions on request', () => {
    const ws = [{ ...w(1, 1, 0, 0, 5), session: 10 }];
    const h = history(ws, [r(1, 0, 6, 7, [], 11), r(1, 0, 6, 7, [], 10)]);
    expect(readYourWrites(h, timestampOrder).violations).toEqual({ count: 2, of: 2 });
    expect(readYourWrites(h, timestampOrder, { scope: 'session' }).violations).toEqual({ count: 1, of: 1 });
    expect(() => readYourWrites(h, timestampOrder, { scope: 'user' as 'client' })).toThrow(ParameterError);
  });

  it('under LWW with a skewed clock, a higher-timestamped older write counts as newer', () => {
    // Client 1 writes ts 100 at [0, 5]; client 2 writes ts 50 at [10, 15], then reads w1 back:
    // by the store's order w1 is newer, so this is no RYW violation (the loss shows in lostWrites).
    const h = history([w(1, 1, 0, 0, 5, 100), w(2, 2, 0, 10, 15, 50)], [r(2, 0, 20, 21, [1])], [[0, [1]]]);
    expect(readYourWrites(h, timestampOrder).violations).toEqual({ count: 0, of: 1 });
  });
});

describe('monotonicReads', () => {
  it('flags a read older than one the same client got before', () => {
    const h = history(
      [w(1, 9, 0, 0, 1), w(2, 9, 0, 2, 3)],
      [
        r(1, 0, 5, 10, [2]),
        r(1, 0, 9, 12, [1]), // concurrent with the first read (started before it returned): not checked against it
        r(1, 0, 11, 13, [1]), // violation: older than w2, seen at 10
        r(1, 0, 14, 15, []), // violation: the initial value
        r(1, 0, 16, 17, [2]), // fine
        r(2, 0, 14, 15, [1]), // another client: its first read
      ],
    );
    expect(monotonicReads(h, timestampOrder)).toEqual({ violations: { count: 2, of: 3 }, reads: 6 });
  });

  it('with siblings: a later read must still cover every version seen before', () => {
    const ws = [w(1, 8, 0, 0, 1, 0, [1, 0]), w(2, 9, 0, 0, 1, 0, [0, 1]), w(3, 8, 0, 2, 3, 0, [2, 1])];
    const h = history(ws, [
      r(1, 0, 5, 6, [1, 2]),
      r(1, 0, 7, 8, [1]), // lost sight of w2: violation
      r(1, 0, 9, 10, [3]), // covers both: fine
      r(1, 0, 11, 12, [1, 2]), // older than w3: violation
    ]);
    expect(monotonicReads(h, vectorOrder).violations).toEqual({ count: 2, of: 3 });
  });
});

describe('lostWrites', () => {
  it('LWW overwrite by a skewed clock loses an acknowledged write', () => {
    const h = history([w(1, 1, 0, 0, 5, 100), w(2, 2, 0, 10, 15, 50)], [], [[0, [1]]]);
    const l = lostWrites(h, timestampOrder);
    expect(l.lost).toEqual({ count: 1, of: 2 });
    expect(l.overwritten).toEqual({ count: 1, of: 2 });
    expect(l.discarded).toEqual({ count: 0, of: 2 });
  });

  it('sequential overwrites are not lost; concurrent ones are reported apart', () => {
    const h = history(
      [w(1, 1, 0, 0, 5), w(2, 2, 0, 6, 8), w(3, 1, 1, 0, 10, 1), w(4, 2, 1, 5, 8, 2)],
      [],
      [
        [0, [2]],
        [1, [4]],
      ],
    );
    const l = lostWrites(h, timestampOrder);
    expect(l.lost).toEqual({ count: 0, of: 4 });
    expect(l.droppedConcurrent).toEqual({ count: 1, of: 4 }); // w3, overlapping the surviving w4
  });

  it('a rollback discards acknowledged writes; a key with no survivor loses them all', () => {
    const h = history(
      [w(1, 1, 0, 0, 1), w(2, 1, 0, 2, 3), w(3, 1, 0, 4, 5), w(4, 1, 1, 0, 1), w(5, 1, 1, 2, 3)],
      [],
      [[0, [1]]],
    );
    const l = lostWrites(h, timestampOrder);
    expect(l.discarded).toEqual({ count: 4, of: 5 }); // w2, w3 rolled back to w1; w4, w5 gone
    expect(l.lost).toEqual({ count: 4, of: 5 });
  });

  it('counts unacknowledged writes that survive separately', () => {
    const h = history([w(1, 1, 0, 0, 1), w(2, 1, 0, 2, null), w(3, 1, 1, 0, null)], [], [[0, [2]]]);
    const l = lostWrites(h, timestampOrder);
    expect(l.lost).toEqual({ count: 0, of: 1 }); // w1 was superseded by w2, which began after it
    expect(l.unacknowledgedSurviving).toEqual({ count: 1, of: 2 });
  });

  it('siblings survive side by side: none lost', () => {
    const ws = [w(1, 1, 0, 0, 5, 0, [1, 0]), w(2, 2, 0, 0, 5, 0, [0, 1])];
    expect(lostWrites(history(ws, [], [[0, [1, 2]]]), vectorOrder).lost).toEqual({ count: 0, of: 2 });
  });
});

describe('counts and the recorder', () => {
  it('turns counts into proportions with Wilson intervals', () => {
    const e = proportion({ count: 940, of: 1000 });
    expect(e.p).toBe(0.94);
    expect(e.low).toBeCloseTo(0.92353, 5); // Wilson score, z = 1.96: 0.923529...
    const all = proportions(lostWrites(history([w(1, 1, 0, 0, 1)], [], [[0, [1]]]), timestampOrder));
    expect(Object.keys(all).sort()).toEqual([
      'discarded',
      'droppedConcurrent',
      'lost',
      'overwritten',
      'unacknowledgedSurviving',
    ]);
    expect(all.lost).toMatchObject({ count: 0, of: 1, p: 0, low: 0 });
    expect(Number.isNaN(all.unacknowledgedSurviving.p)).toBe(true);
    expect(addCounts({ count: 1, of: 10 }, { count: 2, of: 5 })).toEqual({ count: 3, of: 15 });
  });

  it('HistoryRecorder builds the same history as the literal', () => {
    const rec = new HistoryRecorder();
    rec.write({ id: 1, client: 1, session: 1, key: 0, invokeMs: 0 });
    rec.version(1, { timestamp: 1 });
    rec.ack(1, 5);
    rec.write({ id: 2, client: 1, session: 1, key: 0, invokeMs: 6, timestamp: 2 });
    rec.read(r(2, 0, 7, 8, [1]));
    rec.final(0, [2]);
    expect(rec.history()).toEqual(
      history([w(1, 1, 0, 0, 5, 1), w(2, 1, 0, 6, null, 2)], [r(2, 0, 7, 8, [1])], [[0, [2]]]),
    );
    expect(() => rec.write({ id: 1, client: 1, session: 1, key: 0, invokeMs: 9 })).toThrow(/twice/);
    expect(() => rec.ack(99, 1)).toThrow(/unknown/);
  });

  it('HistoryRecorder finds writes by any id: out of order, far apart, negative, fractional', () => {
    const rec = new HistoryRecorder();
    const ids = [5, 0, 200_000, 3, -4, 0.5, 70_000, 1e12];
    ids.forEach((id, i) => rec.write({ id, client: 1, session: 1, key: 0, invokeMs: i }));
    ids.forEach((id, i) => rec.ack(id, 100 + i));
    expect(rec.history().writes.map((x) => [x.id, x.ackMs])).toEqual(ids.map((id, i) => [id, 100 + i]));
    for (const id of ids)
      expect(() => rec.write({ id, client: 1, session: 1, key: 0, invokeMs: 9 })).toThrow(/twice/);
    for (const id of [1, 2, 4, 69_999, 200_001, -1, 1e12 + 1])
      expect(() => rec.ack(id, 1)).toThrow(/unknown/);
    // An id first stored in the map (far ahead) stays found once the array grows past it.
    for (let id = 6; id < 270_000; id += 1000) rec.write({ id, client: 1, session: 1, key: 0, invokeMs: 0 });
    expect(() => rec.write({ id: 200_000, client: 1, session: 1, key: 0, invokeMs: 9 })).toThrow(/twice/);
    rec.ack(200_000, 1);
    expect(rec.history().writes[2].ackMs).toBe(1);
  });
});
