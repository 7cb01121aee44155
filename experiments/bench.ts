/**
 * `npm run bench`: performance figures of the fast Monte Carlo kernel (a benchmark that prints
 * numbers; no test depends on timing).
 *
 * Prints, on one core (no worker threads):
 * - fast WARS trials per second for N=3, R=W=1 under several latency models;
 * - the wall time to produce a whole 0 to 200 ms curve (201 points) at 100,000 trials,
 *   including validation, batching and the merge.
 * The targets: >= 5 million trials/s per core, and the curve in under 0.1 s.
 *
 * Then the sweep path: the speed-up of 2 worker threads over 1 on a CPU-bound sweep
 * (target >= 1.8x on a 2-core machine), and the overhead of runSweep over calling the model
 * directly for 1,000 small cells (target < 5%).
 *
 * Then the leaderless cluster: simulated events per second on one core for a 5-node
 * N=3 cluster under a steady read/write workload, end to end with every metric (target >= 3
 * million), and the heap after a 200k-op and a 2M-op run.
 *
 * Then every other family's run with its streaming metrics (failover, lag, conflicts, the
 * staleness event engine): simulated events per second on one core (target >= 2 million each),
 * and the peak resident set size of `replilab lag` and `replilab conflicts` (the built CLI in a
 * child process) at their default size and at 10 times the operations or the duration (target:
 * the 10x peak within 1.3 times the 1x peak).
 */
import { performance } from 'node:perf_hooks';
import { resolveLatency } from '../lib/latency/index.js';
import { runWarsFastBatch } from '../lib/fast/wars-fast.js';
import { runStaleness } from '../lib/experiments/staleness-run.js';
import { deriveStream } from '../lib/random/index.js';
import { availableParallelism, loadavg } from 'node:os';
import { runSweep } from '../lib/sweep/run-sweep.js';
import type { SweepSpec } from '../lib/sweep/spec.js';
import { SELFTEST_BATCH_TRIALS } from '../lib/sweep/selftest.js';
import { selftestBatchModel } from '../lib/experiments/batch/selftest.js';
import { loadBatchModels, runTask } from '../lib/experiments/batch-models.js';
import {
  runLeaderless,
  runLeaderlessTimed,
  runLeaderlessWithHistory,
} from '../lib/strategies/leaderless/run-leaderless.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LogHistogram, wilsonInterval } from '../lib/stats/index.js';
import { runFailoverSummary } from '../lib/strategies/leader-follower/run-failover.js';
import { runLagSummary } from '../lib/strategies/leader-follower/run-lag.js';
import { runMultiLeaderSummary } from '../lib/strategies/multi-leader/run-multi-leader.js';
import { WarsEventModel } from '../lib/strategies/leaderless/wars-event.js';

const MODELS = ['exp(1)', 'lnkd-ssd', 'lnkd-disk', 'ymmr', 'wan'];
const TRIALS = 2_000_000;
const grid = Array.from({ length: 201 }, (_, i) => i);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** `node dist/experiments/bench.js families rss` runs only those sections; no argument runs all. */
const SECTIONS = ['kernel', 'curve', 'sweep', 'leaderless', 'families', 'rss'];
const chosen = process.argv.slice(2);
for (const name of chosen)
  if (!SECTIONS.includes(name)) throw new Error(`unknown section ${name}: one of ${SECTIONS.join(', ')}`);
const want = (section: string): boolean => chosen.length === 0 || chosen.includes(section);
/** Each figure is printed beside its target, with whether it meets it. */
const verdict = (met: boolean): string => (met ? 'PASS' : 'MISS');

console.log(
  `node ${process.version}, one thread; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} on ${availableParallelism()} cores (other work on the machine lowers every rate below)`,
);
if (want('kernel')) {
  console.log('fast WARS kernel, N=3 R=1 W=1, 201-point grid:');
  for (const model of MODELS) {
    const config = { n: 3, r: 1, w: 1, legs: resolveLatency(model) };
    runWarsFastBatch(config, grid, 200_000, deriveStream(99)); // warm-up: let the JIT settle
    const rates: number[] = [];
    for (let repeat = 0; repeat < 3; repeat++) {
      const started = performance.now();
      runWarsFastBatch(config, grid, TRIALS, deriveStream(repeat));
      rates.push(TRIALS / ((performance.now() - started) / 1000));
    }
    console.log(
      `  ${model.padEnd(10)} ${(median(rates) / 1e6).toFixed(2)} million trials/s (median of 3 runs of ${TRIALS / 1e6} M; target >= 5M: ${verdict(median(rates) >= 5e6)})`,
    );
  }
}

if (want('curve')) {
  console.log('whole curve, t = 0:200:1, 100,000 trials, lnkd-disk, N=3 R=1 W=1, threads=1:');
  const legs = resolveLatency('lnkd-disk');
  const times: number[] = [];
  for (let repeat = 0; repeat < 7; repeat++) {
    const started = performance.now();
    await runStaleness({ n: 3, r: 1, w: 1, legs, tGridMs: grid, trials: 100_000, seed: repeat, threads: 1 });
    times.push(performance.now() - started);
  }
  console.log(
    `  first run ${times[0].toFixed(1)} ms, median of the next 6: ${median(times.slice(1)).toFixed(1)} ms (target < 100 ms: ${verdict(median(times.slice(1)) < 100)})`,
  );
}

// ---- Sweeps: speed-up of 2 threads over 1, and the sweep path's overhead.
if (want('sweep')) {
  const cpuBound: SweepSpec = {
    experiment: 'selftest',
    seed: 1,
    trials: 16384 * 24,
    grid: { k: [2, 3, 4, 5, 6, 7, 8, 9] },
    fixed: { x: 1, work: 32 },
  };
  const sweepTime = async (spec: SweepSpec, threads: number) => {
    const started = performance.now();
    await runSweep(spec, { threads });
    return performance.now() - started;
  };
  await sweepTime(cpuBound, 2); // warm-up
  const oneThread: number[] = [];
  const twoThreads: number[] = [];
  for (let repeat = 0; repeat < 3; repeat++) {
    oneThread.push(await sweepTime(cpuBound, 1));
    twoThreads.push(await sweepTime(cpuBound, 2));
  }
  console.log(
    `sweep speed-up, CPU-bound selftest sweep (8 cells x ${cpuBound.trials} trials, work 32; about 4 s on one thread), median of 3:`,
  );
  console.log(
    `  1 thread ${median(oneThread).toFixed(0)} ms, 2 threads ${median(twoThreads).toFixed(0)} ms: ` +
      `${(median(oneThread) / median(twoThreads)).toFixed(2)}x (target >= 1.8x on 2 cores: ${verdict(median(oneThread) / median(twoThreads) >= 1.8)}; this machine has ${availableParallelism()})`,
  );

  // 1,000 small cells (one batch of 16,384 trials each): the sweep path against the same batches
  // run by a plain loop with nothing else around it, two ways: calling the model's runBatch itself,
  // and through runTask (the model registry's dispatch, which the sweep path also goes through).
  const smallCells = 1000;
  const xs = Array.from({ length: smallCells }, (_, i) => Number((0.5 + i / smallCells).toFixed(4)));
  const small: SweepSpec = {
    experiment: 'selftest',
    seed: 1,
    trials: SELFTEST_BATCH_TRIALS,
    grid: { x: xs },
    fixed: { k: 2, work: 1 },
  };
  await loadBatchModels();
  const directLoop = (viaRegistry: boolean) => {
    const started = performance.now();
    let total = 0;
    xs.forEach((x, cell) => {
      const params = { k: 2, x, work: 1, fail: false };
      const summary = (
        viaRegistry
          ? runTask({ model: 'selftest', params, seed: 1, cell, batch: 0, trials: SELFTEST_BATCH_TRIALS })
          : selftestBatchModel.runBatch(params, SELFTEST_BATCH_TRIALS, deriveStream(1, cell, 0))
      ) as { successes: number; trials: number };
      total += wilsonInterval(summary.successes, summary.trials).p;
    });
    if (!(total > 0)) throw new Error('unexpected');
    return performance.now() - started;
  };
  directLoop(false);
  directLoop(true);
  await sweepTime(small, 1);
  const ROUNDS = 31;
  const bareTimes: number[] = [];
  const registryTimes: number[] = [];
  const sweepTimes: number[] = [];
  const sweepCsvTimes: number[] = [];
  /** runSweep, then the CSV text (what `--out` writes) rendered from its results. */
  const sweepWithCsv = async () => {
    const started = performance.now();
    const result = await runSweep(small, { threads: 1 });
    if (result.csv.length === 0) throw new Error('unexpected');
    return performance.now() - started;
  };
  // Alternating order (direct then sweep, then sweep then direct, ...), so a slow spell of the machine
  // falls on both paths alike.
  for (let round = 0; round < ROUNDS; round++) {
    bareTimes.push(directLoop(false));
    if (round % 2 === 0) {
      registryTimes.push(directLoop(true));
      sweepTimes.push(await sweepTime(small, 1));
    } else {
      sweepTimes.push(await sweepTime(small, 1));
      registryTimes.push(directLoop(true));
    }
    sweepCsvTimes.push(await sweepWithCsv());
  }
  // Runs of ~0.3 s vary by several percent on a shared machine (a VM's neighbours), as much as the
  // overhead itself. The figure pairs each round's runSweep with the same round's direct loop
  // through runTask (the same model call the sweep makes, via the registry), so drifts between
  // rounds cancel, and takes the median of the ratios; the fastest runs are shown beside it.
  const fastest = (values: number[]) => Math.min(...values);
  const percent = (pick: (values: number[]) => number, a: number[], b: number[]) =>
    `${((pick(a) / pick(b) - 1) * 100).toFixed(1)}%`;
  const ratios = sweepTimes.map((t, i) => t / registryTimes[i] - 1).sort((a, b) => a - b);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `sweep overhead, ${smallCells} small selftest cells (${SELFTEST_BATCH_TRIALS} trials each), one thread, ${ROUNDS} alternating rounds:`,
  );
  console.log(
    `  fastest: model's runBatch in a loop ${fastest(bareTimes).toFixed(0)} ms; through runTask ${fastest(registryTimes).toFixed(0)} ms; runSweep ${fastest(sweepTimes).toFixed(0)} ms`,
  );
  console.log(
    `  overhead of runSweep over the direct loop, paired by round: median ${pct(median(ratios))} ` +
      `(quartiles ${pct(ratios[Math.floor(ROUNDS / 4)])} to ${pct(ratios[Math.floor((3 * ROUNDS) / 4)])}); fastest runs ${percent(fastest, sweepTimes, registryTimes)} (target < 5%, median: ${verdict(median(ratios) < 0.05)})`,
  );
  const csvRatios = sweepCsvTimes.map((t, i) => t / registryTimes[i] - 1).sort((a, b) => a - b);
  console.log(
    `  with the CSV text rendered as well (what --out writes; csv-stringify): median ${pct(median(csvRatios))}, fastest runs ${percent(fastest, sweepCsvTimes, registryTimes)}`,
  );
}

// Leaderless cluster: simulated events per second on one core for a 5-node N=3
// cluster (R=W=2, LWW, lnkd-ssd legs, 1000 uniform keys, 10 open-loop clients, 50% writes), end
// to end: runLeaderless, the simulation with every metric of the result (streaming checkers, no
// history), plus the result's assembly. Rates from CPU time (process.cpuUsage: user + system of
// the process, garbage-collector threads included) are less disturbed by other work on a shared
// machine than wall-clock rates; both are printed, the CPU-time median is the figure quoted.
// Memory: heap used after a forced collection, after a 200k-op and a 2M-op run (the summary path
// keeps no per-operation state, so the two should be about equal).
if (want('leaderless')) {
  {
    const llOps = 200_000;
    const llConfig = { ops: llOps };
    runLeaderless(llConfig, 0); // warm-up: one whole run, so the runs measured are compiled code
    const wallRates: number[] = [];
    const cpuRates: number[] = [];
    let events = 0;
    for (let repeat = 0; repeat < 9; repeat++) {
      const cpu0 = process.cpuUsage();
      const run = runLeaderlessTimed(llConfig, repeat + 1);
      const cpu = process.cpuUsage(cpu0);
      events = run.result.events;
      wallRates.push((events / (run.wallMs.simulate + run.wallMs.metrics)) * 1000);
      cpuRates.push((events / ((cpu.user + cpu.system) / 1000)) * 1000);
    }
    const m = (values: number[]) => `${(median(values) / 1e6).toFixed(2)}M`;
    const best = (values: number[]) => `${(Math.max(...values) / 1e6).toFixed(2)}M`;
    console.log(
      `leaderless cluster, 5 nodes N=3 R=W=2 LWW, ${llOps} ops (~${(events / 1e6).toFixed(2)}M events), runLeaderless end to end (streaming metrics), 9 runs after a warm-up run:`,
    );
    console.log(
      `  CPU time: median ${m(cpuRates)} events/s (best ${best(cpuRates)}); wall clock: median ${m(wallRates)} events/s (best ${best(wallRates)}) (target >= 3M events/s, CPU-time median: ${verdict(median(cpuRates) >= 3e6)})`,
    );
    // A forced collection: expose V8's gc() for this process (the bench is run without --expose-gc).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapAfter = (ops: number): number => {
      runLeaderless({ ops }, 1);
      gc();
      return process.memoryUsage().heapUsed / 1e6;
    };
    const heap200k = heapAfter(200_000);
    const heap2M = heapAfter(2_000_000);
    console.log(
      `  heap used after a collection: ${heap200k.toFixed(1)} MB after a 200k-op run, ${heap2M.toFixed(1)} MB after a 2M-op run`,
    );
    const historyRate = (): number => {
      const cpu0 = process.cpuUsage();
      const run = runLeaderlessWithHistory(llConfig, 1);
      const cpu = process.cpuUsage(cpu0);
      return (run.result.events / ((cpu.user + cpu.system) / 1000)) * 1000;
    };
    console.log(
      `  for comparison, recording the full history and running the history checkers (runLeaderlessWithHistory): ${(historyRate() / 1e6).toFixed(2)}M events/s (CPU time, one run)`,
    );
  }
}

// Every other family: events per second on one core, each run end to end with its streaming
// metrics (no history), measured as the leaderless figure above: a warm-up run, then 9 runs; the
// CPU-time median is the figure quoted, the wall-clock median beside it.
if (want('families')) {
  {
    const eventRate = (name: string, describe: string, run: (seed: number) => number): void => {
      run(0); // warm-up
      const cpuRates: number[] = [];
      const wallRates: number[] = [];
      let events = 0;
      for (let repeat = 0; repeat < 9; repeat++) {
        const cpu0 = process.cpuUsage();
        const wall0 = performance.now();
        events = run(repeat + 1);
        const wall = performance.now() - wall0;
        const cpu = process.cpuUsage(cpu0);
        cpuRates.push((events / ((cpu.user + cpu.system) / 1000)) * 1000);
        wallRates.push((events / wall) * 1000);
      }
      const m = (values: number[]) => `${(median(values) / 1e6).toFixed(2)}M`;
      console.log(
        `  ${name.padEnd(10)} ${describe} (~${(events / 1e6).toFixed(2)}M events): CPU time median ${m(cpuRates)} events/s (best ${(Math.max(...cpuRates) / 1e6).toFixed(2)}M), wall clock median ${m(wallRates)} (target >= 2M, CPU-time median: ${verdict(median(cpuRates) >= 2e6)})`,
      );
    };
    console.log(
      'every family, one core, end to end with its streaming metrics, 9 runs after a warm-up run (target >= 2M events/s each; quoted: CPU-time median):',
    );
    eventRate(
      'failover',
      'runFailoverSummary, 200 Raft trials, defaults',
      (seed) => runFailoverSummary({ trials: 200 }, seed).events,
    );
    eventRate(
      'lag',
      'runLagSummary, 200k ops, defaults',
      (seed) => runLagSummary({ ops: 200_000 }, seed).events,
    );
    eventRate(
      'conflicts',
      'runMultiLeaderSummary, 3 datacenters, 100 s of writes, defaults',
      (seed) => runMultiLeaderSummary({ durationMs: 100_000 }, seed).result.events,
    );
    // The staleness event engine as its sweep batch runs it: one trial after another on one model,
    // the outcome counted and both latencies recorded.
    eventRate('staleness', 'WarsEventModel, N=3 R=W=1, lnkd-ssd, t = 5 ms, 100k trials', (seed) => {
      const model = new WarsEventModel({ n: 3, r: 1, w: 1, legs: resolveLatency('lnkd-ssd') });
      const rng = deriveStream(seed);
      const readLatency = new LogHistogram();
      const writeLatency = new LogHistogram();
      let consistent = 0;
      let events = 0;
      for (let i = 0; i < 100_000; i++) {
        const outcome = model.trial(5, rng);
        if (outcome.consistent) consistent++;
        readLatency.record(outcome.readLatencyMs);
        writeLatency.record(outcome.writeLatencyMs);
        events += model.eventsInLastTrial;
      }
      if (!(consistent > 0)) throw new Error('unexpected');
      return events;
    });
  }
}

// Peak resident set size of the CLI's lag and conflicts runs, at their default size and at 10 and
// 100 times the operations or the duration: the built CLI in a child process, its peak read from
// getrusage at exit (rss-hook.ts). Median of 3 runs (the 100x line: one run).
if (want('rss')) {
  {
    const cli = fileURLToPath(new URL('../lib/cli/main.js', import.meta.url));
    const hook = pathToFileURL(fileURLToPath(new URL('./rss-hook.js', import.meta.url))).href;
    const peakRssMb = (args: string[]): number => {
      const run = spawnSync(process.execPath, ['--import', hook, cli, ...args, '--json'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      const found = /replilab-max-rss-kb (\d+)/.exec(run.stderr);
      if (run.status !== 0 || found === null)
        throw new Error(`replilab ${args.join(' ')} failed: ${run.stderr}`);
      return Number(found[1]) / 1024;
    };
    const medianPeak = (args: string[], runs: number) =>
      median(Array.from({ length: runs }, () => peakRssMb(args)));
    console.log(
      'peak RSS of the CLI (a child process per run; median of 3 runs; target: 10x within 1.3x of 1x):',
    );
    for (const [command, flag, base, unit] of [
      ['lag', '--ops', 20_000, 'ops'],
      ['conflicts', '--duration-ms', 10_000, 'ms'],
    ] as const) {
      const one = medianPeak([command, flag, String(base)], 3);
      const ten = medianPeak([command, flag, String(10 * base)], 3);
      const hundred = medianPeak([command, flag, String(100 * base)], 1);
      console.log(
        `  replilab ${command}: 1x (${base} ${unit}) ${one.toFixed(0)} MB, 10x ${ten.toFixed(0)} MB (${(ten / one).toFixed(2)}x; target <= 1.3x: ${verdict(ten / one <= 1.3)}), 100x ${hundred.toFixed(0)} MB (${(hundred / one).toFixed(2)}x)`,
      );
    }
  }
}
