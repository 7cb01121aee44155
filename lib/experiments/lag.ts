/**
 * Replication lag and read routing: keys spread over partitions, each a leader with asynchronous
 * followers; clients write to the leader and read as the routing policy says, and the run counts
 * read-your-writes, monotonic-read and consistent-prefix violations.
 */
import { LAG_DEFAULTS, READ_ROUTINGS, type LagConfig } from '../strategies/leader-follower/lag-config.js';
import { combineMeanEstimates, latencySummary, type MeanEstimate } from '../stats/index.js';
import type { LagResult } from '../strategies/leader-follower/run-lag.js';
import { pooledRate } from './result-pool.js';
import { defineExperiment } from './define.js';
import { msText } from './format.js';
import { boolean, choice, distribution, integer, number, type ParamValues } from './param.js';

const d = LAG_DEFAULTS;

const params = {
  routing: choice(READ_ROUTINGS, {
    doc: 'the read-routing policy: which replica serves each read',
    default: d.routing,
    valueName: 'policy',
  }),
  followers: integer({ doc: 'asynchronous followers per partition', default: d.followers, min: 1, max: 64 }),
  partitions: integer({
    doc: 'partitions, each with its own leader (key k in partition k mod partitions)',
    default: d.partitions,
    min: 1,
    max: 64,
  }),
  replicationLatency: distribution({
    doc: 'one-way delay of each replicated entry from a leader to a follower, ms',
    default: d.replicationLatency,
  }),
  clientLatency: distribution({
    doc: 'one-way delay between a client and any node, ms',
    default: d.clientLatency,
  }),
  windowMs: number({
    doc: "leader-window: how long after a client's last write its reads go to the leader, ms",
    default: d.windowMs,
    min: 0,
    unit: 'ms',
  }),
  maxLagMs: number({
    doc: 'lag-bounded: followers lagging more than this are not read from, ms',
    default: d.maxLagMs,
    min: 0,
    unit: 'ms',
  }),
  positionWait: boolean({
    doc: "client-position: wait at the follower until it has the client's position instead of reading from the leader",
    default: d.positionWait,
  }),
  clients: integer({ doc: 'clients issuing operations, a count', default: d.clients, min: 1, max: 10000 }),
  keys: integer({ doc: 'keys, a count', default: d.keys, min: 1, max: 2 ** 24 }),
  zipf: number({
    doc: 'Zipf exponent of key popularity, unitless (0: uniform)',
    default: d.zipf,
    min: 0,
    valueName: 's',
  }),
  writeRatio: number({
    doc: 'P(an operation is a write), a probability',
    default: d.writeRatio,
    min: 0,
    max: 1,
    valueName: 'p',
  }),
  rate: number({
    doc: 'operations per second per client (Poisson)',
    default: d.ratePerMs * 1000,
    gt: 0,
    unit: 'per second',
    valueName: 'per-s',
  }),
  ops: integer({ doc: 'operations in the run, a count', default: d.ops, min: 1 }),
  replyRatio: number({
    doc: 'P(a write answers the last write its client read, on another key), a probability',
    default: d.replyRatio,
    min: 0,
    max: 1,
    valueName: 'p',
  }),
  monitorIntervalMs: number({
    doc: "how often each leader's lag monitor polls its followers' applied positions, ms (lag-bounded and client-position route on its last replies)",
    default: d.monitorIntervalMs,
    gt: 0,
    max: 3_600_000,
    unit: 'ms',
  }),
  causalPartitioning: boolean({
    doc: "store a write that answers another (reply-ratio) in the answered write's partition, so one log orders them",
    default: d.causalPartitioning,
  }),
  leaderLatency: number({
    doc: 'extra one-way delay on every client <-> leader trip (a leader in another datacenter), ms',
    default: d.leaderLatency,
    min: 0,
    unit: 'ms',
  }),
};

function summary(r: LagResult, seed: number, c: ParamValues<typeof params>): string {
  const iv = r.intervals;
  const mi = r.mean_intervals;
  const meanText = (e: MeanEstimate) =>
    e.mean === null ? '-' : `${msText(e.mean)} [${msText(e.low ?? e.mean)}, ${msText(e.high ?? e.mean)}]`;
  const pct = (e: { count: number; of: number; p: number; low: number; high: number }) =>
    `${e.count}/${e.of} = ${(100 * e.p).toFixed(2)}% [${(100 * e.low).toFixed(2)}%, ${(100 * e.high).toFixed(2)}%]`;
  return (
    [
      `lag: routing ${c.routing}, ${c.partitions} partitions x (leader + ${c.followers} followers), replication ${c.replicationLatency}; ${r.reads} reads, ${r.writes} writes; seed ${seed}`,
      `read-your-writes:   ${pct(iv.ryw_violations)} violations`,
      `monotonic reads:    ${pct(iv.monotonic_read_violations)} violations`,
      `consistent prefix:  ${pct(iv.consistent_prefix_violations)} violations`,
      `leader read share:  ${pct(iv.leader_read_share)}`,
      `replication lag:    p50 ${msText(r.lag_ms.p50)}, p99 ${msText(r.lag_ms.p99)}, max ${msText(r.lag_ms.max)}`,
      `read latency:       p50 ${msText(r.read_latency_ms.p50)}, p99 ${msText(r.read_latency_ms.p99)}${r.failed_reads > 0 ? `; ${r.failed_reads} reads lost` : ''}`,
      `lag at follower reads: true mean ${meanText(mi.replication_lag_ms)}, p99 ${msText(r.replication_lag_ms.p99)}; monitored (polled every ${msText(c.monitorIntervalMs)}) mean ${meanText(mi.monitored_lag_ms)}, p99 ${msText(r.monitored_lag_ms.p99)}`,
      `monitor underestimate: mean ${meanText(mi.monitor_underestimate_ms)}, p99 ${msText(r.monitor_underestimate_ms.p99)}, max ${msText(r.monitor_underestimate_ms.max)}`,
      `beyond ${msText(c.maxLagMs)} lag:    ${pct(iv.lag_bound_exceeded)} of follower reads`,
      `stale reads:        ${pct(iv.stale_reads)}; read age mean ${meanText(mi.read_age_ms)}, p99 ${msText(r.read_age_ms.p99)}; versions behind p99 ${Math.round(r.versions_behind.p99 ?? 0)}`,
    ].join('\n') + '\n'
  );
}

/**
 * `replilab lag`: one run of `ops` operations. A sweep runs `trials` independent runs per cell,
 * one per batch, each with a seed drawn from deriveStream(seed, cell, batch). Pooled: the anomaly
 * counts and their eligible reads summed (rates and Wilson 95% intervals from the pooled counts);
 * the replication lag from the merged histogram of every (entry, follower) apply of every run,
 * the read latency from that of every returned read, and likewise the monitor's and the true lag,
 * read age and versions behind. Main proportion (for `ci_width`):
 * `ryw_violations`. Follower crash-recovery (`followerCrash`) is a library option of runLag.
 */
export const lag = defineExperiment({
  name: 'lag',
  description:
    'simulate asynchronous followers under a client workload: replication lag, read routing, read-your-writes / monotonic-read / consistent-prefix violations',
  trialsUnit: 'independent runs of ops operations per cell',
  params,
  config: (v): Partial<LagConfig> => {
    const { rate, ...rest } = v;
    return { ...rest, ratePerMs: rate / 1000 };
  },
  run: async (config, seed, options) => {
    const { runLag } = await import('../strategies/leader-follower/run-lag.js');
    return runLag(config, seed, { onProgress: options.onProgress });
  },
  summary,
  examples: [
    'lag --routing random --json',
    'lag --routing sticky --followers 5 --replication-latency "lognormal(2,1.5)"',
    'lag --routing leader-window --window-ms 500 --json',
    'lag --routing client-position --position-wait --ops 50000',
    'lag --routing lag-bounded --max-lag-ms 10 --clients 50 --rate 20',
    'lag --routing lag-bounded --monitor-interval-ms 10 --json',
    'lag --routing sticky --causal-partitioning --json',
    'lag --routing leader-for-own --leader-latency 40 --json',
    'lag --routing sticky --out data/lag/sticky.csv',
  ],
  notes: `
Routing policies: random (any follower), sticky (one follower per client), leader-for-own (keys
the client wrote from the leader), leader-window (everything from the leader for --window-ms
after the client's last write), client-position (only from a follower that has the client's last
write and read positions; else the leader, or --position-wait there), lag-bounded (followers
lagging at most --max-lag-ms; else the leader). lag-bounded and client-position never see a
follower's true position: each leader's lag monitor polls its followers every
--monitor-interval-ms over the network, and they route on its last replies (client-position
also on the client's own positions); with --position-wait the follower holds the read until it
has the client's position.

--json prints one object: ryw_violations, monotonic_read_violations, consistent_prefix_violations
(fractions of eligible reads), leader_read_share, lag_ms{mean,p50,p90,p99,p999,max,samples},
read_latency_ms{...}, reads, writes, failed_reads; replication_lag_ms{...} and monitored_lag_ms{...}
(the true lag of the follower each follower read was sent to, and the monitor's figure for it, at
that moment), monitor_underestimate_ms{...} (max(0, true - monitored)), lag_bound_exceeded (share
of follower reads sent to a follower truly lagging more than --max-lag-ms); read_age_ms{...} (per
read: how long the newest write acknowledged before it had been committed, if the read returned
an older version; else 0), versions_behind{...}, stale_reads; mean_intervals{...} (the means of
those five with 95% intervals from 30 batch means per run); intervals{...} (count, of, p,
Wilson 95% low/high), then seed and the config that ran; distributions carry their sample count.
--out FILE.csv writes the same as one CSV row (the parameters, then the metrics with
_ci_low/_ci_high, then trials and seed) and FILE.manifest.json beside it; a sweep of lag writes
these columns per cell (mean_intervals pooled over the batches of every run of the cell).`,
  batch: {
    model: 'lag',
    batchTrials: 1,
    pool: {
      sum: ['reads', 'writes', 'failed_reads'],
      histograms: {
        lag_ms: latencySummary,
        read_latency_ms: latencySummary,
        replication_lag_ms: latencySummary,
        monitored_lag_ms: latencySummary,
        monitor_underestimate_ms: latencySummary,
        read_age_ms: latencySummary,
        versions_behind: latencySummary,
      },
      // The runs' batch means taken together: the interval of the cell's mean over all its batches.
      fold: {
        mean_intervals: {
          add: (state: Record<string, MeanEstimate> | undefined, value: unknown) => {
            const run = value as Record<string, MeanEstimate>;
            if (state === undefined) return run;
            return Object.fromEntries(
              Object.entries(run).map(([name, e]) => [name, combineMeanEstimates(state[name], e)]),
            );
          },
          result: (state: Record<string, MeanEstimate>) => state,
        },
      },
      derived: {
        ryw_violations: pooledRate('ryw_violations'),
        monotonic_read_violations: pooledRate('monotonic_read_violations'),
        consistent_prefix_violations: pooledRate('consistent_prefix_violations'),
        leader_read_share: pooledRate('leader_read_share'),
        lag_bound_exceeded: pooledRate('lag_bound_exceeded'),
        stale_reads: pooledRate('stale_reads'),
      },
    },
    mainInterval: 'ryw_violations',
    template: async () => {
      const { runLag } = await import('../strategies/leader-follower/run-lag.js');
      // Typed, not asserted: defineExperiment infers the config type from this too.
      const config: Partial<LagConfig> = {};
      return { result: runLag({ ops: 20 }, 1), config };
    },
  },
});
