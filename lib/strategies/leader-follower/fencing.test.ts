/**
 * Fencing by mechanism: what keeps a deposed leader from doing harm when the leader is cut off
 * from its followers (the `partition` fault: its clients still reach it). Every mode acts through
 * messages, each node's own clock and its own state (see FencingMode in failover-config.ts).
 */
import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../../errors.testkit.js';
import { runFailover, runFailoverWithTrials } from './run-failover.js';

const partition = { fault: 'partition' as const, faultDurationMs: 2000 };

describe('fencing none and epoch: the cut-off leader believes it leads until it hears of a newer term', () => {
  it('none: split brain in every trial, from the takeover to the heal (and a little after)', () => {
    const { trials, result } = runFailoverWithTrials({ ...partition, fencing: 'none', trials: 60 }, 41);
    for (const t of trials) {
      // The new leader leads from about recovery (its first heartbeat has reached every follower,
      // a few ms after it took over); the old one until a heartbeat of the new term reaches it
      // after the heal (a heartbeat interval, 50 ms, plus a delay).
      expect(t.splitBrainMs).toBeGreaterThan(2000 - (t.recoveryMs as number));
      expect(t.splitBrainMs).toBeLessThan(2000 - (t.recoveryMs as number) + 50 + 30);
    }
    expect(result.intervals.split_brain_trials.count).toBe(60);
    expect(result.split_brain_ms.ci_low as number).toBeGreaterThan(1500);
  }, 30_000);

  it('epoch with a synchronous majority: no acknowledged write is lost, but the deposed leader serves reads', () => {
    // Two of the four followers are synchronous: with the leader, a majority must have every
    // acknowledged write. The cut-off leader cannot reach them, so it acknowledges nothing, yet
    // it answers its clients' reads for the whole partition.
    const config = { ...partition, asyncFollowers: 2, readRate: 0.1, writeRate: 0.1, trials: 100 };
    const epoch = runFailover({ ...config, fencing: 'epoch' }, 42);
    expect(epoch.acked_writes).toBeGreaterThan(10000);
    expect(epoch.acked_writes_lost).toBe(0);
    expect(epoch.deposed_leader_acked_writes).toBe(0);
    expect(epoch.split_brain_ms.ci_low as number).toBeGreaterThan(1500);
    // Reads reach the old leader at 0.1 per ms for about the partition less the failover.
    expect(epoch.deposed_leader_reads).toBeGreaterThan(100 * 0.1 * 1500);
    expect(epoch.intervals.deposed_leader_reads.low).toBeGreaterThan(0.3);
    // Without the token the same cluster loses writes: once the partition heals, the followers take
    // the old leader's backlog, acknowledge it (so it commits), and the new leader overwrites it.
    const none = runFailover({ ...config, fencing: 'none' }, 42);
    expect(none.deposed_leader_acked_writes).toBeGreaterThan(0);
    expect(none.acked_writes_lost).toBeGreaterThan(0);
    expect(none.intervals.acked_writes_lost.low).toBeGreaterThan(0);
  }, 60_000);
});

describe('fencing lease: a leader serves only while a majority-granted lease runs on its own clock', () => {
  it("a paused leader: with terms it answers the reads that queued up before it reads the new term's heartbeat; with a lease it answers none", () => {
    // A stop-the-world pause longer than any election: the reads that reached the leader during
    // the pause wait in arrival order, and those before the new leader's first heartbeat are
    // handled while it still believes it leads (Kleppmann, DDIA ch. 8, "Process Pauses"). Its
    // lease, on its own clock, ran out during the pause.
    const config = { fault: 'pause' as const, pause: 'uniform(500,1000)', readRate: 0.1, trials: 60 };
    const epoch = runFailover({ ...config, fencing: 'epoch' }, 45);
    const lease = runFailover({ ...config, fencing: 'lease' }, 45);
    expect(epoch.intervals.unnecessary_failover_trials.count).toBe(60);
    expect(epoch.deposed_leader_reads).toBeGreaterThan(60);
    expect(lease.intervals.unnecessary_failover_trials.count).toBe(60);
    expect(lease.deposed_leader_reads).toBe(0);
    expect(lease.deposed_leader_acked_writes).toBe(0);
    expect(lease.reads_served).toBeGreaterThan(0.9 * epoch.reads_served);
  }, 30_000);

  it('without clock drift there is never split brain, though both leaders serve in every trial', () => {
    for (const election of ['raft', 'coordinator'] as const) {
      for (const leaseMs of [150, 1000]) {
        const { trials, result } = runFailoverWithTrials(
          { ...partition, election, fencing: 'lease', leaseMs, readRate: 0.05, trials: 60 },
          43,
        );
        expect(result.split_brain_ms.max, `${election} lease ${leaseMs}`).toBe(0);
        expect(result.deposed_leader_reads).toBe(0);
        expect(result.deposed_leader_acked_writes).toBe(0);
        expect(result.no_leader_trials).toBe(0);
        // Not vacuous: the old leader took writes after the cut (dropped when it rejoined), and the
        // failover waited out the lease (a candidate stands, a promoted node leads, only after).
        expect(result.discarded_writes).toBeGreaterThan(60 * 0.1 * (leaseMs - 50) * 0.5);
        for (const t of trials) expect(t.recoveryMs as number).toBeGreaterThan(leaseMs - 50);
      }
    }
  }, 60_000);

  it('with clock drift rho, split brain appears, grows with rho, and stays under 2 L rho / (1 - rho^2)', () => {
    // The bound. Node i's clock runs at rate r_i in [1 - rho, 1 + rho]. The old leader A's lease
    // comes from a heartbeat it sent at true time t (its clock reading c): it serves until its clock
    // reads c + L, true time t + L / r_A <= t + L / (1 - rho). Each follower f of the majority that
    // backed that heartbeat got it at t' >= t and backs no other node until its own clock has run
    // L: true time t' + L / r_f >= t + L / (1 + rho). A new leader B needs a majority too (votes,
    // or a promotion waiting out the promoted node's promise, then promises for its own lease), and
    // two majorities share a node f: B serves no earlier than t + L / (1 + rho). Overlap at most
    // L / (1 - rho) - L / (1 + rho) = 2 L rho / (1 - rho^2), once per failover.
    // (D. Ongaro, Consensus: Bridging Theory and Practice, PhD thesis, Stanford 2014, §6.4.1:
    // lease-based reads are safe only under a bound on clock drift; the arithmetic is the above.)
    const L = 1000;
    const runs = [0.01, 0.05, 0.1].map((rho) => {
      const { trials, result } = runFailoverWithTrials(
        { ...partition, fencing: 'lease', leaseMs: L, clockDrift: rho, trials: 400 },
        44,
      );
      const bound = (2 * L * rho) / (1 - rho * rho);
      for (const t of trials) expect(t.splitBrainMs, `rho ${rho}`).toBeLessThanOrEqual(bound);
      return { rho, result, bound };
    });
    for (const { rho, result } of runs)
      expect(result.intervals.split_brain_trials.count, `rho ${rho}`).toBeGreaterThan(0);
    const [low, mid, high] = runs.map((r) => r.result);
    // Rising with drift: the mean's 95% intervals are disjoint, and so is the share of trials with one.
    expect(low.split_brain_ms.ci_high as number).toBeLessThan(mid.split_brain_ms.ci_low as number);
    expect(mid.split_brain_ms.ci_high as number).toBeLessThan(high.split_brain_ms.ci_low as number);
    expect(low.intervals.split_brain_trials.high).toBeLessThan(mid.intervals.split_brain_trials.low);
    // The worst case needs the old leader's clock near 1 - rho and a backer's near 1 + rho, so the
    // largest overlap seen reaches a good part of the bound at the largest drift.
    expect(high.split_brain_ms.max).toBeGreaterThan(0.4 * runs[2].bound);
  }, 120_000);

  it('refuses a bad mode, lease or drift naming the field', () => {
    expect(refusedParameter(() => runFailover({ fencing: true as unknown as 'lease' }, 1))).toBe('fencing');
    expect(refusedParameter(() => runFailover({ fencing: 'lease', leaseMs: 0 }, 1))).toBe('leaseMs');
    expect(refusedParameter(() => runFailover({ clockDrift: 1 }, 1))).toBe('clockDrift');
    expect(refusedParameter(() => runFailover({ clockDrift: -0.1 }, 1))).toBe('clockDrift');
    expect(refusedParameter(() => runFailover({ readRate: -1 }, 1))).toBe('readRate');
  });
});
