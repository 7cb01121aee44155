import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../stats/index.js';
import { runFailover, runFailoverWithTrials } from '../strategies/leader-follower/run-failover.js';
import {
  batchSeed,
  expectRefusedNaming,
  expectRowsAgree,
  expectSameAtAnyThreads,
} from '../sweep/command-experiment.testkit.js';
import { runSweep } from '../sweep/run-sweep.js';
import { FAILOVER_BATCH_TRIALS, failover } from './failover.js';

const VALUES = failover.resolve({
  election: 'coordinator',
  timeoutMs: 300,
  fault: 'pause',
  pause: 'uniform(0,600)',
});
const SPEC = {
  experiment: 'failover',
  seed: 5,
  fixed: { election: 'coordinator', timeout_ms: 300, fault: 'pause', pause: 'uniform(0,600)' },
};

describe('sweep experiment failover', () => {
  it('the CSV is byte-identical at 1, 2 and 8 threads (two batches per cell), with the columns of replilab failover --out', async () => {
    const result = await expectSameAtAnyThreads({
      experiment: 'failover',
      seed: 2,
      trials: FAILOVER_BATCH_TRIALS + 5,
      grid: { timeout_ms: [300, 1000] },
      fixed: { election: 'coordinator', fault: 'pause' },
    });
    expect(result.cells.map((c) => c.rows![0].trials)).toEqual([30, 30]);
    const { columns } = failover.row(runFailover({ trials: 1 }, 1), 1, failover.defaults(), 1);
    expect(result.columns).toEqual(['cell', 'replicate', ...columns]);
    expect(result.cells.map((c) => c.rows![0].timeout_ms)).toEqual([300, 1000]);
  }, 60_000);

  it('a one-batch cell is runFailover with the seed drawn from deriveStream(seed, cell, 0)', async () => {
    const result = await runSweep({ ...SPEC, trials: FAILOVER_BATCH_TRIALS }, { threads: 1 });
    const config = failover.config(VALUES);
    const direct = runFailover({ ...config, trials: FAILOVER_BATCH_TRIALS }, batchSeed(5, 0, 0));
    expect(direct.unnecessary_failovers).toBeGreaterThan(0); // the comparison covers a non-trivial count
    expectRowsAgree(result.cells[0].rows![0], failover.row(direct, 5, VALUES, direct.trials).row);
  }, 30_000);

  it('batches pool: counts summed, intervals from pooled counts, recovery quantiles from every trial', async () => {
    const result = await runSweep({ ...SPEC, trials: 2 * FAILOVER_BATCH_TRIALS + 7 }, { threads: 1 });
    const row = result.cells[0].rows![0] as Record<string, number>;
    const config = failover.config(VALUES);
    const runs = [FAILOVER_BATCH_TRIALS, FAILOVER_BATCH_TRIALS, 7].map((trials, b) =>
      runFailoverWithTrials({ ...config, trials }, batchSeed(5, 0, b)),
    );
    const sum = (f: (r: (typeof runs)[number]) => number) => runs.reduce((total, r) => total + f(r), 0);
    expect(row.trials).toBe(57);
    expect(row.unnecessary_failovers).toBe(sum((r) => r.result.unnecessary_failovers));
    expect(row.unnecessary_failover_trials).toBe(
      sum((r) => r.result.intervals.unnecessary_failover_trials.count),
    );
    expect(row.unnecessary_failover_trials_of).toBe(57);
    expect(row.acked_writes).toBe(sum((r) => r.result.acked_writes));
    expect(row.election_rounds_max).toBe(Math.max(...runs.map((r) => r.result.election_rounds.max)));
    const recovery = new LogHistogram();
    for (const run of runs)
      for (const trial of run.trials) if (trial.recoveryMs !== null) recovery.record(trial.recoveryMs);
    expect(row.recovery_ms_samples).toBe(recovery.total);
    expect(row.recovery_ms_p90).toBe(recovery.quantile(0.9));
    expect(row.recovery_ms_max).toBe(recovery.max);
  }, 30_000);

  it("batches pool the split brain's mean and its interval, and the deposed leader's reads and writes, as one run of every trial would", async () => {
    const fixed = { fault: 'partition', fencing: 'none', read_rate: 50 };
    const result = await runSweep(
      { experiment: 'failover', seed: 6, trials: 2 * FAILOVER_BATCH_TRIALS + 7, fixed },
      { threads: 1 },
    );
    const row = result.cells[0].rows![0] as Record<string, number>;
    const config = failover.config(failover.resolve({ fault: 'partition', fencing: 'none', readRate: 50 }));
    const runs = [FAILOVER_BATCH_TRIALS, FAILOVER_BATCH_TRIALS, 7].map((trials, b) =>
      runFailoverWithTrials({ ...config, trials }, batchSeed(6, 0, b)),
    );
    // The oracle: every trial's split brain, its mean and two-pass sample deviation.
    const xs = runs.flatMap((r) => r.trials.map((t) => t.splitBrainMs));
    const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
    const half = 1.959963984540054 * (sd / Math.sqrt(xs.length));
    expect(row.split_brain_ms_mean).toBeCloseTo(mean, 6);
    expect(row.split_brain_ms_ci_low).toBeCloseTo(mean - half, 4);
    expect(row.split_brain_ms_ci_high).toBeCloseTo(mean + half, 4);
    expect(row.split_brain_ms_max).toBe(Math.max(...xs));
    const sum = (f: (t: (typeof runs)[number]['trials'][number]) => number) =>
      runs.reduce((total, r) => total + r.trials.reduce((a, t) => a + f(t), 0), 0);
    expect(row.deposed_leader_reads).toBe(sum((t) => t.deposedReads));
    expect(row.deposed_leader_reads).toBeGreaterThan(0);
    expect(row.reads_served).toBe(sum((t) => t.readsServed));
    expect(row.deposed_leader_acked_writes).toBe(sum((t) => t.deposedAckedWrites));
  }, 30_000);

  it('unnecessary failovers of a timeout detector against a paused leader follow P(pause > timeout - phase) within the pooled Wilson interval', async () => {
    // First-order closed form: the leader pauses for U(0, 1000) ms at a phase U(0, h) after its
    // last heartbeat (h = 50 ms); the detector fires, needlessly, when the pause outlasts the
    // timeout counted from that heartbeat: P = E[P(pause > T - phase)] = (1000 - T + h/2) / 1000
    // for T >= h. Message delays (exp(1), mean 1 ms) shift it by about 1 ms (0.001): the check
    // allows 0.005 beside the interval.
    const result = await runSweep(
      {
        experiment: 'failover',
        seed: 11,
        trials: 400,
        grid: { timeout_ms: [500, 800] },
        fixed: { election: 'coordinator', fault: 'pause', pause: 'uniform(0,1000)' },
      },
      { threads: 2 },
    );
    for (const cell of result.cells) {
      const row = cell.rows![0] as Record<string, number>;
      const expected = (1000 - row.timeout_ms + 25) / 1000;
      expect(row.unnecessary_failover_trials_of).toBe(400);
      expect(expected).toBeGreaterThanOrEqual(row.unnecessary_failover_trials_ci_low - 0.005);
      expect(expected).toBeLessThanOrEqual(row.unnecessary_failover_trials_ci_high + 0.005);
    }
  }, 60_000);

  it('bad values are refused before any work, naming the sweep field', () => {
    expectRefusedNaming(
      { experiment: 'failover', seed: 1, trials: 10, grid: { timeout_ms: [500, -3] } },
      'grid.timeout_ms',
    );
    expectRefusedNaming(
      { experiment: 'failover', seed: 1, trials: 10, fixed: { fault: 'melt' } },
      'fixed.fault',
    );
    expectRefusedNaming(
      { experiment: 'failover', seed: 1, trials: 10, cells: [{ election: 'raft' }, { election: 'vote' }] },
      'cells[1].election',
    );
    expectRefusedNaming(
      { experiment: 'failover', seed: 1, trials: 10, fixed: { fencing: 'maybe' } },
      'fixed.fencing',
    );
    expectRefusedNaming(
      { experiment: 'failover', seed: 1, trials: 10, fixed: { trials: 5 } },
      'fixed.trials',
    );
  });
});
