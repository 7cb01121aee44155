// Results must not change when the code that produces them is reorganised. The fixtures under
// experiments/golden/ were written once, by the code as it stood before the parameter-schema
// redesign, with GOLDEN_WRITE=1; they are never rewritten to make this test pass. A flag or column
// renamed for consistency is mapped here and listed in CHANGELOG.md.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { runDefaultExperiment } from './default-experiment.js';
import { DEFAULT_EXPERIMENTS } from './default-experiments.js';

const FIXTURES = join(process.cwd(), 'experiments/golden');
const WRITE = process.env.GOLDEN_WRITE === '1';
const CLI = join(process.cwd(), 'dist/lib/cli/main.js');

/** One run of each command, small enough for a test, covering each family's main switches. */
const COMMANDS: Record<string, string[]> = {
  'staleness-fast': [
    'staleness',
    '--latency',
    'lnkd-disk',
    '--r',
    '1',
    '--w',
    '2',
    '--trials',
    '5000',
    '--t',
    '0:20:5',
    '--json',
  ],
  'staleness-event': ['staleness', '--engine', 'event', '--trials', '400', '--t', '0,5', '--json'],
  'leaderless-lww': ['leaderless', '--ops', '3000', '--clock-skew', 'uniform(0,50)', '--json'],
  'leaderless-siblings': [
    'leaderless',
    '--ops',
    '3000',
    '--conflict',
    'siblings',
    '--sloppy',
    '--loss',
    '0.01',
    '--json',
  ],
  'failover-raft': ['failover', '--trials', '40', '--json'],
  'failover-pause': ['failover', '--election', 'coordinator', '--fault', 'pause', '--trials', '40', '--json'],
  'lag-default': ['lag', '--json'],
  'conflicts-default': ['conflicts', '--json'],
  'scenario-patroni': ['scenario', 'run', 'patroni', '--trials', '20', '--json'],
  'scenario-dynamo': ['scenario', 'run', 'dynamo', '--json'],
};

/**
 * Units changed for consistency (rates are per second everywhere now): the factor from the new
 * value to the old one, by command and config key (camelCase). See CHANGELOG.md.
 */
const UNIT_CHANGES: Record<string, Record<string, number>> = {
  failover: { writeRate: 1 / 1000 },
  lag: { rate: 1 / 1000 },
  leaderless: { rate: 1 / 1000 },
};

/**
 * Keys renamed for one name everywhere, by command: the new key (camelCase) -> the old one. Applied
 * after UNIT_CHANGES, to `--json`'s config keys and to the CSV columns alike. See CHANGELOG.md.
 */
const RENAMED: Record<string, Record<string, string>> = {
  lag: { rate: 'ratePerMs' },
  conflicts: { writeRate: 'writeRatePerSec', localReadRate: 'localReadRatePerSec' },
  leaderless: { rate: 'ratePerMs', crashMtbf: 'crashTtf', crashMttr: 'crashTtr' },
};

/**
 * Config fields that no flag or sweep key could set (so null, their default, in every run here)
 * and that are now library options of the model, not parameters: the old code wrote them after
 * the key `after` (camelCase, old name). See CHANGELOG.md.
 */
const LIBRARY_ONLY: Record<string, { key: string; after: string; value: unknown }[]> = {
  lag: [{ key: 'followerCrash', after: 'replyRatio', value: null }],
  conflicts: [{ key: 'devices', after: 'dcFailure', value: null }],
};

/**
 * One structured config field that is now several scalar parameters, by command: the parameters
 * (camelCase; the old field is written where the first of them stands) and the old field's value
 * from theirs. See CHANGELOG.md.
 */
const REGROUPED: Record<
  string,
  { keys: string[]; key: string; value: (values: Record<string, unknown>) => unknown }[]
> = {
  // The failing datacenter: --fail-dc, --fail-at-ms, --fail-for-ms (null: for good; the old JSON
  // wrote Infinity as null too), one `dcFailure` object (or null) before.
  conflicts: [
    {
      keys: ['failDc', 'failAtMs', 'failForMs'],
      key: 'dcFailure',
      value: (v) => (v.failDc === null ? null : { dc: v.failDc, atMs: v.failAtMs, durationMs: v.failForMs }),
    },
  ],
  // Fencing was a boolean. false was the term check every run had, now `epoch`; true fenced the
  // old leader the instant a new one was elected, reaching across the partition with no message,
  // token or lease: an oracle, gone, with no exact equivalent (no fixture used it). --lease-ms and
  // --clock-drift act only with `lease` or drift, --read-rate sends reads (default 0: none); at
  // their defaults nothing is drawn or sent, so old runs are `epoch` without reads.
  failover: [
    {
      keys: ['fencing', 'leaseMs', 'clockDrift', 'readRate'],
      key: 'fencing',
      value: (v) =>
        v.fencing === 'epoch' && v.clockDrift === 0 && v.readRate === 0
          ? false
          : `no old equivalent: fencing ${String(v.fencing)}`,
    },
  ],
  // Scheduled partitions as text (`none`, `1000-3000:0,1|2,3,4`), a list of cuts before; random
  // partitions and slow nodes as flat parameters, one object (or null) before.
  leaderless: [
    { keys: ['partitions'], key: 'partitions', value: (v) => oldPartitions(v.partitions) },
    {
      keys: ['partitionEvery', 'partitionDuration', 'partitionIsolate'],
      key: 'randomPartitions',
      value: (v) =>
        v.partitionEvery === null
          ? null
          : { every: v.partitionEvery, duration: v.partitionDuration, isolate: v.partitionIsolate },
    },
    {
      keys: ['slowNodes', 'slowDelay'],
      key: 'slowNodes',
      value: (v) =>
        v.slowNodes === 'none'
          ? null
          : { nodes: String(v.slowNodes).split(',').map(Number), delay: v.slowDelay },
    },
  ],
};

/**
 * Metrics added since the fixtures were written, by command: `paths` of the `--json` result
 * (dotted) and `columns` of its CSV (a column that equals one or begins with it and `_`), left out
 * before the comparison, which holds every metric the old code had to its old value. See
 * CHANGELOG.md.
 */
const ADDED_METRICS: Record<string, { paths: string[]; columns: string[] }> = {
  // Fencing by mechanism: the split-brain mean's interval (and the mean of squares it pools from),
  // writes acknowledged and reads served by a deposed leader, and the reads behind them.
  failover: {
    paths: [
      'split_brain_ms.mean_square',
      'split_brain_ms.ci_low',
      'split_brain_ms.ci_high',
      'deposed_leader_acked_writes',
      'reads',
      'reads_served',
      'deposed_leader_reads',
      'intervals.deposed_leader_acked_writes',
      'intervals.deposed_leader_reads',
    ],
    columns: [
      'split_brain_ms_mean_square',
      'split_brain_ms_ci_low',
      'split_brain_ms_ci_high',
      'deposed_leader_acked_writes',
      'reads',
      'deposed_leader_reads',
    ],
  },
  // The lag monitor: true and monitored lag, the monitor's underestimate, reads beyond the bound;
  // staleness per read; the means of the five distributions with their batch-means intervals.
  lag: ((keys: string[]) => ({
    paths: keys.flatMap((k) => [k, `intervals.${k}`]),
    columns: keys,
  }))([
    'replication_lag_ms',
    'monitored_lag_ms',
    'monitor_underestimate_ms',
    'lag_bound_exceeded',
    'read_age_ms',
    'versions_behind',
    'stale_reads',
    'mean_intervals',
  ]),
  // Staleness of every leaderless run in time and in versions (lib/check's ReadAgeTracker, a
  // streaming checker): CSV columns read_age_p50_ms ... and versions_behind_p50 ... .
  leaderless: {
    paths: ['read_age_ms', 'versions_behind'],
    columns: ['read_age', 'versions_behind'],
  },
};

/** A result without the metrics {@link ADDED_METRICS} lists for the command. */
function withoutAddedMetrics(command: string, result: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(result);
  for (const path of ADDED_METRICS[command]?.paths ?? []) {
    const keys = path.split('.');
    let node = copy as Record<string, unknown> | undefined;
    for (const key of keys.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
    if (node !== undefined) delete node[keys[keys.length - 1]];
  }
  return copy;
}

/** Whether a CSV column (or a config key) is one of the metrics {@link ADDED_METRICS} lists. */
function isAddedMetric(command: string, column: string): boolean {
  return (ADDED_METRICS[command]?.columns ?? []).some((m) => column === m || column.startsWith(`${m}_`));
}

/** `1000-3000:0,1|2,3,4;...` as the old config's list of { startMs, endMs, groups }. */
function oldPartitions(text: unknown): unknown {
  if (text === 'none') return [];
  return String(text)
    .split(';')
    .map((cut) => {
      const [span, groups] = cut.split(':');
      const [start, end] = span.split('-');
      return {
        startMs: Number(start),
        endMs: end === 'inf' ? Infinity : Number(end),
        groups: groups.split('|').map((g) => g.split(',').map(Number)),
      };
    });
}

/**
 * Fields the old `--json` config nested but the old CSV wrote flat (so no one REGROUPED rule
 * serves both), by command: the old config from the one in old names.
 */
const CONFIG_NESTED: Record<string, (config: Record<string, unknown>) => Record<string, unknown>> = {
  leaderless: ({ arrivals, ratePerMs, think, crashTtf, crashTtr, ...rest }) => ({
    ...rest,
    arrivals: arrivals === 'open' ? { kind: 'open', ratePerMs } : { kind: 'closed', think },
    crash: crashTtf === null ? null : { ttf: crashTtf, ttr: crashTtr },
  }),
};

/**
 * Scenario reports (`scenario run --json`): `parameters` lists the scenario as a preset of its
 * experiment now (its settings, the experiment values it presets, the derived ones; each with a
 * role and a unit), not the old flat list, so the reports are compared without it and each old
 * parameter is found in the new list with its old value: under the experiment's key where the
 * scenario key was renamed, the value converted back to the old unit, `none` where the experiment
 * writes null. See CHANGELOG.md.
 */
const SCENARIO_PARAMETERS: Record<string, { key: string; old: (value: unknown) => unknown }> = {
  write_rate_per_ms: { key: 'write_rate', old: (v) => (v as number) / 1000 },
  rate_per_ms: { key: 'rate', old: (v) => (v as number) / 1000 },
};
const oldScenarioValue = (value: unknown) => (value === null ? 'none' : value);

/**
 * Parameters added since the fixtures, by command: each one's default (camelCase key -> value),
 * which reproduces the old mechanism. A config or CSV row holding the default is compared without
 * it; any other value stays in and fails the comparison. See CHANGELOG.md.
 */
const NEW_PARAMETERS: Record<string, Record<string, unknown>> = {
  // The lag monitor's poll interval (routing on the monitor: see CHANGED_BY_MECHANISM), causal
  // partitioning (off: keys stay in partition k mod partitions), a remote leader (0 ms: none).
  lag: { monitorIntervalMs: 1000, causalPartitioning: false, leaderLatency: 0 },
  // failover --raft-timing: 'paper' is the Raft election the fixtures ran; 'etcd' (etcd's
  // tick-based timers, calibrated in lib/testbed) is new and opt-in, and so is its --pre-vote.
  // --sentinels,
  // --sentinel-quorum and --sentinel-failover-timeout-ms act only with --election sentinel
  // (Redis Sentinel's failover, new and opt-in).
  failover: {
    raftTiming: 'paper',
    preVote: false,
    sentinels: 3,
    sentinelQuorum: 2,
    sentinelFailoverTimeoutMs: 180_000,
  },
};

/**
 * Results a mechanism changed on purpose, by experiment: the CSV rows (named by a parameter
 * column's value) whose metrics, from column `firstMetric` on, differ from the fixtures, and why.
 * Their parameter columns are still compared; every other row is compared whole.
 */
const CHANGED_BY_MECHANISM: Record<
  string,
  { firstMetric: string; rows: { column: string; value: string; reason: string }[] }
> = {
  lag: {
    firstMetric: 'ryw_violations',
    rows: [
      {
        column: 'routing',
        value: 'lag-bounded',
        reason:
          "routes on the lag monitor's last reply (a poll every --monitor-interval-ms over the " +
          "network) instead of each follower's true lag, which no router can see: more reads go " +
          'to followers that lag beyond --max-lag-ms, and more to the leader',
      },
      {
        column: 'routing',
        value: 'client-position',
        reason:
          "checks the client's positions against the follower's position as the lag monitor last " +
          'reported it, not its true one: the reports are older, so more reads go to the leader',
      },
    ],
  },
};

/** CSV cells the old code wrote in another form, by experiment and (old) column: the old text from the new. */
const CSV_CELLS: Record<string, Record<string, (cell: unknown) => unknown>> = {
  // One session per client: null now (an empty cell), Infinity (`inf`) before.
  leaderless: { session_length: (cell) => (cell === '' ? 'inf' : cell) },
};

/**
 * Values of a command's `--json` output that changed on purpose, by fixture name: each path
 * (dotted, array indices as numbers) must hold `now`, and is compared as `old` with the rest.
 */
const CHANGED: Record<string, { path: string; old: unknown; now: unknown; why: string }[]> = {
  // Anti-entropy exchanges (every 1000 ms here) are messages on the run's network now, each delay
  // a draw from the run's random stream, so the other messages' draws shift: one read of 8921
  // that saw one version now saw two, and the latency tails moved by about 1%. Everything else,
  // mean_siblings included, is unchanged.
  'scenario-dynamo': [
    { path: 'metrics.2.estimate.count', old: 1449, now: 1448, why: 'anti-entropy as messages' },
    { path: 'metrics.2.estimate.p', old: 0.16242573702499719, now: 0.16231364196838918, why: 'same' },
    { path: 'metrics.2.estimate.low', old: 0.1549174467471055, now: 0.15480752774352433, why: 'same' },
    { path: 'metrics.2.estimate.high', old: 0.17022462689194112, now: 0.17011045227893226, why: 'same' },
    { path: 'metrics.5.value', old: 0.77294921875, now: 0.76220703125, why: 'read p99 ms, same' },
    { path: 'metrics.6.value', old: 0.78466796875, now: 0.77783203125, why: 'write p99 ms, same' },
  ],
  // The patroni scenario's replicas now act when the DCS deletes the expired leader key
  // (ha_notice=watch: Patroni's dcs.watch() wakes them, patroni/dcs/etcd3.py), after etcd's expiry
  // sweep (uniform in [0, 500 ms)) plus promote_ms (550 ms, measured), instead of at their next HA
  // loop (uniform in [0, loop_wait)): recovery drops from about ttl to about ttl - loop_wait/2, as
  // `replilab calibrate patroni` measured against Patroni 3.0 (data/calibration/patroni.md).
  // --set ha_notice=loop reproduces every old metric.
  'scenario-patroni': [
    {
      path: 'description',
      old: 'Patroni failover: DCS lease ttl 30 s renewed every loop_wait 10 s, replicas notice within a loop, most up-to-date promoted',
      now: 'Patroni failover: DCS lease ttl 30 s renewed every loop_wait 10 s, replicas woken by the key deletion, most up-to-date promoted',
      why: 'the rule the text names',
    },
    {
      path: 'metrics.0.summary.mean',
      old: 30092.353914637373,
      now: 25445.844821319777,
      why: 'recovery ms, same rule',
    },
    { path: 'metrics.0.summary.min', old: 23190.039487394235, now: 21813.50758736021, why: 'same' },
    { path: 'metrics.0.summary.p50', old: 29695.44593392522, now: 25113.17660132207, why: 'same' },
    { path: 'metrics.0.summary.p90', old: 35518.59539410984, now: 29447.595016767762, why: 'same' },
    { path: 'metrics.0.summary.p99', old: 38775.17594654908, now: 30733.49314400361, why: 'same' },
    { path: 'metrics.0.summary.max', old: 39466.37278586872, now: 30967.302051360602, why: 'same' },
    {
      path: 'metrics.1.summary.mean',
      old: 30086.48382190125,
      now: 25439.974728583657,
      why: 'detection ms, same rule',
    },
    { path: 'metrics.1.summary.min', old: 23184.247232977235, now: 21808.721093448097, why: 'same' },
    { path: 'metrics.1.summary.p50', old: 29690.668019686425, now: 25107.352667048806, why: 'same' },
    { path: 'metrics.1.summary.p90', old: 35511.724065709226, now: 29442.89435174577, why: 'same' },
    { path: 'metrics.1.summary.p99', old: 38770.04955934354, now: 30729.240008599085, why: 'same' },
    { path: 'metrics.1.summary.max', old: 39462.10697400258, now: 30963.03623949446, why: 'same' },
    {
      path: 'metrics.5.estimate.of',
      old: 17013,
      now: 17957,
      why: 'acked writes: more writes over shorter failovers',
    },
    { path: 'metrics.5.estimate.p', old: 5.8778581085052606e-5, now: 5.5688589408030296e-5, why: 'same' },
    { path: 'metrics.5.estimate.low', old: 1.0375938219446898e-5, now: 9.830471099411765e-6, why: 'same' },
    {
      path: 'metrics.5.estimate.high',
      old: 0.00033289921274378906,
      now: 0.00031540255509743964,
      why: 'same',
    },
    {
      path: 'metrics.8.label',
      old: 'documented arithmetic: lease expiry + HA-loop notice after the crash, earliest',
      now: 'documented arithmetic: lease expiry + expiry sweep + promotion after the crash, earliest',
      why: 'the window under the watch rule',
    },
    { path: 'metrics.8.value', old: 20000, now: 20550, why: 'same' },
    {
      path: 'metrics.9.label',
      old: 'documented arithmetic: lease expiry + HA-loop notice after the crash, latest',
      now: 'documented arithmetic: lease expiry + expiry sweep + promotion after the crash, latest',
      why: 'same',
    },
    { path: 'metrics.9.value', old: 40000, now: 31050, why: 'same' },
    {
      path: 'metrics.10.value',
      old: 30006,
      now: 25806,
      why: 'mean: ttl - loop_wait/2 + sweep/2 + promote_ms + promotion steps',
    },
    {
      path: 'assumptions.0',
      old: "Recovery ends when the promoted replica's first heartbeat reaches the live followers; promotion costs 4 one-way delays and a disk write (no pg_ctl promote time).",
      now: "Recovery ends when the promoted replica's first heartbeat reaches the live followers; promotion costs promote_ms (ha_notice=watch), then 4 one-way delays and a disk write.",
      why: 'promote_ms named',
    },
  ],
};

/** The object holding the last segment of a dotted path, and that segment. */
function at(root: unknown, path: string): [Record<string, unknown>, string] {
  const parts = path.split('.');
  let node = root as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  return [node, parts[parts.length - 1]];
}

/** How a record names and holds values: `--json`'s config (camelCase, JSON values) or a CSV row (snake_case, text). */
interface RecordStyle {
  name: (key: string) => string;
  read: (cell: unknown) => unknown;
  write: (value: unknown) => unknown;
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const CONFIG_STYLE: RecordStyle = { name: (key) => key, read: (v) => v, write: (v) => v };

const CSV_STYLE: RecordStyle = {
  name: snake,
  read: (cell) =>
    cell === ''
      ? null
      : typeof cell === 'string' && /^-?[0-9.]+(e[-+]?[0-9]+)?$/i.test(cell)
        ? Number(cell)
        : cell,
  write: (value) => (value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)),
};

/** A record's entries as the old code named and wrote them (the order kept): see the tables above. */
function inOldNames(
  command: string,
  record: Record<string, unknown>,
  style: RecordStyle,
): [string, unknown][] {
  const { name, read, write } = style;
  const units = UNIT_CHANGES[command] ?? {};
  const renamed = RENAMED[command] ?? {};
  const keyOf = new Map([...Object.keys(units), ...Object.keys(renamed)].map((key) => [name(key), key]));
  const added = Object.fromEntries(
    Object.entries(NEW_PARAMETERS[command] ?? {}).map(([key, value]) => [name(key), write(value)]),
  );
  const out: [string, unknown][] = [];
  for (const [column, cell] of Object.entries(record)) {
    if (column in added && cell === added[column]) continue;
    if (isAddedMetric(command, column)) continue;
    const group = (REGROUPED[command] ?? []).find((g) => g.keys.some((k) => name(k) === column));
    if (group !== undefined) {
      if (name(group.keys[0]) !== column) continue;
      const values = Object.fromEntries(group.keys.map((k) => [k, read(record[name(k)])]));
      out.push([name(group.key), write(group.value(values))]);
    } else {
      const key = keyOf.get(column);
      const factor = key === undefined ? undefined : units[key];
      const value = read(cell);
      const old = factor !== undefined && typeof value === 'number' ? write(value * factor) : cell;
      out.push([key !== undefined && renamed[key] !== undefined ? name(renamed[key]) : column, old]);
    }
    for (const extra of LIBRARY_ONLY[command] ?? [])
      if (name(extra.after) === out[out.length - 1][0]) out.push([name(extra.key), write(extra.value)]);
  }
  return out;
}

/**
 * The `config` a command echoes, as the old code wrote it: keys in camelCase (they are snake_case
 * now, as in files and CSV columns), old names and old units.
 */
function normalizeConfig(command: string, config: Record<string, unknown>): Record<string, unknown> {
  const camel = Object.fromEntries(
    Object.entries(config).map(([name, value]) => [
      name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
      value,
    ]),
  );
  const old = Object.fromEntries(inOldNames(command, camel, CONFIG_STYLE));
  return CONFIG_NESTED[command]?.(old) ?? old;
}

/** A CSV's rows as the old code wrote them (columns in order, renamed back, old units): each row's entries. */
function csvInOldNames(experiment: string, text: string): [string, unknown][][] {
  const rows = parse<Record<string, string>>(text, { columns: true });
  const cells = CSV_CELLS[experiment] ?? {};
  return rows.map((row) =>
    inOldNames(experiment, row, CSV_STYLE).map(([column, cell]) => [column, cells[column]?.(cell) ?? cell]),
  );
}

const CHANGED_MARK = '(changed by a mechanism: see CHANGED_BY_MECHANISM)';

/** A row's entries with the metrics of a row a mechanism changed (CHANGED_BY_MECHANISM) masked. */
function maskChanged(experiment: string, row: [string, unknown][]): [string, unknown][] {
  const changed = CHANGED_BY_MECHANISM[experiment];
  if (changed === undefined) return row;
  const cells = new Map(row);
  if (!changed.rows.some((r) => cells.get(r.column) === r.value)) return row;
  const from = row.findIndex(([column]) => column === changed.firstMetric);
  return row.map(([column, cell], i) => [column, from >= 0 && i >= from ? CHANGED_MARK : cell]);
}

/** Whether an experiment's CSVs differ from the old ones other than byte for byte. */
const adapted = (experiment: string) =>
  [UNIT_CHANGES, RENAMED, LIBRARY_ONLY, REGROUPED, CSV_CELLS, ADDED_METRICS, NEW_PARAMETERS].some(
    (table) => table[experiment] !== undefined,
  );

const dir = mkdtempSync(join(tmpdir(), 'replilab-golden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, text: string): string {
  const path = join(FIXTURES, name);
  if (WRITE) {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  if (!existsSync(path)) throw new Error(`golden fixture ${name} is missing`);
  return readFileSync(path, 'utf8');
}

describe('results are those of the code before the redesign', { timeout: 300_000 }, () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    it(`replilab ${args.join(' ')}`, () => {
      const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      let result = JSON.parse(run.stdout) as Record<string, unknown>;
      if (!WRITE) {
        for (const change of CHANGED[name] ?? []) {
          const [holder, key] = at(result, change.path);
          expect(holder[key], `${change.path}: ${change.why}`).toEqual(change.now);
          holder[key] = change.old;
        }
      }
      const expected = JSON.parse(
        fixture(`commands/${name}.json`, `${JSON.stringify(result, null, 1)}\n`),
      ) as Record<string, unknown>;
      if (!WRITE) result = withoutAddedMetrics(args[0], result);
      if (!WRITE && result.config !== undefined) {
        result.config = normalizeConfig(args[0], result.config as Record<string, unknown>);
      }
      if (!WRITE && args[0] === 'scenario') {
        const rows = result.parameters as { key: string; value: unknown }[];
        for (const old of expected.parameters as { key: string; value: unknown }[]) {
          const renamed = SCENARIO_PARAMETERS[old.key];
          const row = rows.find((r) => r.key === (renamed?.key ?? old.key));
          expect(row, old.key).toBeDefined();
          const value = renamed ? renamed.old(row!.value) : oldScenarioValue(row!.value);
          expect(value, old.key).toEqual(old.value);
        }
        delete result.parameters;
        delete expected.parameters;
      }
      expect(result).toEqual(expected);
    });
  }

  it('every default experiment writes the same CSVs (trials scaled down)', async () => {
    const written: string[] = [];
    for (const experiment of DEFAULT_EXPERIMENTS) {
      written.push(
        ...(await runDefaultExperiment(experiment, {
          full: false,
          trialScale: 0.02,
          seed: 7,
          threads: 2,
          outDir: dir,
          formats: ['svg'],
          log: () => {},
        })),
      );
    }
    const csvs = written.filter((p) => p.endsWith('.csv')).sort();
    expect(csvs.length).toBeGreaterThan(0);
    for (const csv of csvs) {
      const name = relative(dir, csv);
      const text = readFileSync(csv, 'utf8');
      const expected = fixture(`default-experiments/${name}`, text);
      const experiment = name.split('/')[0];
      // PBS staleness must stay byte-identical; elsewhere, parameter columns renamed or in a new
      // unit are compared under their old names and in their old units, in the old order.
      if (experiment === 'staleness' || !adapted(experiment)) expect(text, name).toBe(expected);
      else
        expect(
          csvInOldNames(experiment, text).map((row) => maskChanged(experiment, row)),
          name,
        ).toEqual(
          parse<Record<string, string>>(expected, { columns: true }).map((row) =>
            maskChanged(experiment, Object.entries(row)),
          ),
        );
    }
    if (!WRITE) {
      const fixtures = readdirSync(join(FIXTURES, 'default-experiments'), {
        recursive: true,
        encoding: 'utf8',
      }).filter((f) => f.endsWith('.csv'));
      expect(fixtures.sort()).toEqual(csvs.map((c) => relative(dir, c)).sort());
    }
  });
});
