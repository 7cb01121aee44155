import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveStream } from '../random/index.js';
import type { History, ReadRecord, WriteRecord } from './history.js';
import { consistentPrefix } from './consistent-prefix.js';
import { linearizableRegisterHistory } from './linearizable.testkit.js';
import { timestampOrder } from './version-order.js';

function w(id: number, client: number, key: number, invokeMs: number, ackMs: number): WriteRecord {
  return { id, client, session: client, key, invokeMs, ackMs, timestamp: id };
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
const history = (writes: WriteRecord[], reads: ReadRecord[]): History => ({
  writes,
  reads,
  finalState: new Map(),
});

describe('consistentPrefix', () => {
  // Mr. Poons asks (w1, key 0); Mrs. Cake answers (w2, key 1), having read the question.
  const writes = [w(1, 1, 0, 0, 1), w(2, 2, 1, 5, 6), w(3, 1, 0, 10, 11)];
  const deps = new Map([[2, [1]]]);

  it('flags a client that saw the answer and then found no question', () => {
    const h = history(writes, [
      r(9, 1, 7, 8, [2]), // the answer
      r(9, 0, 9, 9.5, []), // no question: violation
      r(9, 0, 12, 13, [1]), // the question: fine
      r(9, 0, 14, 15, [3]), // a newer version of the question's key reflects it: fine
      r(8, 0, 9, 10, []), // another client, which never saw the answer: not eligible
    ]);
    expect(consistentPrefix(h, deps, timestampOrder)).toEqual({ violations: { count: 1, of: 3 }, reads: 5 });
  });

  it('reads concurrent with the one that saw the answer are not judged by it; the question first is fine', () => {
    const h = history(writes, [
      r(9, 1, 7, 10, [2]),
      r(9, 0, 8, 9, []), // started before the answer was returned: concurrent, not eligible
      r(7, 0, 6, 6.5, [1]), // question first, then the answer: nothing required afterwards is missing
      r(7, 1, 7, 8, [2]),
      r(7, 0, 9, 9.5, [1]),
    ]);
    expect(consistentPrefix(h, deps, timestampOrder).violations).toEqual({ count: 0, of: 1 });
  });

  it('follows dependencies transitively and scopes to sessions on request', () => {
    const ws = [...writes, w(4, 3, 2, 7, 8)];
    const chain = new Map([
      [2, [1]],
      [4, [2]],
    ]); // w4 (key 2) answers w2, which answers w1
    const h = history(ws, [r(9, 2, 9, 10, [4], 100), r(9, 0, 11, 12, [], 101)]);
    expect(consistentPrefix(h, chain, timestampOrder).violations).toEqual({ count: 1, of: 1 });
    expect(consistentPrefix(h, chain, timestampOrder, { scope: 'session' }).violations).toEqual({
      count: 0,
      of: 0,
    });
    expect(() => consistentPrefix(h, new Map([[4, [99]]]), timestampOrder)).toThrow(/unknown write 99/);
  });

  it('finds no violation in linearizable histories whose writes depend on writes acknowledged before them (fast-check)', () => {
    let eligible = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        (seed, clients, keys) => {
          const h = linearizableRegisterHistory(deriveStream(seed, 0, 0), {
            clients,
            keys,
            operations: 300,
            writeRatio: 0.4,
            failRatio: 0,
          });
          const rng = deriveStream(seed, 1, 0);
          const dependsOn = new Map<number, number[]>();
          for (const b of h.writes) {
            const earlier = h.writes.filter((a) => a.ackMs !== null && a.ackMs < b.invokeMs);
            if (earlier.length > 0) dependsOn.set(b.id, [earlier[rng.nextInt(earlier.length)].id]);
          }
          const s = consistentPrefix(h, dependsOn, timestampOrder);
          expect(s.violations.count).toBe(0);
          eligible += s.violations.of;
        },
      ),
      { numRuns: 100 },
    );
    expect(eligible).toBeGreaterThan(1000);
  });
});
