import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Clocks } from '../../sim/clock.js';
import { LwwRegister, lwwCompare, lwwStamp, lwwWins, type LwwStamp } from './lww.js';

const stamp: fc.Arbitrary<LwwStamp> = fc.record({
  timestamp: fc.integer({ min: 0, max: 5 }),
  writer: fc.integer({ min: 0, max: 3 }),
});

describe('last-write-wins', () => {
  it('orders stamps totally: by timestamp, ties by writer', () => {
    expect(lwwWins({ timestamp: 10, writer: 0 }, { timestamp: 9, writer: 5 })).toBe(true);
    expect(lwwWins({ timestamp: 10, writer: 0 }, { timestamp: 10, writer: 5 })).toBe(false);
    expect(lwwWins({ timestamp: 10, writer: 5 }, { timestamp: 10, writer: 0 })).toBe(true);
    expect(lwwWins({ timestamp: 10, writer: 5 }, { timestamp: 10, writer: 5 })).toBe(false);
    fc.assert(
      fc.property(stamp, stamp, stamp, (a, b, c) => {
        expect(lwwCompare(a, b)).toBe(-lwwCompare(b, a) || 0);
        expect(lwwCompare(a, b) === 0).toBe(a.timestamp === b.timestamp && a.writer === b.writer);
        if (lwwWins(a, b) && lwwWins(b, c)) expect(lwwWins(a, c)).toBe(true);
        expect(lwwWins(a, b) || lwwWins(b, a) || lwwCompare(a, b) === 0).toBe(true);
      }),
    );
  });

  it('breaks ties of timestamp and writer by the write id, when stamps carry one', () => {
    expect(lwwWins({ timestamp: 10, writer: 1, write: 7 }, { timestamp: 10, writer: 1, write: 3 })).toBe(
      true,
    );
    expect(lwwWins({ timestamp: 10, writer: 1, write: 3 }, { timestamp: 10, writer: 1 })).toBe(true);
    expect(lwwWins({ timestamp: 10, writer: 0, write: 9 }, { timestamp: 10, writer: 1, write: 0 })).toBe(
      false,
    );
    expect(lwwCompare({ timestamp: 1, writer: 1, write: 0 }, { timestamp: 1, writer: 1 })).toBe(0);
  });

  it('converges whatever order replicas receive the writes in', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(stamp, { selector: (s) => `${s.timestamp}/${s.writer}`, minLength: 1 }),
        fc.nat(),
        (stamps, rot) => {
          const forward = new LwwRegister<number>();
          const shuffled = new LwwRegister<number>();
          stamps.forEach((s, i) => forward.set(i, s));
          const order = stamps.map((_, i) => (i + rot) % stamps.length).reverse();
          for (const i of order) shuffled.set(i, stamps[i]);
          expect(shuffled.value).toBe(forward.value);
          const best = stamps.reduce((m, s) => (lwwWins(s, m) ? s : m));
          expect(forward.stamp).toEqual(best);
        },
      ),
    );
  });

  it("stamps writes with the accepting node's local clock", () => {
    const clocks = new Clocks(2);
    clocks.set(1, 20, 1e-4);
    expect(lwwStamp(clocks, 1, 1000)).toEqual({ timestamp: clocks.local(1, 1000), writer: 1 });
    expect(lwwStamp(clocks, 0, 1000, 77)).toEqual({ timestamp: 1000, writer: 77 });
  });

  it('loses a later acknowledged write to an earlier one when clocks are skewed', () => {
    // Node 0's clock is 50 ms ahead, node 1's is exact. Client A writes through node 0 at true
    // time 10 ms and is acknowledged; client B writes through node 1 at true time 30 ms, after A's
    // ack, and is acknowledged too. A's stamp (60) beats B's (30): once the replicas exchange the
    // writes, both keep A's value, and B's acknowledged write is lost although it came last.
    const clocks = new Clocks(2);
    clocks.set(0, 50);
    const replicas = [new LwwRegister<string>(), new LwwRegister<string>()];
    const a = lwwStamp(clocks, 0, 10);
    const b = lwwStamp(clocks, 1, 30);
    expect(a.timestamp).toBe(60);
    expect(b.timestamp).toBe(30);
    expect(replicas[0].set('A', a)).toBe(true); // acknowledged at node 0
    expect(replicas[1].set('B', b)).toBe(true); // acknowledged at node 1, later in true time
    replicas[0].merge(replicas[1]);
    replicas[1].merge(replicas[0]);
    expect(replicas.map((r) => r.value)).toEqual(['A', 'A']);
    // With perfect clocks the later write wins.
    clocks.reset();
    const fair = new LwwRegister<string>();
    fair.set('A', lwwStamp(clocks, 0, 10));
    fair.set('B', lwwStamp(clocks, 1, 30));
    expect(fair.value).toBe('B');
  });

  it('loses later writes to drift alone: a slow clock falls behind over time', () => {
    // Node 1 runs 1% slow: at true time t its clock reads 0.99 t. A write at node 0 at true time
    // 1000 (stamp 1000) beats one at node 1 up to true time 1010.1 ms.
    const clocks = new Clocks(2);
    clocks.set(1, 0, -0.01);
    const reg = new LwwRegister<string>();
    reg.set('early', lwwStamp(clocks, 0, 1000));
    expect(reg.set('later', lwwStamp(clocks, 1, 1010))).toBe(false);
    expect(reg.set('much later', lwwStamp(clocks, 1, 1011))).toBe(true);
  });
});
