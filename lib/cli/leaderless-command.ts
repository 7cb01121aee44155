import { basename } from 'node:path';
import { Command } from 'commander';
import { ParameterError } from '../errors.js';
import type { CountEstimate } from '../check/index.js';
import { latencyPresetNames } from '../latency/index.js';
import {
  LEADERLESS_DEFAULTS,
  validateLeaderlessConfig,
  type LeaderlessConfig,
} from '../strategies/leaderless/cluster-config.js';
import {
  runLeaderless,
  runLeaderlessWithHistory,
  type LeaderlessResult,
  type OperationLatencyMs,
} from '../strategies/leaderless/run-leaderless.js';
import {
  leaderlessScenarios,
  scenarioResult,
  type LeaderlessScenario,
  type ScenarioResult,
} from '../strategies/leaderless/scenarios.js';
import type { CsvValue } from '../sweep/csv-output.js';
import { resultCsvRow } from '../sweep/result-row.js';
import { readConfigFile } from '../sweep/config-file.js';
import { parseWholeNumber } from './parse-values.js';
import { runModelCommand } from './run-output.js';

/** The flags of `replilab leaderless`, as commander hands them over (all text; nothing has a commander default). */
export interface LeaderlessFlags {
  config?: string;
  nodes?: string;
  n?: string;
  r?: string;
  w?: string;
  vnodes?: string;
  ringSeed?: string;
  keys?: string;
  zipf?: string;
  writeRatio?: string;
  clients?: string;
  rate?: string;
  think?: string;
  sessionLength?: string;
  ops?: string;
  latency?: string;
  timeoutMs?: string;
  coordinator?: string;
  conflict?: string;
  clockSkew?: string;
  clockDrift?: string;
  crashMtbf?: string;
  crashMttr?: string;
  loss?: string;
  partitionEvery?: string;
  partitionDuration?: string;
  partitionIsolate?: string;
  slowNodes?: string;
  slowDelay?: string;
  sloppy?: boolean;
  hintedHandoffInterval?: string;
  readRepair?: string;
  antiEntropyInterval?: string;
  probeReadAfter?: string;
  seed?: string;
  out?: string;
  json?: boolean;
  scenario?: string;
  control?: boolean;
}

/** The seed when neither `--seed` nor the config file's `seed` gives one. */
const DEFAULT_SEED = 1;

/** Plain (scalar) config fields settable by a flag of the same meaning: field -> flag. */
const SCALAR_FLAGS = {
  nodes: '--nodes',
  n: '--n',
  r: '--r',
  w: '--w',
  vnodes: '--vnodes',
  ringSeed: '--ring-seed',
  keys: '--keys',
  zipf: '--zipf',
  writeRatio: '--write-ratio',
  clients: '--clients',
  sessionLength: '--session-length',
  ops: '--ops',
  latency: '--latency',
  timeoutMs: '--timeout-ms',
  coordinator: '--coordinator',
  conflict: '--conflict',
  clockSkew: '--clock-skew',
  clockDrift: '--clock-drift',
  loss: '--loss',
  hintedHandoffIntervalMs: '--hinted-handoff-interval',
  readRepair: '--read-repair',
  antiEntropyIntervalMs: '--anti-entropy-interval',
  probeReadAfterMs: '--probe-read-after',
} as const satisfies Partial<Record<keyof LeaderlessConfig, string>>;

type ScalarField = keyof typeof SCALAR_FLAGS;
const TEXT_FIELDS: ReadonlySet<ScalarField> = new Set([
  'latency',
  'coordinator',
  'conflict',
  'clockSkew',
  'readRepair',
]);

const d = LEADERLESS_DEFAULTS;
const EXAMPLES = `
Examples:
  $ replilab leaderless --n 3 --r 1 --w 1 --ops 20000
  $ replilab leaderless --r 1 --w 1 --clock-skew "uniform(0,50)" --json
  $ replilab leaderless --conflict siblings --zipf 1.1 --keys 100 --write-ratio 0.9
  $ replilab leaderless --crash-mtbf "exp(0.0001)" --crash-mttr "exp(0.002)" --loss 0.01 --timeout-ms 50
  $ replilab leaderless --r 1 --w 1 --loss 0.1 --read-repair background --anti-entropy-interval 100
  $ replilab leaderless --w 3 --r 1 --sloppy --partition-every "exp(0.005)" --partition-duration "exp(0.01)"
  $ replilab leaderless --r 1 --w 1 --slow-nodes 0,1 --slow-delay "exp(0.05)"
  $ replilab leaderless --config cluster.yaml --w 3 --seed 7 --out data/leaderless/w3.csv
  $ replilab leaderless --scenario list
  $ replilab leaderless --nodes 3 --r 1 --w 1 --keys 100000 --write-ratio 1 --coordinator client --latency lnkd-disk --probe-read-after 5
  $ replilab leaderless --scenario stale-restore-under-w --seed 3
  $ replilab leaderless --scenario failed-write-read --control --json

A config file (YAML or JSON) takes LeaderlessConfig's field names; flags override it:
  nodes: 5                     # ring nodes                 n: 3      r: 2      w: 2
  keys: 1000                   # key space (0 most popular)  zipf: 0.99
  writeRatio: 0.5              # P(write)                    clients: 10
  arrivals: { kind: open, ratePerMs: 0.1 }       # or { kind: closed, think: "exp(0.1)" }
  ops: 10000                   # latency: lnkd-ssd            timeoutMs: 100
  sloppy: false                # hintedHandoffIntervalMs: 1000
  readRepair: off              # or background, blocking     antiEntropyIntervalMs: null   # or ms, e.g. 100
  coordinator: random-node     # or first-replica, client    conflict: lww   # or siblings
  clockSkew: "uniform(0,50)"   # per-node clock offset, ms    clockDrift: 0
  crash: { ttf: "exp(0.0001)", ttr: "exp(0.002)" }  # or null  loss: 0
  partitions: [{ startMs: 1000, endMs: 3000, groups: [[0, 1], [2, 3, 4]] }]     # scheduled cuts
  randomPartitions: { every: "exp(0.0002)", duration: "exp(0.001)", isolate: 1 }  # or null
  slowNodes: { nodes: [0], delay: "exp(0.05)" }  # extra delay of every message to them; or null
  sessionLength: null          # mean ops per session; null: one session per client
  vnodes: 64                   # ringSeed: 0                  seed: 1 (the run's seed)
Unknown keys are refused.

Distributions (SPEC) in ms: exp(0.183) uniform(0,50) normal(5,2) lognormal(0,1) pareto(1.05,1.51)
  const(75)+exp(0.2) mix(0.5:exp(1),0.5:exp(0.1)) file:PATH.csv; latency presets: ${latencyPresetNames().join(', ')}.

Faults: crash-recovery churn (--crash-mtbf/--crash-mttr); message loss (--loss); scheduled partitions
(config file only: partitions); random partitions (--partition-every SPEC: up time between cuts,
--partition-duration SPEC: length of a cut, --partition-isolate K: nodes cut off from the rest, default
1; no new cut after the workload); slow nodes (--slow-nodes 0,2 --slow-delay SPEC: every message to
them arrives an extra delay later, so they apply writes and answer late). Partitions cut node-to-node
links only: clients reach every node.
Read repair (--read-repair background|blocking) sends a read's merged newest state to the home
replicas that answered with something older; anti-entropy (--anti-entropy-interval MS) compares
Merkle trees between every connected pair of nodes each interval and exchanges the differing keys.
convergence_ms (anti-entropy only; else null): from the moment the faults heal (the later of the
workload's end, the last partition's end, and the recovery of the nodes down then) to the first
anti-entropy round that finds every key's home replicas equal.

--json prints one object: ops, reads, writes, stale_read_fraction, acked_writes, acked_writes_lost,
failed_writes, failed_writes_landed, failed_reads, max_siblings, mean_siblings, ryw_violations,
monotonic_read_violations, availability, latency_ms{read,write}{p50,p99,p999}, messages_per_op,
hints_stored, hints_handed_off, convergence_ms, replicas_converged, read_repairs,
keys_repaired_by_read_repair, anti_entropy_messages, anti_entropy_bytes, keys_repaired_by_anti_entropy,
events, sim_time_ms and the model's other counts (hints_lost, hints_held, ...), intervals{...} (count, of, p, Wilson 95% low/high), then seed and
the config that ran.`;

function describe(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : value === undefined
      ? '(missing)'
      : (JSON.stringify(value) ?? String(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses a numeric flag (ranges are checked by validateLeaderlessConfig, which names the flag through the remapping). */
function parseNumberFlag(flag: string, text: string, allowInfinity = false): number {
  const trimmed = text.trim();
  if (allowInfinity && /^(inf|infinity)$/i.test(trimmed)) return Infinity;
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value))
    throw new ParameterError(flag, JSON.stringify(text), allowInfinity ? 'a number, or inf' : 'a number');
  return value;
}

/** A config file's contents, checked for unknown keys; `seed` is the one key beside LeaderlessConfig's fields. */
interface ConfigFile {
  label: string;
  config: Record<string, unknown>;
  seed?: number;
}

/**
 * Reads a leaderless config file (`.json` as JSON, anything else as YAML 1.2). Unknown keys, at the
 * top and inside `arrivals` and `crash`, are refused naming the key and the file.
 */
export function loadLeaderlessConfigFile(path: string): ConfigFile {
  const label = basename(path);
  let parsed = readConfigFile(path, {
    unreadable: '--config',
    malformed: `--config ${label}`,
    allowed: 'a YAML or JSON mapping of LeaderlessConfig fields',
  });
  if (parsed === null || parsed === undefined) parsed = {}; // an empty file: all defaults
  if (!isRecord(parsed))
    throw new ParameterError(`--config ${label}`, describe(parsed), 'a mapping of LeaderlessConfig fields');
  const fields = Object.keys(LEADERLESS_DEFAULTS);
  const config: Record<string, unknown> = {};
  let seed: number | undefined;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'seed') {
      if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0))
        throw new ParameterError(`seed (${label})`, describe(value), 'a whole number >= 0');
      seed = value;
      continue;
    }
    if (!fields.includes(key))
      throw new ParameterError(
        `${key} (${label})`,
        'an unknown key',
        `the fields ${fields.join(', ')} and seed`,
      );
    config[key] = value;
  }
  const nested: Record<string, readonly string[]> = {
    arrivals: ['kind', 'ratePerMs', 'think'],
    crash: ['ttf', 'ttr'],
    randomPartitions: ['every', 'duration', 'isolate'],
    slowNodes: ['nodes', 'delay'],
  };
  const shapes: Record<string, string> = {
    arrivals: '{ kind: open, ratePerMs: R } or { kind: closed, think: SPEC }',
    crash: '{ ttf: SPEC, ttr: SPEC }, or null',
    randomPartitions: '{ every: SPEC, duration: SPEC, isolate: K }, or null',
    slowNodes: '{ nodes: [ids], delay: SPEC }, or null',
  };
  for (const [field, allowed] of Object.entries(nested)) {
    const value = config[field];
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) {
      throw new ParameterError(`${field} (${label})`, describe(value), shapes[field]);
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key))
        throw new ParameterError(`${field}.${key} (${label})`, 'an unknown key', allowed.join(', '));
    }
    if (field === 'crash') {
      for (const key of ['ttf', 'ttr']) {
        if (value[key] === undefined)
          throw new ParameterError(
            `crash.${key} (${label})`,
            '(missing)',
            `a distribution of ${key === 'ttf' ? 'up' : 'down'} times, e.g. exp(0.0001); crash needs both ttf and ttr`,
          );
      }
    }
  }
  // YAML can say .inf; JSON cannot: null stands for "one session per client" (as --json prints it).
  if (config.sessionLength === null) config.sessionLength = Infinity;
  return { label, config, seed };
}

/** The config to run (flags merged over the file) and the seed. */
export interface ResolvedLeaderlessRun {
  config: Partial<LeaderlessConfig>;
  seed: number;
}

/**
 * Merges the config file (if any) and the flags (which win) into one config, and validates it.
 * Every refusal is one ParameterError naming what the user wrote: a flag (`--w`), a file key
 * (`w (cluster.yaml)`), or, for a default that no longer fits, the flag that changes it.
 */
export function leaderlessRunFromFlags(
  flags: LeaderlessFlags,
  base?: { label: string; config: Partial<LeaderlessConfig> },
): ResolvedLeaderlessRun {
  const file = flags.config === undefined ? undefined : loadLeaderlessConfigFile(flags.config);
  const config: Record<string, unknown> = { ...(base?.config ?? {}), ...(file?.config ?? {}) };
  const source = new Map<string, string>(); // field path -> its name in messages
  const given = new Map<string, string>(); // top-level field -> the value as the user wrote it
  if (base) {
    for (const [key, value] of Object.entries(base.config)) {
      source.set(key, `${key} (${base.label})`);
      given.set(key, describe(value));
    }
  }
  if (file) {
    for (const [key, value] of Object.entries(file.config)) {
      source.set(key, `${key} (${file.label})`);
      given.set(key, describe(value));
    }
    for (const sub of [
      'arrivals.kind',
      'arrivals.ratePerMs',
      'arrivals.think',
      'crash.ttf',
      'crash.ttr',
      'randomPartitions.every',
      'randomPartitions.duration',
      'randomPartitions.isolate',
      'slowNodes.nodes',
      'slowNodes.delay',
    ]) {
      if (file.config[sub.split('.')[0]] !== undefined) source.set(sub, `${sub} (${file.label})`);
    }
  }

  for (const [field, flag] of Object.entries(SCALAR_FLAGS) as [ScalarField, string][]) {
    const key = flag
      .slice(2)
      .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof LeaderlessFlags; // --write-ratio -> writeRatio
    const text = flags[key];
    if (typeof text !== 'string') continue;
    let value: unknown;
    if (field === 'clockSkew') value = /^none$/i.test(text.trim()) ? null : text;
    else if (field === 'antiEntropyIntervalMs' || field === 'probeReadAfterMs')
      value = /^(none|off)$/i.test(text.trim()) ? null : parseNumberFlag(flag, text);
    else if (TEXT_FIELDS.has(field)) value = text;
    else value = parseNumberFlag(flag, text, field === 'sessionLength');
    config[field] = value;
    source.set(field, flag);
    given.set(field, JSON.stringify(text));
  }

  if (flags.rate !== undefined && flags.think !== undefined)
    throw new ParameterError(
      '--think',
      JSON.stringify(flags.think),
      'either --rate (open loop) or --think (closed loop), not both',
    );
  if (flags.rate !== undefined) {
    config.arrivals = { kind: 'open', ratePerMs: parseNumberFlag('--rate', flags.rate) };
    for (const sub of ['arrivals', 'arrivals.kind', 'arrivals.ratePerMs', 'arrivals.think'])
      source.set(sub, '--rate');
  } else if (flags.think !== undefined) {
    config.arrivals = { kind: 'closed', think: flags.think };
    for (const sub of ['arrivals', 'arrivals.kind', 'arrivals.ratePerMs', 'arrivals.think'])
      source.set(sub, '--think');
  }

  if (flags.crashMtbf !== undefined || flags.crashMttr !== undefined) {
    const fromFile = isRecord(config.crash) ? config.crash : undefined;
    if (fromFile === undefined && (flags.crashMtbf === undefined || flags.crashMttr === undefined)) {
      const [missing, given] =
        flags.crashMtbf === undefined ? ['--crash-mtbf', '--crash-mttr'] : ['--crash-mttr', '--crash-mtbf'];
      throw new ParameterError(
        missing,
        '(missing)',
        `a distribution of ${missing === '--crash-mtbf' ? 'up' : 'down'} times, e.g. exp(0.0001); ${given} needs both`,
      );
    }
    config.crash = {
      ...(fromFile ?? {}),
      ...(flags.crashMtbf !== undefined ? { ttf: flags.crashMtbf } : {}),
      ...(flags.crashMttr !== undefined ? { ttr: flags.crashMttr } : {}),
    };
    if (flags.crashMtbf !== undefined) source.set('crash.ttf', '--crash-mtbf');
    if (flags.crashMttr !== undefined) source.set('crash.ttr', '--crash-mttr');
    source.set('crash', flags.crashMtbf !== undefined ? '--crash-mtbf' : '--crash-mttr');
  }

  const partitionFlags = {
    every: flags.partitionEvery,
    duration: flags.partitionDuration,
    isolate: flags.partitionIsolate,
  };
  if (Object.values(partitionFlags).some((v) => v !== undefined)) {
    const fromFile = isRecord(config.randomPartitions) ? config.randomPartitions : undefined;
    for (const [key, flag] of [
      ['every', '--partition-every'],
      ['duration', '--partition-duration'],
    ] as const) {
      if (partitionFlags[key] === undefined && fromFile?.[key] === undefined) {
        throw new ParameterError(
          flag,
          '(missing)',
          `a distribution of ${key === 'every' ? 'times between cuts' : 'cut lengths'}, e.g. exp(0.001); random partitions need --partition-every and --partition-duration`,
        );
      }
    }
    config.randomPartitions = {
      ...(fromFile ?? {}),
      ...(partitionFlags.every !== undefined ? { every: partitionFlags.every } : {}),
      ...(partitionFlags.duration !== undefined ? { duration: partitionFlags.duration } : {}),
      ...(partitionFlags.isolate !== undefined
        ? { isolate: parseNumberFlag('--partition-isolate', partitionFlags.isolate) }
        : {}),
    };
    const first =
      partitionFlags.every !== undefined
        ? '--partition-every'
        : partitionFlags.duration !== undefined
          ? '--partition-duration'
          : '--partition-isolate';
    source.set('randomPartitions', first);
    if (partitionFlags.every !== undefined) source.set('randomPartitions.every', '--partition-every');
    if (partitionFlags.duration !== undefined)
      source.set('randomPartitions.duration', '--partition-duration');
    if (partitionFlags.isolate !== undefined) {
      source.set('randomPartitions.isolate', '--partition-isolate');
      given.set('randomPartitions.isolate', JSON.stringify(partitionFlags.isolate));
    }
  }

  if (flags.slowNodes !== undefined || flags.slowDelay !== undefined) {
    const fromFile = isRecord(config.slowNodes) ? config.slowNodes : undefined;
    if (flags.slowNodes === undefined && fromFile?.nodes === undefined)
      throw new ParameterError(
        '--slow-nodes',
        '(missing)',
        'a comma-separated list of node ids, e.g. 0,2 (with --slow-delay)',
      );
    if (flags.slowDelay === undefined && fromFile?.delay === undefined)
      throw new ParameterError(
        '--slow-delay',
        '(missing)',
        'the extra delay of every message to a slow node, e.g. exp(0.05) (with --slow-nodes)',
      );
    let ids: number[] | undefined;
    if (flags.slowNodes !== undefined) {
      ids = flags.slowNodes
        .split(',')
        .map((part) => part.trim())
        .map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
      if (ids.some((id) => Number.isNaN(id)))
        throw new ParameterError(
          '--slow-nodes',
          JSON.stringify(flags.slowNodes),
          'a comma-separated list of node ids, e.g. 0,2',
        );
    }
    config.slowNodes = {
      ...(fromFile ?? {}),
      ...(ids !== undefined ? { nodes: ids } : {}),
      ...(flags.slowDelay !== undefined ? { delay: flags.slowDelay } : {}),
    };
    source.set('slowNodes', flags.slowNodes !== undefined ? '--slow-nodes' : '--slow-delay');
    if (flags.slowNodes !== undefined) {
      source.set('slowNodes.nodes', '--slow-nodes');
      given.set('slowNodes.nodes', JSON.stringify(flags.slowNodes));
    }
    if (flags.slowDelay !== undefined) source.set('slowNodes.delay', '--slow-delay');
  }

  if (flags.sloppy === true) {
    config.sloppy = true;
    source.set('sloppy', '--sloppy');
  }

  const seed =
    flags.seed !== undefined ? parseWholeNumber('--seed', flags.seed, 0) : (file?.seed ?? DEFAULT_SEED);

  try {
    validateLeaderlessConfig(config);
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    throw renamed(error, source, given, file?.label);
  }
  return { config, seed };
}

/** The field's flag, for a default that does not fit (e.g. `--n 1` leaves r at its default 2). */
function flagOf(field: string): string | undefined {
  const top = field.split('.')[0];
  if (top === 'arrivals') return '--rate';
  if (field === 'crash.ttr') return '--crash-mttr';
  if (top === 'crash') return '--crash-mtbf';
  if (top === 'sloppy') return '--sloppy';
  if (top === 'randomPartitions')
    return field === 'randomPartitions.isolate' ? '--partition-isolate' : '--partition-every';
  if (top === 'slowNodes') return field === 'slowNodes.delay' ? '--slow-delay' : '--slow-nodes';
  return (SCALAR_FLAGS as Record<string, string>)[top];
}

function renamed(
  error: ParameterError,
  source: ReadonlyMap<string, string>,
  given: ReadonlyMap<string, string>,
  fileLabel: string | undefined,
): ParameterError {
  const parameter = error.parameter;
  const name = source.get(parameter);
  if (name !== undefined) return new ParameterError(name, given.get(parameter) ?? error.given, error.allowed);
  // A part of a field (`crash.ttf`, `partitions[0].startMs`): named as in the file, or by the flag that set the field.
  const top = /^[A-Za-z]+/.exec(parameter)?.[0] ?? parameter;
  const topName = source.get(top);
  if (topName !== undefined) {
    if (fileLabel !== undefined && topName.endsWith(`(${fileLabel})`))
      return new ParameterError(`${parameter} (${fileLabel})`, error.given, error.allowed);
    return new ParameterError(`${topName} (${parameter})`, error.given, error.allowed);
  }
  const flag = flagOf(parameter);
  if (flag !== undefined)
    return new ParameterError(
      flag,
      `${error.given} (the default${fileLabel ? `, not set in ${fileLabel}` : ''})`,
      error.allowed,
    );
  return error;
}

/** What `--json` prints: the model's result under its stable JSON names, then the seed and the config that ran. */
export function leaderlessJson(
  result: LeaderlessResult,
  seed: number,
  config: Partial<LeaderlessConfig>,
): Record<string, unknown> {
  const full: Record<string, unknown> = { ...LEADERLESS_DEFAULTS, ...config };
  // JSON has no Infinity: null is "one session per client" (and a config file accepts it back).
  if (full.sessionLength === Infinity) full.sessionLength = null;
  return { ...result, seed, config: full };
}

// CSV: parameters first, then metrics, then trials and seed, by
// lib/sweep/result-row.ts; the arrival process, crash churn and latency quantiles have columns of their own.

const LEADERLESS_ROW = {
  parameters: {
    special: {
      arrivals: (a: LeaderlessConfig['arrivals']): Record<string, CsvValue> => ({
        arrivals: a.kind,
        rate_per_ms: a.kind === 'open' ? a.ratePerMs : null,
        think: a.kind === 'closed' ? (typeof a.think === 'string' ? a.think : 'distribution') : null,
      }),
      crash: (c: LeaderlessConfig['crash']): Record<string, CsvValue> => ({
        crash_ttf: c?.ttf ?? null,
        crash_ttr: c?.ttr ?? null,
      }),
    },
  },
  metrics: {
    skip: ['ops'], // a parameter
    special: {
      latency_ms: (latency: LeaderlessResult['latency_ms']): Record<string, CsvValue> => {
        const row: Record<string, CsvValue> = {};
        for (const kind of ['read', 'write'] as const) {
          const q: OperationLatencyMs = latency[kind];
          row[`${kind}_p50_ms`] = q.p50;
          row[`${kind}_p99_ms`] = q.p99;
          row[`${kind}_p999_ms`] = q.p999;
        }
        return row;
      },
    },
  },
};

/**
 * The CSV row of a leaderless run, or of a sweep cell pooling `trials` runs: its columns and the row.
 *
 * @example
 * const { columns, row } = leaderlessCsvRow(runLeaderless({ ops: 500 }, 4), 4, { ops: 500 });
 */
export function leaderlessCsvRow(
  result: LeaderlessResult,
  seed: number,
  config: Partial<LeaderlessConfig>,
  trials = 1,
): { columns: string[]; row: Record<string, CsvValue> } {
  const parameters = { ...LEADERLESS_DEFAULTS, ...config } as unknown as Record<string, unknown>;
  return resultCsvRow(
    { parameters, metrics: result as unknown as Record<string, unknown>, trials, seed },
    LEADERLESS_ROW,
  );
}

// The human summary.

function pct(e: CountEstimate): string {
  if (e.of === 0) return 'n/a (none eligible)';
  return `${e.p.toFixed(4)} [${e.low.toFixed(4)}, ${e.high.toFixed(4)}]  (${e.count} of ${e.of})`;
}

function ms(x: number | null): string {
  return x === null ? 'n/a' : `${x.toPrecision(4)} ms`;
}

function quantiles(q: OperationLatencyMs): string {
  return `p50 ${ms(q.p50)}, p99 ${ms(q.p99)}, p99.9 ${ms(q.p999)}`;
}

function hintsDetail(result: LeaderlessResult): string {
  const extra = result as unknown as Record<string, unknown>;
  const parts = ['hints_lost', 'hints_held', 'non_overlapping_reads', 'non_overlapping_stale_reads']
    .filter((name) => typeof extra[name] === 'number')
    .map((name) => `${name.replace(/_/g, ' ')} ${extra[name] as number}`);
  return parts.length === 0 ? '' : `, ${parts.join(', ')}`;
}

function summaryText(result: LeaderlessResult, seed: number, config: Partial<LeaderlessConfig>): string {
  const c = { ...LEADERLESS_DEFAULTS, ...config };
  const iv = result.intervals;
  const lines = [
    `leaderless: ${c.nodes} nodes, N=${c.n} R=${c.r} W=${c.w}, ${c.conflict}, coordinator ${c.coordinator}, latency ${c.latency}, seed ${seed}`,
    `  ${result.ops} ops (${result.reads} reads, ${result.writes} writes${c.probeReadAfterMs !== null ? `; the reads include a probe ${c.probeReadAfterMs} ms after each acknowledged write` : ''}) in ${result.sim_time_ms.toPrecision(6)} simulated ms; 95% intervals in brackets`,
    `availability:         ${pct(iv.availability)}; failed ${result.failed_writes} writes (${result.failed_writes_landed} landed anyway), ${result.failed_reads} reads`,
    `stale reads:          ${pct(iv.stale_read_fraction)}`,
    `acked writes lost:    ${pct(iv.acked_writes_lost)}`,
    `read-your-writes:     ${pct(iv.ryw_violations)} violations`,
    `monotonic reads:      ${pct(iv.monotonic_read_violations)} violations`,
    `siblings per read:    max ${result.max_siblings}, mean ${result.mean_siblings === null ? 'n/a' : result.mean_siblings.toFixed(3)} (a read of an unwritten key counts 0); reads with siblings ${pct(iv.reads_with_siblings)}`,
    `read latency:         ${quantiles(result.latency_ms.read)}`,
    `write latency:        ${quantiles(result.latency_ms.write)}`,
    `messages per op:      ${result.messages_per_op.toFixed(3)}`,
    `hints:                ${c.sloppy ? `${result.hints_stored} stored, ${result.hints_handed_off} handed off${hintsDetail(result)}` : 'none (strict quorums; --sloppy for sloppy quorums with hinted handoff)'}`,
    `read repair:          ${c.readRepair === 'off' ? 'off (--read-repair background|blocking)' : `${c.readRepair}: ${result.read_repairs} repair messages, ${result.keys_repaired_by_read_repair} replica keys repaired`}`,
    `anti-entropy:         ${c.antiEntropyIntervalMs === null ? 'off (--anti-entropy-interval MS)' : `every ${c.antiEntropyIntervalMs} ms: ${result.anti_entropy_messages} messages, ${result.anti_entropy_bytes} bytes, ${result.keys_repaired_by_anti_entropy} replica keys repaired`}`,
    `convergence:          ${
      result.convergence_ms === null
        ? c.antiEntropyIntervalMs === null
          ? 'not measured (needs --anti-entropy-interval)'
          : 'not reached (a fault never healed, or no convergence within 1000 rounds)'
        : `${ms(result.convergence_ms)} after the faults healed`
    }; replicas ${result.replicas_converged ? 'equal' : 'not all equal'} at the end`,
  ];
  return lines.join('\n') + '\n';
}

/** Prints the scenarios, one line each. */
function printScenarioList(json: boolean | undefined): void {
  const list = [...leaderlessScenarios.values()];
  if (json) {
    process.stdout.write(
      JSON.stringify(
        list.map((s) => ({ name: s.name, description: s.description, config: s.config, control: s.control })),
      ) + '\n',
    );
    return;
  }
  const width = Math.max(...list.map((s) => s.name.length));
  for (const s of list)
    process.stdout.write(
      `${s.name.padEnd(width)}  ${s.description.split('. ')[0].replace(/^\([a-d]\) /, '')}\n`,
    );
  process.stdout.write(
    "\nreplilab leaderless --scenario NAME [--control] [--seed S] [--json]; flags override the scenario's config.\n",
  );
}

/** `--scenario NAME`: one run of a quorum edge case (or its control), and its count with an interval. */
function runScenarioCommand(flags: LeaderlessFlags): void {
  const name = flags.scenario as string;
  if (name === 'list') {
    printScenarioList(flags.json);
    return;
  }
  const scenario: LeaderlessScenario | undefined = leaderlessScenarios.get(name);
  if (scenario === undefined)
    throw new ParameterError(
      '--scenario',
      JSON.stringify(name),
      `one of ${[...leaderlessScenarios.keys()].join(', ')}, or list`,
    );
  if (flags.out !== undefined)
    throw new ParameterError('--out', JSON.stringify(flags.out), 'no --out with --scenario (use --json)');
  const label = `scenario ${name}${flags.control ? ' control' : ''}`;
  const { config, seed } = leaderlessRunFromFlags(flags, {
    label,
    config: flags.control ? scenario.control : scenario.config,
  });
  const run = runLeaderlessWithHistory(config, seed);
  const outcome = scenarioResult(scenario, run, seed, config);
  if (flags.json) {
    process.stdout.write(
      JSON.stringify({
        scenario: name,
        control: flags.control === true,
        ...scenarioJson(outcome),
        result: run.result,
        config: leaderlessJson(run.result, seed, config).config,
      }) + '\n',
    );
    return;
  }
  const o = outcome.occurrences;
  process.stdout.write(
    [
      `scenario ${name}${flags.control ? ' (control)' : ''}, seed ${seed}`,
      `  ${scenario.description}`,
      `occurrences: ${o.count} of ${o.of}${o.of > 0 ? `: ${o.p.toFixed(4)} [${o.low.toFixed(4)}, ${o.high.toFixed(4)}] (Wilson 95%)` : ' (not applicable in this run)'}`,
      `  ${outcome.note}`,
    ].join('\n') + '\n',
  );
}

function scenarioJson(outcome: ScenarioResult): Record<string, unknown> {
  return { seed: outcome.seed, occurrences: outcome.occurrences, note: outcome.note };
}

/** `replilab leaderless`: one run of the Dynamo-style leaderless cluster model. */
export function leaderlessCommand(): Command {
  const command = new Command('leaderless')
    .description(
      'simulate a Dynamo-style leaderless cluster (ring, N/R/W quorums, LWW or siblings, clock skew, crashes, partitions, slow nodes, loss) under a client workload and check its history',
    )
    .option('--config <file>', 'a YAML or JSON file of LeaderlessConfig fields (and seed); flags override it')
    .option('--nodes <count>', `nodes on the ring (default ${d.nodes})`)
    .option('--n <count>', `replicas per key, N (default ${d.n})`)
    .option('--r <count>', `read quorum, R: responses a read waits for (default ${d.r})`)
    .option('--w <count>', `write quorum, W: acks a write waits for (default ${d.w})`)
    .option('--vnodes <count>', `virtual nodes per node (default ${d.vnodes})`)
    .option('--ring-seed <seed>', `seed of the ring layout (default ${d.ringSeed})`)
    .option('--keys <count>', `number of keys (default ${d.keys})`)
    .option('--zipf <s>', `Zipf exponent of key popularity, >= 0; 0 is uniform (default ${d.zipf})`)
    .option('--write-ratio <p>', `probability that an operation is a write (default ${d.writeRatio})`)
    .option('--ops <count>', `operations in the run, reads plus writes (default ${d.ops})`)
    .option('--clients <count>', `clients (default ${d.clients})`)
    .option(
      '--rate <ops-per-ms>',
      `open loop: operations per ms per client, Poisson (default ${d.arrivals.kind === 'open' ? d.arrivals.ratePerMs : 'closed loop'})`,
    )
    .option('--think <spec>', "closed loop instead: think time between an operation's end and the next start")
    .option(
      '--session-length <ops>',
      'mean operations per client session, or inf (default inf: one session per client)',
    )
    .option(
      '--timeout-ms <ms>',
      `a write without W acks or a read without R responses fails after this (default ${d.timeoutMs})`,
    )
    .option('--coordinator <mode>', `random-node, first-replica or client (default ${d.coordinator})`)
    .option(
      '--conflict <mode>',
      `lww (last writer wins) or siblings (dotted version vectors) (default ${d.conflict})`,
    )
    .option(
      '--latency <preset|spec>',
      `message delays: a preset or one distribution for all legs (default ${d.latency})`,
    )
    .option(
      '--clock-skew <spec>',
      'per-node (and per-client) clock offset in ms, drawn once, or none (default none)',
    )
    .option(
      '--clock-drift <max>',
      `clock rate error, uniform in [-max, max], in [0, 1) (default ${d.clockDrift})`,
    )
    .option(
      '--crash-mtbf <spec>',
      'crash-recovery churn: up time of a node between crashes (with --crash-mttr; default no crashes)',
    )
    .option('--crash-mttr <spec>', 'down time of a crashed node (with --crash-mtbf)')
    .option('--loss <p>', `probability that a message is lost (default ${d.loss})`)
    .option(
      '--partition-every <spec>',
      'random partitions: up time between cuts, ms (with --partition-duration; default no random cuts)',
    )
    .option('--partition-duration <spec>', 'random partitions: how long a cut lasts, ms')
    .option(
      '--partition-isolate <count>',
      'random partitions: nodes cut off from the rest each time (default 1)',
    )
    .option('--slow-nodes <ids>', 'slow nodes, comma-separated ids (with --slow-delay)')
    .option('--slow-delay <spec>', 'extra delay of every message to a slow node, ms')
    .option(
      '--sloppy',
      'sloppy quorum with hinted handoff: stand-ins past the N homes take writes for unreachable homes (default strict quorums)',
    )
    .option(
      '--hinted-handoff-interval <ms>',
      `with --sloppy: how often a stand-in tries to hand its hints home (default ${d.hintedHandoffIntervalMs})`,
    )
    .option(
      '--read-repair <mode>',
      `off, background (repair after the read returns) or blocking (the read waits for its repairs) (default ${d.readRepair})`,
    )
    .option(
      '--anti-entropy-interval <ms>',
      'anti-entropy: Merkle-tree comparison between every connected pair of nodes every MS, or none (default none)',
    )
    .option(
      '--probe-read-after <ms>',
      'PBS probe: after each acknowledged write its client reads the key this many ms later (extra reads; default none)',
    )
    .option('--seed <seed>', `seed of every random stream (default ${DEFAULT_SEED})`)
    .option('--out <file.csv>', 'also write the run as a one-row CSV, with FILE.manifest.json beside it')
    .option('--json', 'print exactly one JSON object on stdout (the documented contract) and nothing else')
    .option(
      '--scenario <name>',
      `run a quorum edge case and count its occurrences: ${[...leaderlessScenarios.keys()].join(', ')}, or list (flags and --config override its config)`,
    )
    .option('--control', 'with --scenario: run its control config, where the edge case cannot happen');
  return command.addHelpText('after', EXAMPLES).action(async (flags: LeaderlessFlags) => {
    if (flags.control && flags.scenario === undefined)
      throw new ParameterError('--control', 'without --scenario', 'use --control with --scenario NAME');
    if (flags.scenario !== undefined) {
      runScenarioCommand(flags);
      return;
    }
    await runModelCommand(flags, {
      experiment: 'leaderless',
      resolve: () => leaderlessRunFromFlags(flags),
      run: runLeaderless,
      json: leaderlessJson,
      csvRow: leaderlessCsvRow,
      summary: summaryText,
    });
  });
}
