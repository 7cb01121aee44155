// The quick Patroni calibration: one primary kill at the fast setting (ttl 10, loop_wait 2,
// retry_timeout 4) on a real 3-node cluster; runs where Patroni and PostgreSQL 15 are installed
// (always in CI), skips elsewhere saying what to install. The full comparison (20 kills per
// setting) is `npm run calibrate`'s.
import { describe, expect, it } from 'vitest';
import { calibratePatroni, PATRONI_FAST_SETTING } from './patroni-calibrate.js';
import { patroniMissing } from './patroni.js';
import { survivors } from './processes.js';

const missing = patroniMissing();
if (missing.length > 0) {
  if (process.env.CI)
    throw new Error(
      `CI needs ${missing.join(', ')} for the Patroni calibration test: apt-get install patroni postgresql-15 etcd-server`,
    );
  console.warn(`lib/testbed/patroni-calibrate.test.ts skipped: ${missing.join(', ')} missing`);
}

describe.skipIf(missing.length > 0)('calibrate patroni (real Patroni on 127.0.0.1)', () => {
  it('one kill at ttl 10 / loop_wait 2 / retry_timeout 4: the lease outlives the kill, a replica takes over, no process survives', async () => {
    const started: number[] = [];
    const { ttlS, loopWaitS } = PATRONI_FAST_SETTING;
    const r = await calibratePatroni({
      settings: [PATRONI_FAST_SETTING],
      trials: 1,
      modelTrials: 200,
      seed: 5,
      onProcess: (pid) => started.push(pid),
    });
    const c = r.comparisons[0];
    const t = c.trials[0];
    expect(r.version).toMatch(/^\d+\./);
    expect(c.unrecovered).toBe(0);
    expect(t.newLeader).not.toBe(t.killed);
    // The leader refreshed its lease at most one loop (plus a cycle's own time) before the kill,
    // so the key outlives the kill by at least ttl - loop_wait; it is deleted no later than ttl
    // after the kill plus etcd's 500 ms expiry sweep (lessor) and a poll.
    expect(t.leaderGoneMs!).toBeGreaterThan(1000 * (ttlS - loopWaitS) - 500);
    expect(t.leaderGoneMs!).toBeLessThan(1000 * ttlS + 1000);
    // Writes come only after a new node holds the key and promoted itself.
    expect(t.recoveryMs!).toBeGreaterThanOrEqual(t.leaderMs!);
    // The model's recoveries lie in its documented window [ttl - loop_wait, ttl + loop_wait] plus promotion.
    expect(c.model.samples).toBe(200);
    expect(c.model.p50.value).toBeGreaterThan(1000 * (ttlS - loopWaitS));
    expect(c.model.max).toBeLessThan(1000 * (ttlS + loopWaitS) + 100);
    expect(survivors(started)).toEqual([]);
  }, 300_000);
});
