import { Command } from 'commander';
import {
  LAG_DEFAULTS,
  READ_ROUTINGS,
  validateLagConfig,
  type LagConfig,
} from '../strategies/leader-follower/lag-config.js';
import { runLag, type LagResult } from '../strategies/leader-follower/run-lag.js';
import type { CsvValue } from '../sweep/csv-output.js';
import { resultCsvRow } from '../sweep/result-row.js';
import { flagTable, msText, runFromFlags, type FlagField } from './config-flags.js';
import { runModelCommand } from './run-output.js';

/** Flags of `replilab lag` and the LagConfig fields they set. */
export const LAG_FLAGS: readonly FlagField[] = flagTable(
  {
    routing: 'text',
    followers: 'whole',
    partitions: 'whole',
    replicationLatency: 'text',
    clientLatency: 'text',
    windowMs: 'number',
    maxLagMs: 'number',
    positionWait: 'text',
    clients: 'whole',
    keys: 'whole',
    zipf: 'number',
    writeRatio: 'number',
    ratePerMs: 'number',
    ops: 'whole',
    replyRatio: 'number',
  },
  { positionWait: '--wait', ratePerMs: '--rate' },
);

const d = LAG_DEFAULTS;
const EXAMPLES = `
Examples:
  $ replilab lag --routing random --json
  $ replilab lag --routing sticky --followers 5 --replication-latency "lognormal(2,1.5)"
  $ replilab lag --routing leader-window --window 500 --json
  $ replilab lag --routing client-position --wait --ops 50000
  $ replilab lag --routing lag-bounded --max-lag 10 --clients 50 --rate 0.02
  $ replilab lag --routing sticky --out data/lag/sticky.csv

Routing policies: random (any follower), sticky (one follower per
client), leader-for-own (keys the client wrote from the leader), leader-window (everything from
the leader for --window ms after the client's last write), client-position (only from a follower
that has the client's last write and read positions; else the leader, or --wait there),
lag-bounded (followers lagging at most --max-lag ms; else the leader).

--json prints one object: ryw_violations, monotonic_read_violations, consistent_prefix_violations
(fractions of eligible reads), leader_read_share, lag_ms{mean,p50,p90,p99,p999,max,samples},
read_latency_ms{...}, reads, writes, failed_reads, intervals{...} (count, of, p, Wilson 95%
low/high), then seed and the config that ran. --out FILE.csv writes the same as one CSV row (the
config's fields, then the metrics with _ci_low/_ci_high, then trials and seed) and
FILE.manifest.json beside it; a sweep of lag (replilab sweep) writes these columns per cell.`;

/** The config and seed from the flags; every refusal names its flag. */
export function lagRunFromFlags(flags: Record<string, unknown>): {
  config: Partial<LagConfig>;
  seed: number;
} {
  return runFromFlags<LagConfig>(flags, LAG_FLAGS, validateLagConfig);
}

/**
 * The config that ran, as `--json` prints it (defaults filled in, no parsed distributions).
 *
 * @example
 * lagConfigJson({ routing: 'sticky' }).followers; // the default follower count
 */
export function lagConfigJson(config: Partial<LagConfig>): Record<string, unknown> {
  const { replicationDist: _r, clientDist: _c, crashDists: _k, ...resolved } = validateLagConfig(config);
  return resolved;
}

/**
 * The CSV row of a lag run, or of a sweep cell pooling `trials` runs: the config that ran, then
 * the metrics, then trials and seed.
 *
 * @example
 * const { columns, row } = lagCsvRow(runLag({ routing: 'random' }, 1), 1, { routing: 'random' });
 */
export function lagCsvRow(
  result: LagResult,
  seed: number,
  config: Partial<LagConfig>,
  trials = 1,
): { columns: string[]; row: Record<string, CsvValue> } {
  return resultCsvRow({
    parameters: lagConfigJson(config),
    metrics: result as unknown as Record<string, unknown>,
    trials,
    seed,
  });
}

function summary(r: LagResult, seed: number, config: Partial<LagConfig>): string {
  const c = { ...LAG_DEFAULTS, ...config };
  const iv = r.intervals;
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
    ].join('\n') + '\n'
  );
}

/** `replilab lag`: replication lag and read-routing anomalies. */
export function lagCommand(): Command {
  return new Command('lag')
    .description(
      'simulate asynchronous followers under a client workload: replication lag, read routing, read-your-writes / monotonic-read / consistent-prefix violations',
    )
    .option('--routing <policy>', `${READ_ROUTINGS.join(', ')} (default ${d.routing})`)
    .option('--followers <count>', `followers per partition (default ${d.followers})`)
    .option('--partitions <count>', `partitions, each with its own leader (default ${d.partitions})`)
    .option(
      '--replication-latency <spec>',
      `one-way delay of each replicated entry (default ${d.replicationLatency})`,
    )
    .option(
      '--client-latency <spec>',
      `one-way delay between a client and a node (default ${d.clientLatency})`,
    )
    .option(
      '--window <ms>',
      `leader-window: leader reads for this long after a write (default ${d.windowMs})`,
    )
    .option('--max-lag <ms>', `lag-bounded: exclude followers lagging more (default ${d.maxLagMs})`)
    .option('--wait', 'client-position: wait at the follower instead of reading from the leader')
    .option('--clients <count>', `clients (default ${d.clients})`)
    .option('--keys <count>', `keys (default ${d.keys})`)
    .option('--zipf <s>', `Zipf exponent of key popularity (default ${d.zipf})`)
    .option('--write-ratio <p>', `P(an operation is a write) (default ${d.writeRatio})`)
    .option('--rate <ops-per-ms>', `operations per ms per client, Poisson (default ${d.ratePerMs})`)
    .option('--ops <count>', `operations in the run (default ${d.ops})`)
    .option(
      '--reply-ratio <p>',
      `P(a write depends on the last write its client read) (default ${d.replyRatio})`,
    )
    .option('--seed <seed>', 'seed of every random stream (default 1)')
    .option('--out <file.csv>', 'also write the run as a one-row CSV, with FILE.manifest.json beside it')
    .option('--json', 'print exactly one JSON object on stdout and nothing else')
    .addHelpText('after', EXAMPLES)
    .action((flags: Record<string, unknown>) =>
      runModelCommand(flags, {
        experiment: 'lag',
        resolve: () => lagRunFromFlags(flags),
        run: runLag,
        json: (result, seed, config) => ({ ...result, seed, config: lagConfigJson(config) }),
        csvRow: lagCsvRow,
        summary,
      }),
    );
}
