import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HintLedger } from './hints.js';

describe('HintLedger', () => {
  it('stores, merges, hands off and loses hints by (holder, home, key)', () => {
    const ledger = new HintLedger<number>(5, 10);
    const a = ledger.store(3, 1, 7, () => 0);
    const again = ledger.store(3, 1, 7, () => 99);
    expect(again).toBe(a); // merged into the same store, init not called again
    expect(a.data).toBe(0);
    const b = ledger.store(4, 1, 7, () => 0);
    expect(b.id).not.toBe(a.id);
    expect(ledger.counts).toEqual({ stored: 3, handedOff: 0, lost: 0, held: 3 });
    expect(ledger.acknowledge(a.id, a.mutations - 1)).toBe(false); // a write arrived after the copy
    expect(ledger.acknowledge(a.id, a.mutations)).toBe(true);
    expect(ledger.get(3, 1, 7)).toBeUndefined();
    expect(ledger.crash(4)).toBe(1);
    expect(ledger.counts).toEqual({ stored: 3, handedOff: 2, lost: 1, held: 0 });
    const c = ledger.store(3, 1, 7, () => 0);
    expect(c.id).toBeGreaterThan(b.id); // ids are never reused
    expect(ledger.acknowledge(a.id, a.mutations)).toBe(false); // a late ack for a deleted store
  });

  it('conserves hints: stored = handed off + lost + held (property)', () => {
    const action = fc.oneof(
      fc.record({ t: fc.constant('store' as const), holder: fc.nat(3), home: fc.nat(3), key: fc.nat(4) }),
      fc.record({ t: fc.constant('crash' as const), holder: fc.nat(3) }),
      fc.record({ t: fc.constant('ack' as const), pick: fc.nat(20), stale: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 60 }), (actions) => {
        const ledger = new HintLedger<null>(4, 5);
        for (const a of actions) {
          if (a.t === 'store') ledger.store(a.holder, a.home, a.key, () => null);
          else if (a.t === 'crash') ledger.crash(a.holder);
          else {
            const stores = ledger.stores();
            if (stores.length > 0) {
              const s = stores[a.pick % stores.length];
              ledger.acknowledge(s.id, s.mutations - (a.stale ? 1 : 0));
            }
          }
          const c = ledger.counts;
          expect(c.stored).toBe(c.handedOff + c.lost + c.held);
          expect(c.held).toBe(ledger.stores().reduce((sum, s) => sum + s.hints, 0));
        }
      }),
    );
  });
});
