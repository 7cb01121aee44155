// A quick calibration against a real etcd: runs where etcd is installed (always in CI, where
// .ci/run installs etcd-server), skips elsewhere with a message saying what to install.
import { describe, expect, it } from 'vitest';
import { calibrateEtcd } from './calibrate.js';
import { findBinary, survivors } from './processes.js';

const etcd = findBinary('etcd');
if (etcd === null) {
  if (process.env.CI) throw new Error('CI needs etcd for the calibration test: apt-get install etcd-server');
  console.warn(
    'lib/testbed/etcd-calibration.test.ts skipped: etcd not on PATH (apt-get install etcd-server)',
  );
}

describe.skipIf(etcd === null)('calibrate etcd (real etcd on 127.0.0.1)', () => {
  it('3 kills at 50/500 ms: each recovers within etcd’s bounds, no acknowledged write is lost, no process survives', async () => {
    const started: number[] = [];
    const hb = 50;
    const et = 500;
    const r = await calibrateEtcd({
      settings: [{ heartbeat: hb, electionTimeout: et }],
      trials: 3,
      modelTrials: 200,
      latency: 'const(0)',
      writeIntervalMs: 10,
      portBase: null,
      seed: 3,
      onTrial: () => {},
      onProcess: (pid) => started.push(pid),
    });
    const c = r.comparisons[0];
    expect(r.version).toMatch(/^3\./);
    expect(c.unrecovered).toBe(0);
    expect(c.trials).toHaveLength(3);
    for (const t of c.trials) {
      // etcd cannot elect before a follower's electionElapsed reaches T = 10 ticks: at least
      // (T - 1) ticks after the last heartbeat, which left the leader at most one tick before the kill.
      expect(t.recoveryMs!).toBeGreaterThan(et - 2 * hb);
      // A write is acknowledged only after a leader exists.
      expect(t.leaderMs!).toBeLessThan(t.recoveryMs! + 2); // log timestamps have 1 ms resolution
      // Generous upper bound: a few election rounds of at most 2T - 1 ticks each on a loaded machine.
      expect(t.recoveryMs!).toBeLessThan(10 * et);
    }
    expect(r.acked_writes_lost).toEqual([0, 0, 0]);
    expect(c.model.samples).toBeGreaterThan(150);
    expect(started.length).toBeGreaterThanOrEqual(4); // 3 members and at least one restart
    expect(survivors(started)).toEqual([]);
  }, 120_000);
});
