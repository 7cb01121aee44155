import { describe, expect, it } from 'vitest';
import { validateFailoverConfig } from './failover-config.js';
import { runFailoverTrial } from './failover-trial.js';

// Instant messages and disks, a dense write stream (one per ms): the bounds follow from
// sentinel.c's timer (1000/hz ms, hz in [10, 19], so at most 100 ms between runs) and periods.
const D = 1000; // down-after-milliseconds
const TICK = 100;
const base = {
  nodes: 3,
  election: 'sentinel',
  sentinels: 3,
  sentinelQuorum: 2,
  sentinelFailoverTimeoutMs: 3000,
  timeoutMs: D,
  heartbeatMs: 100,
  latency: 'const(0)',
  disk: 'const(0)',
  replicationDelay: 'const(0)',
  writeRate: 1,
  faultDurationMs: 4 * D, // the old primary restarts after the failover
  observeMs: D,
} as const;
const cfg = validateFailoverConfig(base);
const trials = Array.from({ length: 150 }, (_, t) => runFailoverTrial(cfg, 5, t));

describe('Redis Sentinel failover (sentinel.c timers, SDOWN/ODOWN, leader, INFO-confirmed promotion)', () => {
  it('every trial recovers, never before down-after plus one INFO period (the promotion is confirmed by the next INFO, sent a second after the one at ODOWN)', () => {
    for (const t of trials) {
      expect(t.recoveryMs).not.toBeNull();
      expect(t.recoveryMs!).toBeGreaterThan(D + 1000);
    }
  });

  it('a one-attempt failover ends within down-after + 1000 ms + 5 timer runs + 50 ms: reconnect, SDOWN, ODOWN, election, selection, REPLICAOF NO ONE, INFO, hello, and the client', () => {
    // kill -> reconnect (1 run) -> SDOWN (D + 1 run) -> the second sentinel's SDOWN and ODOWN
    // (2 runs) -> elected, selected, REPLICAOF NO ONE (3 runs, under the INFO period) -> the INFO
    // after 1000 ms (1 run) -> hello to the first sentinel (1 run) -> the client's next write.
    const one = trials.filter((t) => t.electionRounds === 1);
    expect(one.length).toBeGreaterThan(trials.length / 2);
    for (const t of one) expect(t.recoveryMs!).toBeLessThanOrEqual(D + 1000 + 6 * TICK + 50);
  });

  it('with one synchronous replica (WAIT 1) no acknowledged write is lost; with a slow asynchronous stream some are', () => {
    const sync = validateFailoverConfig({ ...base, asyncFollowers: 1, writeRate: 0.2 });
    for (let t = 0; t < 40; t++) expect(runFailoverTrial(sync, 6, t).ackedWritesLost).toBe(0);
    const slow = validateFailoverConfig({ ...base, replicationDelay: 'const(20)', writeRate: 0.2 });
    let lost = 0;
    for (let t = 0; t < 40; t++) lost += runFailoverTrial(slow, 6, t).ackedWritesLost;
    expect(lost).toBeGreaterThan(0);
  });

  it('refuses a quorum above the number of sentinels, and phi', () => {
    expect(() => validateFailoverConfig({ ...base, sentinelQuorum: 4 })).toThrow(/sentinelQuorum/);
    expect(() => validateFailoverConfig({ ...base, detector: 'phi' })).toThrow(/detector/);
  });
});
