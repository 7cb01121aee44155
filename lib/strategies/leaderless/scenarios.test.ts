import { describe, expect, it } from 'vitest';
import { HistoryRecorder, timestampOrder } from '../../check/index.js';
import { ParameterError } from '../../errors.js';
import { countFailedWritesRead, countReadInversions, leaderlessScenarios, runScenario } from './scenarios.js';

/** Failures print the scenario and seed; `runScenario(name, seed)` (or with its `control`) replays them. */
const SEED = 1;
const names = [
  'sloppy-non-overlap',
  'concurrent-read-inversion',
  'failed-write-read',
  'stale-restore-under-w',
];

describe('leaderless quorum edge-case scenarios', () => {
  it('registers the four quorum edge cases, each citing Dynamo', () => {
    expect([...leaderlessScenarios.keys()]).toEqual(names);
    for (const [key, s] of leaderlessScenarios) {
      expect(s.name).toBe(key);
      expect(s.description).toMatch(/SOSP 2007, §4\.[56]/);
    }
  });

  it.each(names)('%s reproduces its edge case on its own config (seed 1)', (name) => {
    const r = runScenario(name, SEED);
    expect(r.occurrences.count, `${name} seed ${SEED}: ${r.note}`).toBeGreaterThan(0);
    expect(r.occurrences.count).toBeLessThanOrEqual(r.occurrences.of);
    expect(r.occurrences.low).toBeLessThanOrEqual(r.occurrences.p);
    expect(r.occurrences.high).toBeGreaterThanOrEqual(r.occurrences.p);
    expect(r.occurrences.low).toBeGreaterThan(0);
  });

  it.each(names)('%s never occurs on its control config, where it cannot happen (seed 1)', (name) => {
    const control = (leaderlessScenarios.get(name) as NonNullable<ReturnType<typeof leaderlessScenarios.get>>)
      .control;
    const r = runScenario(name, SEED, control);
    expect(r.occurrences.count, `${name} control seed ${SEED}: ${r.note}`).toBe(0);
  });

  it("(a) the control is a strict quorum; the sloppy run's stale non-overlapping reads are among its non-overlapping reads", () => {
    const s = leaderlessScenarios.get('sloppy-non-overlap');
    expect(s?.control.sloppy).toBe(false);
    const r = runScenario('sloppy-non-overlap', SEED);
    const stale = Number(/; (\d+) of them stale/.exec(r.note)?.[1]);
    expect(stale).toBeGreaterThan(0);
    expect(stale).toBeLessThanOrEqual(r.occurrences.count);
  });

  it('(c) the control has no failed write at all (not applicable: of = 0)', () => {
    const s = leaderlessScenarios.get('failed-write-read');
    const r = runScenario('failed-write-read', SEED, s?.control);
    expect(r.occurrences.of).toBe(0);
  });

  it('is deterministic: one seed, one count', () => {
    for (const name of names) expect(runScenario(name, 7)).toEqual(runScenario(name, 7));
  });

  it('refuses an unknown scenario name', () => {
    expect(() => runScenario('no-such-case', 1)).toThrow(ParameterError);
  });
});

describe('the counters on hand-built histories', () => {
  it('(b) counts a read that saw an in-flight write followed by a read that did not', () => {
    const h = new HistoryRecorder();
    h.write({ id: 1, client: 0, session: 0, key: 0, invokeMs: 0, timestamp: 0 });
    h.ack(1, 1);
    h.write({ id: 2, client: 0, session: 0, key: 0, invokeMs: 10, timestamp: 10 }); // in flight 10..20
    h.ack(2, 20);
    h.read({ client: 1, session: 1, key: 0, invokeMs: 11, returnMs: 12, returned: [2] }); // r1 sees the in-flight write
    h.read({ client: 2, session: 2, key: 0, invokeMs: 13, returnMs: 14, returned: [1] }); // next read: old value, an inversion
    h.read({ client: 3, session: 3, key: 0, invokeMs: 15, returnMs: 16, returned: [1] }); // returned write 1, acknowledged long before: not in flight
    h.read({ client: 1, session: 1, key: 0, invokeMs: 30, returnMs: 31, returned: [2] }); // after the ack: not concurrent
    const c = countReadInversions({ history: h.history(), order: timestampOrder });
    expect(c).toEqual({ inversions: 1, of: 1, sawInFlight: 1 });
  });

  it('(b) a next read that returns a newer version is no inversion; a never-acknowledged write counts as in flight', () => {
    const h = new HistoryRecorder();
    h.write({ id: 1, client: 0, session: 0, key: 0, invokeMs: 10, timestamp: 10 }); // never acknowledged
    h.write({ id: 2, client: 0, session: 0, key: 0, invokeMs: 40, timestamp: 40 });
    h.ack(2, 41);
    h.read({ client: 1, session: 1, key: 0, invokeMs: 11, returnMs: 12, returned: [1] });
    h.read({ client: 2, session: 2, key: 0, invokeMs: 50, returnMs: 51, returned: [2] }); // newer: reflects 1
    const c = countReadInversions({ history: h.history(), order: timestampOrder });
    // r1 (11..12) saw write 1 in flight (never acknowledged); the next read returned write 2, newer, acknowledged at 41 before it began.
    expect(c).toEqual({ inversions: 0, of: 1, sawInFlight: 1 });
  });

  it('(c) counts failed writes read after their failure, once each', () => {
    const h = new HistoryRecorder();
    h.write({ id: 1, client: 0, session: 0, key: 0, invokeMs: 0, timestamp: 0 }); // fails at 100
    h.write({ id: 2, client: 0, session: 0, key: 1, invokeMs: 0, timestamp: 0 }); // fails at 100, read only before
    h.write({ id: 3, client: 0, session: 0, key: 2, invokeMs: 0, timestamp: 0 });
    h.ack(3, 5);
    h.read({ client: 1, session: 1, key: 0, invokeMs: 150, returnMs: 151, returned: [1] });
    h.read({ client: 1, session: 1, key: 0, invokeMs: 160, returnMs: 161, returned: [1] });
    h.read({ client: 1, session: 1, key: 1, invokeMs: 50, returnMs: 51, returned: [2] });
    h.read({ client: 1, session: 1, key: 2, invokeMs: 150, returnMs: 151, returned: [3] });
    expect(countFailedWritesRead({ history: h.history() }, 100)).toEqual({
      read: 1,
      failed: 2,
      readsReturningThem: 2,
    });
  });
});
