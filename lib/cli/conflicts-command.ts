import { Command } from 'commander';
import { ParameterError } from '../errors.js';
import type { CountEstimate } from '../check/index.js';
import {
  MULTI_LEADER_DEFAULTS,
  validateMultiLeaderConfig,
  type MultiLeaderConfig,
} from '../strategies/multi-leader/multi-leader-config.js';
import { runMultiLeader, type MultiLeaderResult } from '../strategies/multi-leader/run-multi-leader.js';
import { conflictsCsvRow } from './conflicts-row.js';
import { parseWholeNumber } from './parse-values.js';
import { runModelCommand } from './run-output.js';

/** The flags of `replilab conflicts`, as commander hands them over (text; nothing has a commander default). */
export interface ConflictsFlags {
  datacenters?: string;
  topology?: string;
  interDcLatency?: string;
  localWriteLatency?: string;
  nonFifo?: boolean;
  clockSkew?: string;
  clockDrift?: string;
  resolution?: string;
  keys?: string;
  zipf?: string;
  writeRate?: string;
  duration?: string;
  homeRouting?: boolean;
  failDc?: string;
  failAt?: string;
  failFor?: string;
  localFollowers?: string;
  localReplicationLatency?: string;
  localReadRate?: string;
  seed?: string;
  out?: string;
  json?: boolean;
}

/** Config field -> the flag that sets it (errors from validation are renamed to the flag). */
const FLAG_OF: Record<string, string> = {
  datacenters: '--datacenters',
  topology: '--topology',
  interDcLatency: '--inter-dc-latency',
  localWriteLatency: '--local-write-latency',
  fifoLinks: '--non-fifo',
  clockSkew: '--clock-skew',
  clockDrift: '--clock-drift',
  resolution: '--resolution',
  keys: '--keys',
  zipf: '--zipf',
  writeRatePerSec: '--write-rate',
  durationMs: '--duration',
  homeRouting: '--home-routing',
  'dcFailure.dc': '--fail-dc',
  'dcFailure.atMs': '--fail-at',
  'dcFailure.durationMs': '--fail-for',
  dcFailure: '--fail-dc',
  localFollowers: '--local-followers',
  localReplicationLatency: '--local-replication-latency',
  localReadRatePerSec: '--local-read-rate',
};

/** Policies the CLI offers ('custom' needs a function: library only). */
const CLI_RESOLUTIONS = ['lww', 'replica-id', 'merge', 'merge-concat', 'siblings'] as const;

const d = MULTI_LEADER_DEFAULTS;

const EXAMPLES = `
Examples:
  $ replilab conflicts --datacenters 3 --write-rate 100 --keys 100
  $ replilab conflicts --resolution lww --clock-skew "uniform(0,50)" --json
  $ replilab conflicts --topology ring --inter-dc-latency "uniform(20,120)" --non-fifo
  $ replilab conflicts --home-routing --fail-dc 1 --fail-at 2000 --fail-for 1000
  $ replilab conflicts --resolution siblings --zipf 1.1 --keys 1000 --duration 60000
  $ replilab conflicts --local-followers 2 --local-replication-latency "const(20)" --local-read-rate 200
  $ replilab conflicts --resolution lww --clock-skew "uniform(0,50)" --out data/conflicts/lww-skew.csv

Each datacenter's leader accepts writes (a Poisson stream of --write-rate writes per second at each
datacenter, keys uniform or Zipf) and replicates them asynchronously over the topology. Values are
sets of write ids; a leader resolves concurrent versions (detected with version vectors) by the
--resolution policy. A write is in conflict when it is concurrent with another write to its key.
acked_writes_lost: acknowledged writes missing from the final merged value.
convergence_ms: from the last write until every leader has seen every write (null: never).
out_of_order_applies: versions that reached a leader before something their writer had seen.
Local followers (--local-followers) apply their leader's versions in its apply order after
--local-replication-latency (default exp(1), mean 1 ms: a lab default for replicas in one
datacenter); --local-read-rate reads per second at each datacenter go to a random local follower
(or to the leader when there is none). follower_stale_reads: follower reads that missed a version
their leader had applied before the read began.

Distributions (SPEC) in ms: const(50) uniform(20,80) exp(0.02) normal(50,10) lognormal(3,0.5)
  const(40)+exp(0.1) file:PATH.csv. The library also takes a D x D latency matrix, devices that
  write offline, and a custom on-write conflict handler (runMultiLeader in the library).

--json prints one object: writes, acked_writes, conflicts, conflicts_per_1000_writes,
acked_writes_lost, converged, convergence_ms, out_of_order_applies, then conflict_detections,
acked_writes_lost_by_datacenter, unacked_writes_surviving, replication_messages, handler_calls,
max_siblings, mean_siblings, write_latency_ms{p50,p99,p999}, divergence[{t_ms,divergent_keys}],
events, sim_time_ms, local_reads, follower_reads, follower_stale_reads,
follower_lag_ms{p50,p99,max,samples}, intervals{conflicts,acked_writes_lost,out_of_order_applies,
follower_stale_reads} (count, of, p, Wilson 95% low/high), seed and the config that ran. --out FILE.csv
writes the same as one CSV row (the config's fields, then the metrics with _ci_low/_ci_high, then
trials and seed) and FILE.manifest.json beside it; a sweep of conflicts (replilab sweep) writes
these columns per cell.`;

/** A decimal number flag (`50`, `0.9`, `1e4`), or with `allowInfinity` also `inf`; ranges are checked by the config validation. */
function parseNumberFlag(flag: string, text: string, allowInfinity = false): number {
  if (allowInfinity && /^\s*inf(inity)?\s*$/i.test(text)) return Infinity;
  if (/^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(text)) return Number(text);
  throw new ParameterError(flag, JSON.stringify(text), allowInfinity ? 'a number, or inf' : 'a number');
}

/**
 * The config and seed of a `replilab conflicts` run, validated. Every refusal is one
 * ParameterError naming the flag.
 *
 * @example
 * conflictsRunFromFlags({ datacenters: '2', resolution: 'merge' }).config; // { datacenters: 2, resolution: 'merge' }
 */
export function conflictsRunFromFlags(flags: ConflictsFlags): {
  config: Partial<MultiLeaderConfig>;
  seed: number;
} {
  const config: Partial<MultiLeaderConfig> = {};
  if (flags.datacenters !== undefined)
    config.datacenters = parseWholeNumber('--datacenters', flags.datacenters, 1);
  if (flags.topology !== undefined) config.topology = flags.topology as MultiLeaderConfig['topology'];
  if (flags.interDcLatency !== undefined) config.interDcLatency = flags.interDcLatency;
  if (flags.localWriteLatency !== undefined) config.localWriteLatency = flags.localWriteLatency;
  if (flags.nonFifo === true) config.fifoLinks = false;
  if (flags.clockSkew !== undefined)
    config.clockSkew = /^none$/i.test(flags.clockSkew.trim()) ? null : flags.clockSkew;
  if (flags.clockDrift !== undefined) config.clockDrift = parseNumberFlag('--clock-drift', flags.clockDrift);
  if (flags.resolution !== undefined) {
    if (!(CLI_RESOLUTIONS as readonly string[]).includes(flags.resolution)) {
      throw new ParameterError(
        '--resolution',
        JSON.stringify(flags.resolution),
        `${CLI_RESOLUTIONS.join(', ')} (a custom handler is a library option)`,
      );
    }
    config.resolution = flags.resolution as MultiLeaderConfig['resolution'];
  }
  if (flags.keys !== undefined) config.keys = parseWholeNumber('--keys', flags.keys, 1);
  if (flags.zipf !== undefined) config.zipf = parseNumberFlag('--zipf', flags.zipf);
  if (flags.writeRate !== undefined)
    config.writeRatePerSec = parseNumberFlag('--write-rate', flags.writeRate);
  if (flags.duration !== undefined) config.durationMs = parseNumberFlag('--duration', flags.duration);
  if (flags.homeRouting === true) config.homeRouting = true;
  const failFlags = [flags.failDc, flags.failAt, flags.failFor];
  if (failFlags.some((f) => f !== undefined)) {
    if (flags.failDc === undefined)
      throw new ParameterError(
        '--fail-dc',
        '(missing)',
        'the failing datacenter id, required by --fail-at and --fail-for',
      );
    config.dcFailure = {
      dc: parseWholeNumber('--fail-dc', flags.failDc, 0),
      atMs: flags.failAt === undefined ? 0 : parseNumberFlag('--fail-at', flags.failAt),
      durationMs: flags.failFor === undefined ? Infinity : parseNumberFlag('--fail-for', flags.failFor, true),
    };
  }
  if (flags.localFollowers !== undefined) {
    const counts = flags.localFollowers.split(',').map((n) => parseWholeNumber('--local-followers', n, 0));
    config.localFollowers = counts.length === 1 ? counts[0] : counts;
  }
  if (flags.localReplicationLatency !== undefined)
    config.localReplicationLatency = flags.localReplicationLatency;
  if (flags.localReadRate !== undefined)
    config.localReadRatePerSec = parseNumberFlag('--local-read-rate', flags.localReadRate);
  const seed = flags.seed === undefined ? 1 : parseWholeNumber('--seed', flags.seed, 0);
  try {
    validateMultiLeaderConfig(config);
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    const flag = FLAG_OF[error.parameter] ?? FLAG_OF[error.parameter.split(/[.[]/)[0]];
    throw flag === undefined ? error : new ParameterError(flag, error.given, error.allowed);
  }
  return { config, seed };
}

/**
 * What `--json` prints: the stable JSON names first, the rest of the result, then seed and config.
 *
 * @example
 * JSON.stringify(conflictsJson(runMultiLeader({}, 1), 1, {}));
 */
export function conflictsJson(
  result: MultiLeaderResult,
  seed: number,
  config: Partial<MultiLeaderConfig>,
): Record<string, unknown> {
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
  const full: Record<string, unknown> = { ...MULTI_LEADER_DEFAULTS, ...config };
  const failure = full.dcFailure as MultiLeaderConfig['dcFailure'];
  // JSON has no Infinity: an outage that never ends prints durationMs null.
  if (failure !== null && !Number.isFinite(failure.durationMs))
    full.dcFailure = { ...failure, durationMs: null };
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
    seed,
    config: full,
  };
}

function pct(e: CountEstimate): string {
  if (e.of === 0) return 'n/a (none eligible)';
  return `${e.p.toFixed(4)} [${e.low.toFixed(4)}, ${e.high.toFixed(4)}]  (${e.count} of ${e.of})`;
}

function summaryText(r: MultiLeaderResult, seed: number, config: Partial<MultiLeaderConfig>): string {
  const c = { ...MULTI_LEADER_DEFAULTS, ...config };
  const ms = (x: number | null): string => (x === null ? 'n/a' : `${x.toPrecision(4)} ms`);
  const lines = [
    `multi-leader: ${c.datacenters} datacenters, ${c.topology}, links ${typeof c.interDcLatency === 'string' ? c.interDcLatency : 'matrix'}${c.fifoLinks ? '' : ' (not FIFO)'}, ${c.resolution}, clock skew ${c.clockSkew ?? 'none'}, ${c.homeRouting ? 'home routing' : 'local writes'}, seed ${seed}`,
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

/** `replilab conflicts`: one run of the multi-leader model. */
export function conflictsCommand(): Command {
  return new Command('conflicts')
    .description(
      'simulate multi-leader replication across datacenters (topologies, clock skew, conflict detection with version vectors, resolution policies, home routing, outages) and count conflicts and lost writes',
    )
    .option('--datacenters <count>', `datacenters, one leader each (default ${d.datacenters})`)
    .option('--topology <kind>', `all, ring or star (default ${d.topology})`)
    .option(
      '--inter-dc-latency <spec>',
      `one-way replication delay between datacenters, ms (default ${String(d.interDcLatency)})`,
    )
    .option(
      '--local-write-latency <spec>',
      `from a write's arrival at its leader to its acknowledgement, ms (default ${d.localWriteLatency})`,
    )
    .option('--non-fifo', 'replication messages on one link may overtake each other (default: FIFO streams)')
    .option('--clock-skew <spec>', 'per-leader clock offset in ms, drawn once, or none (default none)')
    .option(
      '--clock-drift <max>',
      `clock rate error, uniform in [-max, max], in [0, 1) (default ${d.clockDrift})`,
    )
    .option(
      '--resolution <policy>',
      `lww, replica-id, merge, merge-concat or siblings (default ${d.resolution})`,
    )
    .option('--keys <count>', `number of keys (default ${d.keys})`)
    .option('--zipf <s>', `Zipf exponent of key popularity, >= 0; 0 is uniform (default ${d.zipf})`)
    .option(
      '--write-rate <per-sec>',
      `writes per second arriving at each datacenter, Poisson (default ${d.writeRatePerSec})`,
    )
    .option('--duration <ms>', `how long writes arrive, ms (default ${d.durationMs})`)
    .option(
      '--home-routing',
      "route each write to its key's home datacenter (key mod D) to avoid conflicts (default: the local one)",
    )
    .option('--fail-dc <id>', 'a datacenter that fails (its users are rerouted to the next one)')
    .option('--fail-at <ms>', 'when it fails (default 0)')
    .option('--fail-for <ms>', 'how long it stays down, or inf (default inf)')
    .option(
      '--local-followers <count>',
      `local followers (read replicas) per datacenter leader, or a comma list, one count per datacenter (default ${String(d.localFollowers)})`,
    )
    .option(
      '--local-replication-latency <spec>',
      `one-way delay from a leader to its local followers, ms, FIFO (default ${d.localReplicationLatency}, mean 1 ms: a lab default)`,
    )
    .option(
      '--local-read-rate <per-sec>',
      `reads per second at each datacenter, Poisson, served by a random local follower or the leader (default ${d.localReadRatePerSec})`,
    )
    .option('--seed <seed>', 'seed of every random stream (default 1)')
    .option('--out <file.csv>', 'also write the run as a one-row CSV, with FILE.manifest.json beside it')
    .option('--json', 'print exactly one JSON object on stdout (the documented contract) and nothing else')
    .addHelpText('after', EXAMPLES)
    .action((flags: ConflictsFlags) =>
      runModelCommand(flags, {
        experiment: 'conflicts',
        resolve: () => conflictsRunFromFlags(flags),
        run: runMultiLeader,
        json: conflictsJson,
        csvRow: conflictsCsvRow,
        summary: summaryText,
      }),
    );
}
