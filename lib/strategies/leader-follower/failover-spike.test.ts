import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../../errors.testkit.js';
import { runFailover, runFailoverWithTrials } from './run-failover.js';
import type { FailoverTrialOutcome } from './failover-trial.js';

const d = 1; // constant one-way delay, ms
const h = 50; // heartbeat interval, ms
const exact = { latency: `const(${d})`, disk: 'const(2)', heartbeatMs: h, fault: 'spike' as const };

/**
 * The longest silence a watcher of the leader's heartbeats sees around a spike, by the closed form.
 * Heartbeats leave at multiples of h and take a constant d; those sent in the spike [s, s + D)
 * take d + ds. The last one received before the spike left at k0 h (k0 = floor(s / h)); the first
 * one not held leaves at k1 h (k1 = ceil((s + D) / h)). If a heartbeat leaves during the spike
 * (k1 - k0 >= 2), the next arrival after k0 h + d is the first held one, (k0 + 1) h + ds + d, or
 * the first unheld one, k1 h + d, whichever is earlier; otherwise it is the next heartbeat, h later.
 * Every later gap is at most h. So the silence is G = min(h + ds, (k1 - k0) h) or h, and a fixed
 * timeout T suspects the leader iff G >= T (a heartbeat arriving exactly at the deadline is too
 * late: the detector's timer was set first, and ties run in scheduling order). Since
 * s - h < k0 h and k1 h < s + D + h, G < D + 2h: a spike no longer than T - 2h never triggers a
 * failover, nor one whose extra delay is at most T - h.
 */
function spikeSilenceMs(t: FailoverTrialOutcome): number {
  const k0 = Math.floor(t.failureAtMs / h);
  const k1 = Math.ceil((t.failureAtMs + t.faultMs) / h);
  return k1 - k0 >= 2 ? Math.min(h + (t.spikeDelayMs as number), (k1 - k0) * h) : h;
}

describe("latency spikes on the leader's outgoing link", () => {
  it('a spike shorter than the detection slack never triggers a failover, whatever its delay', () => {
    // Coordinator with timeout T: the slack is T - 2h (a spike of D ms silences less than D + 2h).
    const T = 300;
    const coordinator = runFailoverWithTrials(
      {
        ...exact,
        election: 'coordinator',
        timeoutMs: T,
        spikeDuration: `uniform(0,${T - 2 * h})`,
        spikeDelay: 'uniform(0,3000)',
        trials: 200,
      },
      31,
    );
    expect(coordinator.result.unnecessary_failovers).toBe(0);
    expect(coordinator.result.detection_ms.samples).toBe(0);
    // Nor does a spike of any length whose extra delay is within the slack (the silence is h + ds).
    const small = runFailover(
      {
        ...exact,
        election: 'coordinator',
        timeoutMs: T,
        spikeDuration: 'uniform(0,3000)',
        spikeDelay: `uniform(0,${T - h})`,
        trials: 200,
      },
      32,
    );
    expect(small.unnecessary_failovers).toBe(0);
    // Raft: the slack is the minimum election timeout minus 2h; appends (writes) only add contact.
    const raft = runFailover(
      {
        ...exact,
        election: 'raft',
        electionTimeoutMs: [150, 300],
        spikeDuration: `uniform(0,${150 - 2 * h})`,
        spikeDelay: 'uniform(0,3000)',
        trials: 200,
      },
      33,
    );
    expect(raft.unnecessary_failovers).toBe(0);
    expect(raft.election_rounds.max).toBe(0);
    // The same spikes, longer: they do trigger failovers.
    expect(
      runFailover(
        {
          ...exact,
          election: 'coordinator',
          timeoutMs: T,
          spikeDuration: 'uniform(300,3000)',
          spikeDelay: 'uniform(300,3000)',
          trials: 50,
        },
        31,
      ).unnecessary_failovers,
    ).toBe(50);
  }, 60_000);

  it('coordinator, timeout T: a spike triggers a failover exactly when the silence around it reaches T, over random phases, lengths and delays', () => {
    const T = 300;
    const { result, trials } = runFailoverWithTrials(
      {
        ...exact,
        election: 'coordinator',
        timeoutMs: T,
        spikeDuration: 'uniform(0,600)',
        spikeDelay: 'uniform(0,500)',
        trials: 400,
        writeRate: 0.1,
      },
      34,
    );
    let triggered = 0;
    for (const t of trials) {
      const silence = spikeSilenceMs(t);
      expect(
        t.unnecessaryFailovers,
        `trial at ${t.failureAtMs} ms, spike ${t.faultMs} ms +${t.spikeDelayMs} ms`,
      ).toBe(silence >= T ? 1 : 0);
      if (silence >= T) {
        triggered++;
        // As for a crash: T after the last heartbeat received before the spike.
        expect(t.detectionMs).toBeCloseTo(T + d - t.phaseMs, 6);
      } else {
        expect(t.detectionMs).toBeNull();
      }
    }
    // Both outcomes occur often, and the run counts every one of them as unnecessary.
    expect(triggered).toBeGreaterThan(60);
    expect(trials.length - triggered).toBeGreaterThan(60);
    expect(result.unnecessary_failovers).toBe(triggered);
    expect(result.intervals.unnecessary_failover_trials.count).toBe(triggered);
    const phases = trials.map((t) => t.phaseMs);
    expect(Math.min(...phases)).toBeLessThan(2);
    expect(Math.max(...phases)).toBeGreaterThan(h - 2);
  }, 60_000);

  it('raft [min, max]: a long spike of delay ds starts an election with probability 1 - ((max - h - ds) / (max - min))^(n - 1)', () => {
    // Each follower's timer was drawn from uniform [min, max] at the last heartbeat before the spike;
    // it fires iff it is below the silence h + ds. Below min never, above max always.
    const [min, max] = [150, 300];
    const n = 5;
    const spike = (ds: number, trials: number) =>
      runFailoverWithTrials(
        {
          ...exact,
          election: 'raft',
          electionTimeoutMs: [min, max],
          nodes: n,
          spikeDuration: 'const(1000)',
          spikeDelay: `const(${ds})`,
          trials,
          writeRate: 0,
        },
        1,
      );
    expect(spike(min - h - 5, 200).result.unnecessary_failovers).toBe(0);
    const always = spike(max - h + 5, 200);
    expect(always.result.intervals.unnecessary_failover_trials.count).toBe(200);
    for (const t of always.trials)
      expect(t.detectionMs as number).toBeLessThanOrEqual(max + d - t.phaseMs + 1e-9);
    for (const ds of [125, 175]) {
      const p = 1 - ((max - h - ds) / (max - min)) ** (n - 1); // 0.518, 0.938
      const started = spike(ds, 1000).result.intervals.unnecessary_failover_trials;
      expect(started.low, `ds ${ds}: closed form ${p}`).toBeLessThan(p);
      expect(started.high, `ds ${ds}: closed form ${p}`).toBeGreaterThan(p);
    }
  }, 60_000);

  it('no acknowledged write is lost in a spike-triggered failover with synchronous followers, with terms or a lease', () => {
    for (const election of ['coordinator', 'raft'] as const) {
      for (const fencing of ['epoch', 'lease'] as const) {
        const { result, trials } = runFailoverWithTrials(
          {
            election,
            timeoutMs: 300,
            asyncFollowers: 0,
            fencing,
            fault: 'spike',
            spikeDuration: 'uniform(300,1000)',
            spikeDelay: 'uniform(250,600)',
            trials: 150,
            writeRate: 0.2,
          },
          35,
        );
        expect(result.unnecessary_failovers, `${election} fencing ${fencing}`).toBeGreaterThan(100);
        expect(result.acked_writes).toBeGreaterThan(20000);
        expect(result.acked_writes_lost, `${election} fencing ${fencing}`).toBe(0);
        for (const t of trials) expect(t.ackedWritesLostDirect).toBe(0);
        // The old leader's writes after the takeover are discarded, never acknowledged.
        expect(result.discarded_writes).toBeGreaterThan(0);
        // The slow leader's heartbeats arrive 250 ms or more late: the promises they bring back
        // outlast no 150 ms lease, so it holds none while the new leader serves.
        if (fencing === 'lease') expect(result.split_brain_ms.max).toBe(0);
      }
    }
  }, 120_000);

  it('one sync follower: no loss when it is promoted; an async follower ahead at the query loses what the live old leader still commits through the sync one', () => {
    // Unlike a crash, the old leader is alive: the sync follower keeps acknowledging its entries
    // until it hears of the new term, and the promoted async follower never had them.
    const { result, trials } = runFailoverWithTrials(
      {
        election: 'coordinator',
        timeoutMs: 300,
        asyncFollowers: 3,
        fault: 'spike',
        spikeDuration: 'uniform(300,1000)',
        spikeDelay: 'uniform(250,320)',
        trials: 400,
        writeRate: 0.5,
      },
      21,
    );
    expect(result.unnecessary_failovers).toBeGreaterThan(380);
    for (const t of trials) {
      expect(t.ackedWritesLost).toBe(t.ackedWritesLostDirect);
      if (t.newLeader === 1) expect(t.ackedWritesLost).toBe(0);
    }
    expect(result.acked_writes_lost).toBeGreaterThan(0);
    expect(trials.filter((t) => t.ackedWritesLost > 0).every((t) => t.newLeader !== 1)).toBe(true);
  }, 60_000);

  it('is a pure function of (config, seed)', () => {
    const config = { fault: 'spike' as const, trials: 20 };
    expect(runFailover(config, 36)).toEqual(runFailover(config, 36));
  });

  it('refuses bad spike input naming the field', () => {
    expect(refusedParameter(() => runFailover({ fault: 'spike', spikeDelay: 'exp(-1)' }, 1))).toBe(
      'spikeDelay',
    );
    expect(refusedParameter(() => runFailover({ fault: 'spike', spikeDuration: 'soon' }, 1))).toBe(
      'spikeDuration',
    );
    expect(refusedParameter(() => runFailover({ spikeDuration: 3 as unknown as string }, 1))).toBe(
      'spikeDuration',
    );
    expect(refusedParameter(() => runFailover({ fault: 'spikes' as 'spike' }, 1))).toBe('fault');
  });
});
