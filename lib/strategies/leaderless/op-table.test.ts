import { describe, expect, it } from 'vitest';
import { OpTable } from './op-table.js';

describe('OpTable', () => {
  it('gives a slot back once the operation is done and no event names it, and reuses it', () => {
    const t = new OpTable(3, 2);
    const a = t.alloc();
    t.hold(a); // its issue event
    t.hold(a); // a message
    t.key[a] = 7;
    t.readBestWid[a] = 4;
    t.release(a); // the issue was handled, the operation still open
    t.done[a] = 1;
    expect(t.live).toBe(1);
    t.release(a); // the message arrived
    expect(t.live).toBe(0);
    const b = t.alloc();
    expect(b).toBe(a);
    expect([t.done[b], t.readBestWid[b], t.refs[b], t.count[b]]).toEqual([0, -1, 0, 0]);
  });

  it('doubles when every slot is in use, keeping the state of the live ones', () => {
    const t = new OpTable(2, 2);
    const ops = [t.alloc(), t.alloc(), t.alloc()];
    expect(ops).toEqual([0, 1, 2]);
    expect(t.capacity).toBe(4);
    t.key[0] = 5;
    t.quorumLocs[1] = 9;
    t.alloc();
    t.alloc();
    expect(t.capacity).toBe(8);
    expect([t.key[0], t.quorumLocs[1], t.quorumLocs.length]).toEqual([5, 9, 16]);
  });

  it('stays as small as the operations in flight over a long run', () => {
    const t = new OpTable(3, 4);
    const inFlight: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const op = t.alloc();
      t.hold(op);
      inFlight.push(op);
      if (inFlight.length > 10) {
        const done = inFlight.shift() as number;
        t.done[done] = 1;
        t.release(done);
      }
    }
    expect(t.live).toBe(10);
    expect(t.capacity).toBe(16); // 11 at once at most: 4 -> 8 -> 16
  });
});
