import { describe, expect, it } from 'vitest';
import { ReadAgeTracker } from './read-age.js';
import { timestampOrder } from './version-order.js';

describe('ReadAgeTracker', () => {
  it('a read of the initial value after n committed writes: n behind (up to the window), aged from the last', () => {
    const tracker = new ReadAgeTracker(timestampOrder, 8);
    for (let i = 0; i < 5; i++) tracker.commit(1, { id: i, timestamp: i }, 10 * i);
    tracker.start(0, 1, 100);
    tracker.judge(0, []);
    expect(tracker.versionsBehind.max).toBe(5);
    expect(tracker.ageMs.max).toBe(100 - 40);
    for (let i = 5; i < 20; i++) tracker.commit(1, { id: i, timestamp: i }, 10 * i);
    tracker.start(1, 1, 1000);
    tracker.judge(1, [{ id: 2, timestamp: 2 }]);
    // 17 committed writes newer than write 2, of which the window holds the last 8.
    expect(tracker.versionsBehind.max).toBe(8);
    expect(tracker.ageMs.max).toBe(1000 - 190);
  });

  it('an acknowledgement at the read start instant is not committed before the read', () => {
    const tracker = new ReadAgeTracker(timestampOrder);
    tracker.commit(3, { id: 1, timestamp: 1 }, 50);
    tracker.start(0, 3, 50);
    tracker.judge(0, []);
    expect(tracker.versionsBehind.max).toBe(0);
    expect(tracker.ageMs.max).toBe(0);
  });
});
