import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../../errors.testkit.js';
import { normalQuantile } from '../../latency/index.js';
import { PhiAccrualDetector, TimeoutDetector } from './failure-detector.js';
import { runFailover, runFailoverSummary, runFailoverWithTrials } from './run-failover.js';

const d = 1; // constant one-way delay, ms
const s = 2; // constant disk latency, ms
const exact = { latency: `const(${d})`, disk: `const(${s})` };

describe('failure detectors', () => {
  it('timeout: suspects timeoutMs after the last heartbeat', () => {
    const t = new TimeoutDetector(500);
    expect(t.deadline()).toBe(-Infinity + 500);
    t.heartbeat(1000);
    expect(t.deadline()).toBe(1500);
  });

  it('phi accrual: deadline at mean + z sigma, where phi reaches the threshold', () => {
    const p = new PhiAccrualDetector({ threshold: 8, window: 10, minStdDevMs: 1, firstIntervalMs: 50 });
    for (const at of [0, 40, 100, 140, 200]) p.heartbeat(at); // intervals 40, 60, 40, 60: mean 50, sd 10
    const z = -normalQuantile(1e-8);
    expect(p.fit()).toEqual({ mean: 50, sd: 10 });
    expect(p.deadline()).toBeCloseTo(200 + 50 + z * 10, 9);
    expect(p.phi(p.deadline())).toBeCloseTo(8, 6);
    expect(p.phi(250)).toBeCloseTo(-Math.log10(0.5), 9); // at the mean, P(later) = 1/2
  });
});

describe('failover: detection and recovery against their analytic forms', () => {
  it('coordinator, timeout detector: detection = T + d - phase; recovery = detection + 4d + disk', () => {
    const T = 300;
    const { trials } = runFailoverWithTrials(
      { ...exact, election: 'coordinator', timeoutMs: T, heartbeatMs: 50, trials: 60, writeRate: 0.05 },
      1,
    );
    for (const t of trials) {
      expect(t.detectionMs).toBeCloseTo(T + d - t.phaseMs, 6);
      // query out and back (2d), promote (d), persist the term (disk), first heartbeat (d)
      expect(t.recoveryMs).toBeCloseTo((t.detectionMs as number) + 4 * d + s, 6);
    }
    const phases = trials.map((t) => t.phaseMs);
    expect(Math.min(...phases)).toBeLessThan(5); // the failure falls all over the heartbeat interval
    expect(Math.max(...phases)).toBeGreaterThan(45);
  });

  it('coordinator, phi detector with steady heartbeats: detection = h + z (h/10) + d - phase', () => {
    const h = 50;
    const z = -normalQuantile(1e-8);
    const { trials } = runFailoverWithTrials(
      { ...exact, election: 'coordinator', detector: 'phi', heartbeatMs: h, trials: 30, writeRate: 0 },
      2,
    );
    for (const t of trials) expect(t.detectionMs).toBeCloseTo(h + z * (h / 10) + d - t.phaseMs, 6);
  });

  it('raft: detection within [min + d - phase, max + d - phase]; a one-round election recovers after disk + d + disk + d + d', () => {
    const [min, max] = [150, 300];
    const { trials } = runFailoverWithTrials(
      { ...exact, election: 'raft', electionTimeoutMs: [min, max], trials: 80, writeRate: 0 },
      3,
    );
    let oneRound = 0;
    for (const t of trials) {
      const detection = t.detectionMs as number;
      expect(detection).toBeGreaterThanOrEqual(min + d - t.phaseMs - 1e-9);
      expect(detection).toBeLessThanOrEqual(max + d - t.phaseMs + 1e-9);
      if (t.electionRounds === 1) {
        oneRound++;
        expect(t.recoveryMs).toBeCloseTo(detection + 2 * s + 3 * d, 6);
      }
    }
    expect(oneRound).toBeGreaterThan(60);
  });

  it('raft: recovery is never shorter than the minimum election timeout minus the heartbeat interval', () => {
    for (const [range, seed] of [
      [[150, 151], 4],
      [[150, 300], 5],
      [[100, 400], 6],
    ] as [[number, number], number][]) {
      const { trials } = runFailoverWithTrials(
        { election: 'raft', electionTimeoutMs: range, heartbeatMs: 50, trials: 100 },
        seed,
      );
      const recovered = trials.filter((t) => t.recoveryMs !== null);
      expect(recovered.length).toBeGreaterThan(90);
      for (const t of recovered) expect(t.recoveryMs as number).toBeGreaterThanOrEqual(range[0] - 50);
    }
  }, 30_000);

  it('raft: a narrow timeout range gives split votes and long recovery; widening it cuts both', () => {
    const narrow = runFailover({ election: 'raft', electionTimeoutMs: [150, 152], trials: 200 }, 7);
    const wide = runFailover({ election: 'raft', electionTimeoutMs: [150, 300], trials: 200 }, 7);
    const wider = runFailover({ election: 'raft', electionTimeoutMs: [150, 600], trials: 200 }, 7);
    expect(narrow.election_rounds.mean).toBeGreaterThan(2);
    expect(wide.election_rounds.mean).toBeLessThan(1.2);
    expect(wider.election_rounds.mean).toBeLessThan(1.2);
    expect(narrow.recovery_ms.p90 as number).toBeGreaterThan(2 * (wide.recovery_ms.p90 as number));
    expect(narrow.recovery_ms.mean as number).toBeGreaterThan(wide.recovery_ms.mean as number);
    expect(narrow.no_leader_trials).toBeGreaterThanOrEqual(wide.no_leader_trials);
  }, 30_000);
});

describe('failover: acknowledged writes', () => {
  it('sync replication to the promoted follower loses no acknowledged write; async loses some, as the history checker counts them', () => {
    for (const asyncFollowers of [0, 3]) {
      // 5 nodes: asyncFollowers 3 leaves one sync follower; the coordinator promotes the most up-to-date.
      const { result, trials } = runFailoverWithTrials(
        { election: 'coordinator', asyncFollowers, trials: 150, writeRate: 0.2 },
        8,
      );
      expect(result.acked_writes).toBeGreaterThan(10000);
      expect(result.acked_writes_lost).toBe(0);
      for (const t of trials) expect(t.ackedWritesLostDirect).toBe(0);
    }
    const { result, trials } = runFailoverWithTrials(
      { election: 'coordinator', asyncFollowers: 4, trials: 150, writeRate: 0.2 },
      8,
    );
    expect(result.acked_writes_lost).toBeGreaterThan(0);
    for (const t of trials) expect(t.ackedWritesLost).toBe(t.ackedWritesLostDirect);
    // Each lost write's autoincrement id is reissued by the new leader (GitHub, 2012).
    expect(result.reused_ids).toBe(result.acked_writes_lost);
  }, 60_000);

  it('raft with all followers sync loses nothing; async loses, checker and direct count agree', () => {
    expect(
      runFailover({ election: 'raft', asyncFollowers: 0, trials: 100, writeRate: 0.2 }, 9).acked_writes_lost,
    ).toBe(0);
    const { result, trials } = runFailoverWithTrials({ election: 'raft', trials: 150, writeRate: 0.2 }, 9);
    expect(result.acked_writes_lost).toBeGreaterThan(0);
    for (const t of trials) expect(t.ackedWritesLost).toBe(t.ackedWritesLostDirect);
  }, 60_000);

  it('stale followers never win against up-to-date ones, with the coordinator or an election', () => {
    for (const election of ['coordinator', 'raft'] as const) {
      const { trials } = runFailoverWithTrials(
        { election, staleFollowers: 2, staleLagMs: 200, trials: 50 },
        10,
      );
      for (const t of trials) expect([1, 2]).toContain(t.newLeader);
    }
  }, 30_000);
});

describe('failover: split brain, unnecessary failovers, rejoin', () => {
  it('a partitioned async leader keeps accepting writes until the partition heals: split brain, lost and discarded writes; a lease stops it when it runs out', () => {
    const base = {
      election: 'coordinator' as const,
      fault: 'partition' as const,
      faultDurationMs: 2000,
      trials: 40,
    };
    const open = runFailoverWithTrials(base, 11);
    const leased = runFailoverWithTrials({ ...base, fencing: 'lease' }, 11);
    for (const t of open.trials) {
      expect(t.unnecessaryFailovers).toBe(1);
      // From the promotion until the healed old leader hears of the new term.
      expect(t.splitBrainMs).toBeGreaterThan(2000 - (t.recoveryMs as number) - 10);
      expect(t.splitBrainMs).toBeLessThan(2000 - (t.recoveryMs as number) + 60);
      // Its writes after the takeover were acknowledged by a leader that no longer was one.
      expect(t.deposedAckedWrites).toBeGreaterThan(0);
    }
    // With a lease (150 ms) the old leader stops serving once no majority has renewed it, long
    // before the coordinator (500 ms) promotes anyone: it acknowledges nothing as a deposed leader.
    for (const t of leased.trials) {
      expect(t.splitBrainMs).toBe(0);
      expect(t.deposedAckedWrites).toBe(0);
    }
    expect(open.result.acked_writes_lost).toBeGreaterThan(3 * leased.result.acked_writes_lost);
    expect(open.result.discarded_writes).toBeGreaterThanOrEqual(open.result.acked_writes_lost);
  }, 30_000);

  it('pauses: a longer timeout means fewer unnecessary failovers and longer recovery from crashes', () => {
    const pause = {
      election: 'coordinator' as const,
      fault: 'pause' as const,
      pause: 'uniform(0,2000)',
      trials: 100,
    };
    const short = runFailover({ ...pause, timeoutMs: 300 }, 12);
    const long = runFailover({ ...pause, timeoutMs: 1500 }, 12);
    expect(short.unnecessary_failovers).toBeGreaterThan(long.unnecessary_failovers + 30);
    // A pause is unnecessary to fail over exactly when it outlasts detection: P(pause > ~T) = 1 - T/2000.
    expect(short.intervals.unnecessary_failover_trials.low).toBeLessThan(1 - 300 / 2000);
    expect(short.intervals.unnecessary_failover_trials.high).toBeGreaterThan(1 - 300 / 2000 - 0.05);
    const crashShort = runFailover({ election: 'coordinator', timeoutMs: 300, trials: 50 }, 13);
    const crashLong = runFailover({ election: 'coordinator', timeoutMs: 1500, trials: 50 }, 13);
    expect(crashLong.recovery_ms.mean as number).toBeGreaterThan(
      (crashShort.recovery_ms.mean as number) + 1000,
    );
  }, 60_000);

  it('is a pure function of (config, seed)', () => {
    const a = runFailover({ trials: 20, fault: 'pause' }, 14);
    expect(runFailover({ trials: 20, fault: 'pause' }, 14)).toEqual(a);
  });

  it('refuses bad input naming the field', () => {
    expect(refusedParameter(() => runFailover({ electionTimeoutMs: [300, 150] }, 1))).toBe(
      'electionTimeoutMs',
    );
    expect(
      refusedParameter(() => runFailover({ election: 'coordinator', heartbeatMs: 500, timeoutMs: 500 }, 1)),
    ).toBe('heartbeatMs');
    expect(
      refusedParameter(() =>
        runFailover({ election: 'raft', heartbeatMs: 200, electionTimeoutMs: [150, 300] }, 1),
      ),
    ).toBe('heartbeatMs');
    expect(refusedParameter(() => runFailover({ nodes: 3, staleFollowers: 3 }, 1))).toBe('staleFollowers');
    expect(refusedParameter(() => runFailover({ writeRate: -0.1 }, 1))).toBe('writeRate');
    expect(refusedParameter(() => runFailover({ detector: 'phi' }, 1))).toBe('detector');
  });
});

describe('runFailoverSummary', () => {
  it('keeps no trial outcome and gives the same result, its samples those of the trials', () => {
    const config = { election: 'coordinator' as const, fault: 'pause' as const, trials: 30 };
    const recorded = runFailoverWithTrials(config, 3);
    const summary = runFailoverSummary(config, 3);
    expect(summary.result).toEqual(recorded.result);
    expect(summary.events).toBe(recorded.events);
    expect(summary.events).toBeGreaterThan(30);
    expect('trials' in summary).toBe(false);
    const recovery = recorded.trials.filter((t) => t.recoveryMs !== null).map((t) => t.recoveryMs);
    expect(summary.histograms.recovery_ms.total).toBe(recovery.length);
    expect(summary.histograms.recovery_ms.max).toBe(Math.max(...(recovery as number[])));
  });
});
