// Read age and versions behind (lib/check's ReadAgeTracker, run on every leaderless run) against a
// brute-force replay of the recorded history, and the shape they take with Zipf keys: with read
// repair only, rarely read keys stay stale and the age tail grows with the run; anti-entropy
// bounds it.
import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../../stats/index.js';
import { runLeaderlessTimed, runLeaderlessWithHistory } from './run-leaderless.js';
import { readAgeQuantiles, versionsBehindQuantiles } from './staleness-quantiles.js';

/** R = W = 1 with message loss: writes miss replicas, which stay stale until repaired. */
const LOSSY = { r: 1, w: 1, loss: 0.1, zipf: 1.1, readRepair: 'background' as const };

describe('read age and versions behind', () => {
  for (const conflict of ['lww', 'siblings'] as const) {
    it(`${conflict}: equal a brute-force replay of the history (every committed write, no window)`, () => {
      const { result, history, order } = runLeaderlessWithHistory(
        { ...LOSSY, conflict, keys: 200, ops: 4000 },
        5,
      );
      const age = new LogHistogram();
      const behind = new LogHistogram();
      const byId = new Map(history.writes.map((w) => [w.id, w]));
      let stale = 0;
      for (const read of history.reads) {
        const returned = read.returned.map((id) => byId.get(id)!);
        let missed = 0;
        let latest = -Infinity;
        for (const w of history.writes) {
          if (w.key !== read.key || w.ackMs === null || w.ackMs >= read.invokeMs) continue;
          // Reflected: returned itself, or a returned version newer than it.
          if (returned.some((v) => v.id === w.id || order.compare(w, v) < 0)) continue;
          missed++;
          latest = Math.max(latest, w.ackMs);
        }
        behind.record(missed);
        age.record(missed === 0 ? 0 : read.invokeMs - latest);
        if (missed > 0) stale++;
      }
      expect(stale).toBeGreaterThan(20);
      expect(behind.max).toBeLessThan(64);
      expect(result.read_age_ms).toEqual(readAgeQuantiles(age));
      expect(result.versions_behind).toEqual(versionsBehindQuantiles(behind));
      // Reads missing a committed write are the stale reads of the stale-read checker.
      expect(stale).toBe(result.intervals.stale_read_fraction.count);
    });
  }

  it('Zipf keys: with read repair only the age tail grows with the run; with anti-entropy it does not', () => {
    const p999 = (ops: number, antiEntropyIntervalMs: number | null) => {
      const run = runLeaderlessTimed({ ...LOSSY, keys: 10_000, ops, antiEntropyIntervalMs }, 1);
      const h = LogHistogram.from(run.stalenessHistograms.readAgeMs);
      return { q: h.quantile(0.999), ...h.quantileInterval(0.999) };
    };
    const short = p999(5000, null);
    const long = p999(20_000, null);
    // Four times the run: the rarely read keys' stale values are older; the 95% intervals are apart.
    expect(long.low).toBeGreaterThan(short.high);
    expect(long.q).toBeGreaterThan(2 * short.q);
    const shortAe = p999(5000, 1000);
    const longAe = p999(20_000, 1000);
    // With a round every second, no stale value outlives a few rounds, however long the run.
    expect(longAe.q).toBeLessThan(short.q);
    expect(longAe.low).toBeLessThan(shortAe.high);
    expect(longAe.q).toBeLessThan(3 * 1000);
  });
});
