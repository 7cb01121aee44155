/**
 * Multi-leader replication across datacenters: each datacenter's leader accepts writes and
 * replicates them asynchronously over a topology; concurrent versions (version vectors) are
 * resolved by a policy, and the run counts conflicts, lost writes and convergence.
 */
import type { CountEstimate } from '../check/index.js';
import {
  MAX_DATACENTERS,
  MAX_LOCAL_FOLLOWERS,
  MULTI_LEADER_DEFAULTS,
  type MultiLeaderConfig,
} from '../strategies/multi-leader/multi-leader-config.js';
import { meanDivergence } from './divergence-pool.js';
import { followerLagSummary } from '../strategies/multi-leader/multi-leader-metrics.js';
import type { MultiLeaderResult } from '../strategies/multi-leader/run-multi-leader.js';
import { TOPOLOGIES } from '../strategies/multi-leader/topology.js';
import { MAX_KEYS } from '../workload/key-chooser.js';
import { medianAndTail } from './result-pool.js';
import { defineExperiment } from './define.js';
import { boolean, choice, distribution, integer, integers, number, type ParamValues } from './param.js';

const d = MULTI_LEADER_DEFAULTS;

/** The resolution policies a parameter can name ('custom' needs a function: a library option of runMultiLeader). */
const RESOLUTIONS = ['lww', 'replica-id', 'merge', 'merge-concat', 'siblings'] as const;

/** The failing datacenter's defaults when only `failDc` is given: down from the start, for good. */
const FAILURE_DEFAULTS = { atMs: 0, durationMs: null };

const params = {
  datacenters: integer({
    doc: 'datacenters, one leader each (a count)',
    default: d.datacenters,
    min: 1,
    max: MAX_DATACENTERS,
  }),
  topology: choice(TOPOLOGIES, { doc: 'how leaders forward writes to each other', default: d.topology }),
  interDcLatency: distribution({
    doc: 'one-way replication delay between two datacenters, ms (a D x D matrix: library only)',
    default: d.interDcLatency as string,
  }),
  localWriteLatency: distribution({
    doc: "from a write's arrival at its leader to its acknowledgement, ms",
    default: d.localWriteLatency,
  }),
  fifoLinks: boolean({
    doc: 'links deliver in send order, true or false (--no-fifo-links: each message its own delay, so they may overtake)',
    default: d.fifoLinks,
  }),
  clockSkew: distribution({
    doc: "each leader's clock offset, drawn once, ms; none: perfect clocks",
    default: d.clockSkew,
    nullText: 'none',
  }),
  clockDrift: number({
    doc: "each clock's rate error is uniform in [-max, max], a fraction (unitless)",
    default: d.clockDrift,
    min: 0,
    lt: 1,
    valueName: 'max',
  }),
  resolution: choice(RESOLUTIONS, {
    doc: 'how concurrent versions are resolved (a custom handler is a library option)',
    default: d.resolution as (typeof RESOLUTIONS)[number],
    valueName: 'policy',
  }),
  keys: integer({ doc: 'keys, a count', default: d.keys, min: 1, max: MAX_KEYS }),
  zipf: number({
    doc: 'Zipf exponent of key popularity, unitless (0: uniform)',
    default: d.zipf,
    min: 0,
    valueName: 's',
  }),
  writeRate: number({
    doc: 'writes arriving at each datacenter, per second (Poisson)',
    default: d.writeRatePerSec,
    gt: 0,
    unit: 'per second',
    valueName: 'per-s',
  }),
  durationMs: number({ doc: 'how long writes arrive, ms', default: d.durationMs, gt: 0, unit: 'ms' }),
  homeRouting: boolean({
    doc: "route each write to its key's home datacenter (key mod D) instead of the local one, avoiding conflicts",
    default: d.homeRouting,
  }),
  failDc: integer({
    doc: 'a datacenter that fails, by id (its users are rerouted to the next one); none: no outage',
    default: null,
    min: 0,
    max: MAX_DATACENTERS - 1,
    nullText: 'none',
    valueName: 'id',
  }),
  failAtMs: number({
    doc: 'when the failing datacenter goes down, ms',
    default: FAILURE_DEFAULTS.atMs,
    min: 0,
    unit: 'ms',
  }),
  failForMs: number({
    doc: 'how long the failing datacenter stays down, ms; inf: for good',
    default: FAILURE_DEFAULTS.durationMs,
    gt: 0,
    unit: 'ms',
    nullText: 'inf',
  }),
  divergenceSampleMs: number({
    doc: 'interval of the divergence samples (keys on which replicas differ), ms',
    default: d.divergenceSampleMs,
    gt: 0,
    unit: 'ms',
  }),
  localFollowers: integers({
    doc: 'local followers (read replicas) per datacenter leader, a count or a comma list of one per datacenter',
    default: d.localFollowers,
    min: 0,
    max: MAX_LOCAL_FOLLOWERS,
    listOf: 'one per datacenter',
  }),
  localReplicationLatency: distribution({
    doc: 'one-way delay from a leader to its local followers (FIFO), ms (a lab default, mean 1 ms)',
    default: d.localReplicationLatency,
  }),
  localReadRate: number({
    doc: 'reads arriving at each datacenter, per second (Poisson), served by a random local follower or the leader',
    default: d.localReadRatePerSec,
    min: 0,
    unit: 'per second',
    valueName: 'per-s',
  }),
};

type Values = ParamValues<typeof params>;

/** The names `--json` prints first, in this order; the rest of the result follows. */
function output(result: MultiLeaderResult): Record<string, unknown> {
  const {
    writes,
    acked_writes,
    conflicts,
    conflicts_per_1000_writes,
    acked_writes_lost,
    converged,
    convergence_ms,
    out_of_order_applies,
    ...rest
  } = result;
  return {
    writes,
    acked_writes,
    conflicts,
    conflicts_per_1000_writes,
    acked_writes_lost,
    converged,
    convergence_ms,
    out_of_order_applies,
    ...rest,
  };
}

function pct(e: CountEstimate): string {
  if (e.of === 0) return 'n/a (none eligible)';
  return `${e.p.toFixed(4)} [${e.low.toFixed(4)}, ${e.high.toFixed(4)}]  (${e.count} of ${e.of})`;
}

function summary(r: MultiLeaderResult, seed: number, c: Values): string {
  const ms = (x: number | null): string => (x === null ? 'n/a' : `${x.toPrecision(4)} ms`);
  const lines = [
    `multi-leader: ${c.datacenters} datacenters, ${c.topology}, links ${c.interDcLatency}${c.fifoLinks ? '' : ' (not FIFO)'}, ${c.resolution}, clock skew ${c.clockSkew ?? 'none'}, ${c.homeRouting ? 'home routing' : 'local writes'}, seed ${seed}`,
    `  ${r.writes} writes over ${c.keys} keys${c.zipf > 0 ? ` (Zipf ${c.zipf})` : ''} in ${c.durationMs} ms; ${r.sim_time_ms.toPrecision(6)} simulated ms; 95% intervals in brackets`,
    `conflicts:            ${pct(r.intervals.conflicts)}  = ${r.conflicts_per_1000_writes.toFixed(1)} per 1000 writes; ${r.conflict_detections} detections at leaders`,
    `acked writes lost:    ${pct(r.intervals.acked_writes_lost)}; by datacenter ${r.acked_writes_lost_by_datacenter.join(', ')}`,
    `out-of-order applies: ${pct(r.intervals.out_of_order_applies)} of replication messages`,
    `converged:            ${r.converged ? 'yes' : 'no'}; convergence ${ms(r.convergence_ms)} after the last write`,
    `write latency:        p50 ${ms(r.write_latency_ms.p50)}, p99 ${ms(r.write_latency_ms.p99)}, p99.9 ${ms(r.write_latency_ms.p999)}`,
    `siblings per read:    max ${r.max_siblings}, mean ${r.mean_siblings === null ? 'n/a' : r.mean_siblings.toFixed(3)}`,
  ];
  if (r.local_reads > 0 || r.follower_lag_ms.samples > 0) {
    const lag = r.follower_lag_ms;
    lines.push(
      `follower stale reads: ${pct(r.intervals.follower_stale_reads)} of follower reads; ${r.local_reads - r.follower_reads} reads served by leaders`,
      `follower lag:         p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}, max ${ms(lag.max)} (${lag.samples} applies)`,
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * `replilab conflicts`: one run of the multi-leader model. A sweep runs `trials` independent runs
 * of `durationMs` of writes per cell, one per batch, each with a seed drawn from
 * deriveStream(seed, cell, batch). Pooled over runs: counts summed (lost writes per datacenter
 * elementwise; conflicts_per_1000_writes and every Wilson 95% interval from the pooled counts),
 * write-latency quantiles from the merged histogram of every acknowledged write and the followers'
 * lag from that of every follower apply, max_siblings the largest, mean_siblings weighted,
 * converged when every run converged, convergence_ms the mean over the runs that converged, and
 * the divergence series the mean divergent keys at each sample time ({@link meanDivergence}).
 * Main proportion (for `ci_width`): `conflicts`. A latency matrix, offline devices and a custom
 * conflict handler are library options of runMultiLeader.
 */
export const conflicts = defineExperiment({
  name: 'conflicts',
  description:
    'simulate multi-leader replication across datacenters (topologies, clock skew, conflict detection with version vectors, resolution policies, home routing, outages) and count conflicts and lost writes',
  trialsUnit: 'independent runs of duration_ms of writes per cell',
  params,
  checks: [
    (v) =>
      v.failDc !== null && v.failDc > v.datacenters - 1
        ? { param: 'failDc', allowed: `a datacenter id from 0 to ${v.datacenters - 1}, or none` }
        : undefined,
    (v) =>
      v.failDc !== null && v.datacenters < 2
        ? {
            param: 'failDc',
            allowed: 'none: an outage needs at least 2 datacenters (its users are rerouted)',
          }
        : undefined,
    (v) =>
      v.failDc === null &&
      (v.failAtMs !== FAILURE_DEFAULTS.atMs || v.failForMs !== FAILURE_DEFAULTS.durationMs)
        ? {
            param: 'failDc',
            allowed: `a datacenter id from 0 to ${v.datacenters - 1}: an outage's time and length need the datacenter that fails`,
          }
        : undefined,
    (v) =>
      Array.isArray(v.localFollowers) && v.localFollowers.length !== v.datacenters
        ? {
            param: 'localFollowers',
            allowed: `one count, or a comma list of ${v.datacenters} (one per datacenter)`,
          }
        : undefined,
  ],
  config: (v): Partial<MultiLeaderConfig> => {
    const { writeRate, localReadRate, failDc, failAtMs, failForMs, ...rest } = v;
    return {
      ...rest,
      writeRatePerSec: writeRate,
      localReadRatePerSec: localReadRate,
      dcFailure: failDc === null ? null : { dc: failDc, atMs: failAtMs, durationMs: failForMs ?? Infinity },
    };
  },
  run: async (config, seed, options) => {
    const { runMultiLeader } = await import('../strategies/multi-leader/run-multi-leader.js');
    return runMultiLeader(config, seed, { onProgress: options.onProgress });
  },
  output,
  summary,
  examples: [
    'conflicts --datacenters 3 --write-rate 100 --keys 100',
    'conflicts --resolution lww --clock-skew "uniform(0,50)" --json',
    'conflicts --topology ring --inter-dc-latency "uniform(20,120)" --no-fifo-links',
    'conflicts --home-routing --fail-dc 1 --fail-at-ms 2000 --fail-for-ms 1000',
    'conflicts --resolution siblings --zipf 1.1 --keys 1000 --duration-ms 60000',
    'conflicts --local-followers 2 --local-replication-latency "const(20)" --local-read-rate 200',
    'conflicts --local-followers 0,2,2 --local-read-rate 200 --json',
    'conflicts --resolution lww --clock-skew "uniform(0,50)" --out data/conflicts/lww-skew.csv',
  ],
  notes: `
Each datacenter's leader accepts writes (a Poisson stream of --write-rate writes per second at
each datacenter, keys uniform or Zipf) and replicates them asynchronously over the topology.
Values are sets of write ids; a leader resolves concurrent versions (detected with version
vectors) by the --resolution policy. A write is in conflict when it is concurrent with another
write to its key. acked_writes_lost: acknowledged writes missing from the final merged value.
convergence_ms: from the last write until every leader has seen every write (null: never).
out_of_order_applies: versions that reached a leader before something their writer had seen.
Local followers apply their leader's versions in its apply order after
--local-replication-latency; --local-read-rate reads per second at each datacenter go to a random
local follower (or to the leader when there is none). follower_stale_reads: follower reads that
missed a version their leader had applied before the read began.

--json prints one object: writes, acked_writes, conflicts, conflicts_per_1000_writes,
acked_writes_lost, converged, convergence_ms, out_of_order_applies, then conflict_detections,
acked_writes_lost_by_datacenter, unacked_writes_surviving, replication_messages, handler_calls,
max_siblings, mean_siblings, write_latency_ms{p50,p99,p999}, divergence[{t_ms,divergent_keys}],
events, sim_time_ms, local_reads, follower_reads, follower_stale_reads,
follower_lag_ms{p50,p99,max,samples}, intervals{conflicts,acked_writes_lost,out_of_order_applies,
follower_stale_reads} (count, of, p, Wilson 95% low/high), seed and the config that ran. --out
FILE.csv writes the same as one CSV row (the parameters, then the metrics with _ci_low/_ci_high,
then trials and seed) and FILE.manifest.json beside it; a sweep of conflicts writes these
columns per cell.`,
  batch: {
    model: 'conflicts',
    batchTrials: 1,
    pool: {
      sum: [
        'writes',
        'acked_writes',
        'conflicts',
        'conflict_detections',
        'acked_writes_lost',
        'acked_writes_lost_by_datacenter',
        'unacked_writes_surviving',
        'out_of_order_applies',
        'replication_messages',
        'handler_calls',
        'events',
        'sim_time_ms',
        'local_reads',
        'follower_reads',
        'follower_stale_reads',
      ],
      max: ['max_siblings'],
      every: ['converged'],
      meanOfSet: ['convergence_ms'],
      weighted: ['mean_siblings'],
      histograms: { write_latency_ms: medianAndTail, follower_lag_ms: followerLagSummary },
      fold: { divergence: meanDivergence },
      derived: {
        conflicts_per_1000_writes: (pooled) =>
          pooled.writes === 0 ? 0 : (1000 * pooled.conflicts) / pooled.writes,
      },
    },
    mainInterval: 'conflicts',
    template: async () => {
      const { runMultiLeader } = await import('../strategies/multi-leader/run-multi-leader.js');
      // Typed, not asserted: defineExperiment infers the config type from this too.
      const config: Partial<MultiLeaderConfig> = {};
      return { result: runMultiLeader({ durationMs: 10 }, 1), config };
    },
  },
});
