// A quick calibration against a real Redis Sentinel deployment: runs where redis-server and
// redis-sentinel are installed (always in CI, where .ci/run installs redis-sentinel), skips
// elsewhere with a message saying what to install.
import { describe, expect, it } from 'vitest';
import { calibrateSentinel } from './calibrate-sentinel.js';
import { findBinary, survivors } from './processes.js';

const missing = ['redis-server', 'redis-sentinel'].filter((b) => findBinary(b) === null);
if (missing.length > 0) {
  if (process.env.CI)
    throw new Error(
      `CI needs ${missing.join(' and ')} for the calibration test: apt-get install redis-server redis-sentinel`,
    );
  console.warn(
    `lib/testbed/sentinel-calibration.test.ts skipped: ${missing.join(', ')} not on PATH (apt-get install redis-server redis-sentinel)`,
  );
}

describe.skipIf(missing.length > 0)('calibrate redis-sentinel (real Redis on 127.0.0.1)', () => {
  it('2 kills at down-after 500 ms: each recovers after ODOWN, WAIT 1 loses nothing, no process survives', async () => {
    const started: number[] = [];
    const downAfter = 500;
    const r = await calibrateSentinel({
      settings: [{ downAfterMs: downAfter }],
      trials: 2,
      modelTrials: 200,
      writeIntervalMs: 10,
      seed: 3,
      onProcess: (pid) => started.push(pid),
    });
    const c = r.comparisons[0];
    expect(r.version).toMatch(/^\d+\./);
    expect(c.unrecovered).toBe(0);
    expect(c.trials.map((t) => t.variant)).toEqual(['plain', 'wait']);
    for (const t of c.trials) {
      // Sentinel fails over only once quorum sentinels agree the primary is down (+odown), and
      // a sentinel marks it subjectively down only down-after ms without a valid reply, and
      // pings at least once a second: ODOWN comes at least down-after - 1000 ms after the kill.
      expect(t.odownMs!).toBeGreaterThanOrEqual(downAfter - 1000);
      // The new primary accepts writes only after the failover started (log times: 1 ms, clock slack).
      expect(t.recoveryMs!).toBeGreaterThan(t.odownMs! - 5);
      expect(t.ackedWrites).toBeGreaterThan(0);
    }
    // WAIT 1: every acknowledged write is on a replica, and Sentinel promotes the replica with
    // the largest replication offset (equal priorities), which holds all of them.
    expect(c.trials[1].ackedWritesLost).toBe(0);
    // A replica promoted without a full resync keeps what it held when the primary died, so an
    // acknowledged write the new primary lacks is one it lacked at the kill (read from it then).
    for (const t of c.trials) {
      expect(t.newPrimaryFullSyncs).toBe(0);
      expect(t.newPrimaryLackedAtKill).not.toBeNull();
      expect(t.ackedWritesLost).toBeLessThanOrEqual(t.newPrimaryLackedAtKill!);
    }
    // The model's sentinels confirm the promotion with the replica's INFO a second after the one
    // they sent at ODOWN, itself more than down-after ms after the kill; a one-attempt failover
    // takes at most 5 more timer runs of at most 100 ms (sentinel-failover.test.ts), plus the
    // client's next write (one every 10 ms on average).
    expect(c.model.samples).toBe(200);
    expect(c.model.p50.value).toBeGreaterThan(downAfter + 1000);
    expect(c.model.p50.value).toBeLessThanOrEqual(downAfter + 1000 + 5 * 100 + 50);
    expect(c.lost.model_wait.lost).toBe(0);
    expect(r.acked_writes_lost).toHaveLength(2);
    expect(started.length).toBeGreaterThanOrEqual(7); // version probe, 3 servers and 3 sentinels per trial
    expect(survivors(started)).toEqual([]);
  }, 120_000);
});
