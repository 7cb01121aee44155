import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, NO_EVENT } from './event-queue.js';

type Op = { op: 'push'; time: number } | { op: 'pop' } | { op: 'cancel'; pick: number };

interface Ref {
  time: number;
  seq: number;
  id: number;
  payload: number;
}

/** Times from a small set, so ties are frequent and tie-breaking is really exercised. */
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.integer({ min: 0, max: 12 }).map((t) => ({ op: 'push' as const, time: t / 4 })),
  },
  { weight: 3, arbitrary: fc.constant({ op: 'pop' as const }) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ op: 'cancel' as const, pick })) },
);

describe('EventQueue', () => {
  it('pops in (time, insertion) order under random pushes, pops and cancels', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (ops, capacity) => {
        const q = new EventQueue(capacity);
        const pending: Ref[] = [];
        const fired: number[] = [];
        let seq = 0;
        for (const o of ops) {
          if (o.op === 'push') {
            const payload = seq;
            const id = q.push(o.time, 1, 2, payload, 0, 0, 0);
            pending.push({ time: o.time, seq: seq++, id, payload });
          } else if (o.op === 'pop') {
            const slot = q.pop();
            if (pending.length === 0) {
              expect(slot).toBe(-1);
              continue;
            }
            pending.sort((x, y) => x.time - y.time || x.seq - y.seq);
            const expected = pending.shift()!;
            expect(q.timeOf(slot)).toBe(expected.time);
            expect(q.aOf(slot)).toBe(expected.payload);
            expect(q.isPending(expected.id)).toBe(false);
            fired.push(expected.id);
          } else {
            if (fired.length > 0 && o.pick % 3 === 0) {
              // A stale handle (already fired) must not cancel whatever reuses its slot.
              expect(q.cancel(fired[o.pick % fired.length])).toBe(false);
            } else if (pending.length > 0) {
              const [victim] = pending.splice(o.pick % pending.length, 1);
              expect(q.cancel(victim.id)).toBe(true);
              expect(q.cancel(victim.id)).toBe(false);
            }
          }
          expect(q.size).toBe(pending.length);
        }
        // Drain: the rest comes out sorted too.
        pending.sort((x, y) => x.time - y.time || x.seq - y.seq);
        for (const expected of pending) {
          const slot = q.pop();
          expect([q.timeOf(slot), q.aOf(slot)]).toEqual([expected.time, expected.payload]);
        }
        expect(q.pop()).toBe(-1);
        expect(q.peekTime()).toBe(Infinity);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every field of an event through growth', () => {
    const q = new EventQueue(1);
    for (let i = 0; i < 1000; i++) q.push(1000 - i, i % 7, i, i + 0.5, -i, i * 2, i * 3);
    expect(q.capacity).toBe(1024);
    for (let i = 999; i >= 0; i--) {
      const slot = q.pop();
      expect([
        q.timeOf(slot),
        q.kindOf(slot),
        q.targetOf(slot),
        q.aOf(slot),
        q.bOf(slot),
        q.cOf(slot),
        q.dOf(slot),
      ]).toEqual([1000 - i, i % 7, i, i + 0.5, -i, i * 2, i * 3]);
    }
  });

  it('clear keeps the storage, restarts sequence numbers and invalidates old handles', () => {
    const q = new EventQueue(4);
    const ids = [q.push(1, 0, 0, 0, 0, 0, 0), q.push(1, 0, 0, 1, 0, 0, 0), q.push(2, 0, 0, 2, 0, 0, 0)];
    q.clear();
    expect(q.size).toBe(0);
    expect(q.capacity).toBe(4);
    const fresh = q.push(5, 0, 0, 9, 0, 0, 0);
    for (const id of ids) expect(q.cancel(id)).toBe(false);
    expect(q.isPending(fresh)).toBe(true);
    expect(q.seqOf(q.pop())).toBe(0);
  });

  it('ignores handles it never issued', () => {
    const q = new EventQueue();
    q.push(1, 0, 0, 0, 0, 0, 0);
    for (const bad of [NO_EVENT, 1.5, 2 ** 60, NaN, 12345]) expect(q.cancel(bad)).toBe(false);
    expect(q.size).toBe(1);
  });
});
