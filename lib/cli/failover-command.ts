import { Command } from 'commander';
import { latencyPresetNames } from '../latency/index.js';
import {
  FAILOVER_DEFAULTS,
  validateFailoverConfig,
  type FailoverConfig,
} from '../strategies/leader-follower/failover-config.js';
import { runFailover, type FailoverResult } from '../strategies/leader-follower/run-failover.js';
import type { CsvValue } from '../sweep/csv-output.js';
import { resultCsvRow } from '../sweep/result-row.js';
import { flagTable, msText, runFromFlags, type FlagField } from './config-flags.js';
import { runModelCommand } from './run-output.js';

/** Flags of `replilab failover` and the FailoverConfig fields they set. */
export const FAILOVER_FLAGS: readonly FlagField[] = flagTable({
  nodes: 'whole',
  election: 'text',
  electionTimeoutMs: 'range',
  heartbeatMs: 'number',
  detector: 'text',
  timeoutMs: 'number',
  phiThreshold: 'number',
  latency: 'text',
  disk: 'text',
  replicationDelay: 'text',
  staleFollowers: 'whole',
  staleLagMs: 'number',
  fault: 'text',
  pause: 'text',
  spikeDuration: 'text',
  spikeDelay: 'text',
  faultDurationMs: 'number',
  asyncFollowers: 'whole',
  writeRate: 'number',
  fencing: 'text',
  trials: 'whole',
});

const d = FAILOVER_DEFAULTS;
const EXAMPLES = `
Examples:
  $ replilab failover --election raft --election-timeout 150-300 --trials 500
  $ replilab failover --election raft --election-timeout 150-155 --json          # split votes
  $ replilab failover --election coordinator --timeout 1000 --fault pause --pause "uniform(0,3000)"
  $ replilab failover --election coordinator --detector phi --latency "mix(0.99:exp(1),0.01:const(200))"
  $ replilab failover --fault partition --fencing --async-followers 4 --write-rate 0.5 --json
  $ replilab failover --stale-followers 2 --async-followers 4 --json
  $ replilab failover --election coordinator --fault pause --trials 400 --out data/failover/pause.csv
  $ replilab failover --election coordinator --fault spike --spike-duration "const(800)" --spike-delay "const(600)"

In each trial the leader (node 0) fails at a uniformly random moment within its heartbeat
interval, after ${d.warmupHeartbeats} heartbeats. recovery_ms: from the failure to the moment a leader's
heartbeat sent after it has reached every live follower. Distributions (SPEC) in ms:
exp(1) const(2) uniform(0,1000) lognormal(0,1) mix(0.99:exp(1),0.01:const(200)) file:PATH.csv
(latency presets are for the quorum legs: ${latencyPresetNames().join(', ')}; give a distribution here).

--fault spike: for --spike-duration, every message the leader sends waits an extra delay drawn
once per spike from --spike-delay (a congested egress queue; the leader keeps working and hears
its followers on time), so every failover a spike triggers is unnecessary.

--json prints one object: trials, recovery_ms{mean,p50,p90,p99,max,samples}, detection_ms{...},
election_rounds{mean,max}, no_leader_trials, unnecessary_failovers, split_brain_ms{mean,max},
acked_writes_lost, discarded_writes, reused_ids, writes, acked_writes, intervals{...} (count, of,
p, Wilson 95% low/high), then seed and the config that ran. --out FILE.csv writes the same as one
CSV row (the config's fields, then the metrics with _ci_low/_ci_high, then trials and seed) and
FILE.manifest.json beside it; a sweep of failover (replilab sweep) writes these columns per cell.`;

/** The config and seed from the flags; every refusal names its flag. */
export function failoverRunFromFlags(flags: Record<string, unknown>): {
  config: Partial<FailoverConfig>;
  seed: number;
} {
  return runFromFlags<FailoverConfig>(flags, FAILOVER_FLAGS, validateFailoverConfig);
}

/** What `--json` prints. */
export function failoverJson(
  result: FailoverResult,
  seed: number,
  config: Partial<FailoverConfig>,
): Record<string, unknown> {
  const {
    latencyDist: _l,
    diskDist: _d,
    replicationDelayDist: _r,
    pauseDist: _p,
    spikeDurationDist: _sd,
    spikeDelayDist: _sx,
    asyncCount: _a,
    observeWindowMs: _o,
    ...resolved
  } = validateFailoverConfig(config);
  return { ...result, seed, config: resolved };
}

/**
 * The CSV row of a failover run (or of a sweep cell pooling batches of trials): the config that
 * ran, then the metrics, then trials and seed.
 *
 * @example
 * const { columns, row } = failoverCsvRow(runFailover({ trials: 50 }, 1), 1, { trials: 50 });
 */
export function failoverCsvRow(
  result: FailoverResult,
  seed: number,
  config: Partial<FailoverConfig>,
): { columns: string[]; row: Record<string, CsvValue> } {
  const parameters = failoverJson(result, seed, config).config as Record<string, unknown>;
  return resultCsvRow({
    parameters,
    metrics: result as unknown as Record<string, unknown>,
    trials: result.trials,
    seed,
  });
}

function summary(r: FailoverResult, seed: number, config: Partial<FailoverConfig>): string {
  const c = validateFailoverConfig(config);
  const iv = r.intervals;
  const pct = (e: { count: number; of: number; low: number; high: number }) =>
    `${e.count}/${e.of} [${(100 * e.low).toFixed(1)}%, ${(100 * e.high).toFixed(1)}%]`;
  const how =
    c.election === 'raft'
      ? `raft, election timeout ${c.electionTimeoutMs[0]}-${c.electionTimeoutMs[1]} ms`
      : `coordinator, ${c.detector === 'phi' ? `phi >= ${c.phiThreshold}` : `timeout ${c.timeoutMs} ms`}`;
  return (
    [
      `failover: ${c.nodes} nodes (${c.asyncCount} async followers, ${c.staleFollowers} stale), ${how}, heartbeat ${c.heartbeatMs} ms, fault ${c.fault}${c.fencing ? ', fencing' : ''}; ${r.trials} trials, seed ${seed}`,
      `recovery:              mean ${msText(r.recovery_ms.mean)}, p50 ${msText(r.recovery_ms.p50)}, p90 ${msText(r.recovery_ms.p90)}, p99 ${msText(r.recovery_ms.p99)}, max ${msText(r.recovery_ms.max)}`,
      `detection:             mean ${msText(r.detection_ms.mean)}, p50 ${msText(r.detection_ms.p50)}, max ${msText(r.detection_ms.max)}`,
      `election rounds:       mean ${r.election_rounds.mean.toFixed(2)}, max ${r.election_rounds.max}`,
      `no leader in trial:    ${pct(iv.no_leader_trials)}`,
      `unnecessary failovers: ${r.unnecessary_failovers} (trials with one: ${pct(iv.unnecessary_failover_trials)})`,
      `split brain:           mean ${msText(r.split_brain_ms.mean)}, max ${msText(r.split_brain_ms.max)} (trials with one: ${pct(iv.split_brain_trials)})`,
      `acked writes lost:     ${r.acked_writes_lost} of ${r.acked_writes} acknowledged (trials losing writes: ${pct(iv.trials_losing_writes)})`,
      `discarded at rejoin:   ${r.discarded_writes}; autoincrement ids reused: ${r.reused_ids}`,
    ].join('\n') + '\n'
  );
}

/** `replilab failover`: leader failure, detection and promotion or election, over many trials. */
export function failoverCommand(): Command {
  return new Command('failover')
    .description(
      'simulate leader failures in a leader-follower cluster: detection, promotion or Raft-style election, split brain, lost writes',
    )
    .option('--nodes <count>', `nodes, the leader included (default ${d.nodes})`)
    .option('--election <mode>', `raft or coordinator (default ${d.election})`)
    .option(
      '--election-timeout <min-max>',
      `raft: election timeout range in ms (default ${d.electionTimeoutMs.join('-')})`,
    )
    .option('--heartbeat <ms>', `leader heartbeat interval (default ${d.heartbeatMs})`)
    .option('--detector <kind>', `coordinator's failure detector: timeout or phi (default ${d.detector})`)
    .option('--timeout <ms>', `coordinator: timeout detector's timeout (default ${d.timeoutMs})`)
    .option('--phi-threshold <phi>', `coordinator: phi-accrual threshold (default ${d.phiThreshold})`)
    .option('--latency <spec>', `one-way message delay (default ${d.latency})`)
    .option('--disk <spec>', `fsync latency of log entries, votes and terms (default ${d.disk})`)
    .option(
      '--replication-delay <spec>',
      `delay from the leader's append to shipping the entry (default ${d.replicationDelay})`,
    )
    .option(
      '--stale-followers <count>',
      `followers whose logs lag (shorter at the failure) (default ${d.staleFollowers})`,
    )
    .option(
      '--stale-lag <ms>',
      `how far behind a stale follower is shipped entries (default ${d.staleLagMs})`,
    )
    .option('--fault <kind>', `crash, pause, partition or spike (latency) of the leader (default ${d.fault})`)
    .option('--pause <spec>', `pause durations with --fault pause (default ${d.pause})`)
    .option(
      '--spike-duration <spec>',
      `latency spike durations with --fault spike (default ${d.spikeDuration})`,
    )
    .option(
      '--spike-delay <spec>',
      `extra delay of the leader's messages during a spike, one draw per spike (default ${d.spikeDelay})`,
    )
    .option('--fault-duration <ms>', `crash downtime or partition length (default ${d.faultDurationMs})`)
    .option(
      '--async-followers <count>',
      'followers that acknowledge asynchronously; the others are sync (default all)',
    )
    .option('--write-rate <per-ms>', `client writes per ms (default ${d.writeRate})`)
    .option('--fencing', 'fence the old leader when a new one takes over')
    .option('--trials <count>', `independent failovers (default ${d.trials})`)
    .option('--seed <seed>', 'seed of every random stream (default 1)')
    .option('--out <file.csv>', 'also write the run as a one-row CSV, with FILE.manifest.json beside it')
    .option('--json', 'print exactly one JSON object on stdout and nothing else')
    .addHelpText('after', EXAMPLES)
    .action((flags: Record<string, unknown>) =>
      runModelCommand(flags, {
        experiment: 'failover',
        resolve: () => failoverRunFromFlags(flags),
        run: runFailover,
        json: failoverJson,
        csvRow: failoverCsvRow,
        trials: (result) => result.trials,
        summary,
      }),
    );
}
