import { describe, expect, it } from 'vitest';
import { validateFailoverConfig, type FailoverConfig } from './failover-config.js';
import { runFailoverTrial } from './failover-trial.js';

// etcd timing with instant messages and disks: the bounds follow from raft.go's tick rules alone.
const H = 100;
const T = 10; // ticks: --election-timeout 1000 ms
const cfgInput: Partial<FailoverConfig> = {
  nodes: 3,
  raftTiming: 'etcd',
  heartbeatMs: H,
  electionTimeoutMs: [T * H, 2 * T * H],
  latency: 'const(0)',
  disk: 'const(0)',
  writeRate: 0,
  faultDurationMs: 50 * T * H,
  observeMs: 2 * T * H,
};
const cfg = validateFailoverConfig(cfgInput);
const trials = Array.from({ length: 400 }, (_, t) => runFailoverTrial(cfg, 9, t));

describe('etcd raft timing (raft.go tickElection, reset, Step inLease)', () => {
  it('no follower campaigns before T ticks after the last heartbeat: detection > (T - 2) heartbeats after the kill', () => {
    // The last heartbeat left at most one interval before the kill; a follower's T-th tick after
    // receiving it comes more than (T - 1) intervals later.
    for (const t of trials) expect(t.detectionMs!).toBeGreaterThan((T - 2) * H);
  });

  it('a one-round election ends before the slowest first timeout: 2T - 1 ticks after the last heartbeat, plus a tick of phase', () => {
    for (const t of trials)
      if (t.electionRounds === 1) expect(t.recoveryMs!).toBeLessThanOrEqual((2 * T - 1) * H + H + 1e-6);
  });

  it('some elections need a second round (a vote ignored under the leader lease, or a split vote), and every trial recovers', () => {
    expect(trials.every((t) => t.recoveryMs !== null)).toBe(true);
    const second = trials.filter((t) => t.electionRounds >= 2).length;
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThan(trials.length / 2);
  });

  it('pre-vote: no term is taken without a majority of pre-votes, so fewer terms per failover; the same one-round bound', () => {
    const pre = validateFailoverConfig({ ...cfgInput, preVote: true });
    // Narrow timeouts (T = 2 ticks) give split votes, after which candidates pre-campaign again.
    const narrow = validateFailoverConfig({ ...cfgInput, preVote: true, electionTimeoutMs: [2 * H, 4 * H] });
    for (let t = 0; t < 300; t++) expect(runFailoverTrial(narrow, 4, t).recoveryMs).not.toBeNull();
    const preTrials = Array.from({ length: 400 }, (_, t) => runFailoverTrial(pre, 9, t));
    expect(preTrials.every((t) => t.recoveryMs !== null)).toBe(true);
    for (const t of preTrials) {
      expect(t.detectionMs!).toBeGreaterThan((T - 2) * H);
      if (t.electionRounds === 1) expect(t.recoveryMs!).toBeLessThanOrEqual((2 * T - 1) * H + H + 1e-6);
    }
    // Without pre-vote, a candidate whose requests meet leases wastes a term; with it, only a
    // majority's pre-votes let a node take one (raft.go campaign(campaignPreElection)).
    const mean = (xs: { electionRounds: number }[]) =>
      xs.reduce((s, x) => s + x.electionRounds, 0) / xs.length;
    expect(mean(preTrials)).toBeLessThan(mean(trials));
  });

  it('refuses pre-vote outside etcd timing', () => {
    expect(() => validateFailoverConfig({ preVote: true })).toThrow(/preVote/);
  });

  it('refuses an election timeout under two heartbeats (raft: ElectionTick > HeartbeatTick)', () => {
    expect(() =>
      validateFailoverConfig({ raftTiming: 'etcd', heartbeatMs: 100, electionTimeoutMs: [150, 300] }),
    ).toThrow(/electionTimeoutMs/);
  });
});
