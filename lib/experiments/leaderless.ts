/**
 * A Dynamo-style leaderless cluster (ring, N/R/W quorums, LWW or siblings, clock skew, crashes,
 * partitions, slow nodes, message loss) under a client workload, its history checked for stale
 * reads, lost writes and session anomalies. The model's config nests some knobs (`arrivals`,
 * `crash`, `randomPartitions`, `slowNodes`, `partitions`); here each is a flat parameter, and
 * {@link leaderless}'s `config` builds the nested objects.
 */
import type { CountEstimate } from '../check/index.js';
import { latencyPresetNames, resolveLatency } from '../latency/index.js';
import {
  DEFAULT_ARRIVALS,
  DEFAULT_PARTITION_ISOLATE,
  LEADERLESS_DEFAULTS,
  type LeaderlessConfig,
  type PartitionConfig,
} from '../strategies/leaderless/cluster-config.js';
import type { LeaderlessResult, OperationLatencyMs } from '../strategies/leaderless/run-leaderless.js';
import {
  READ_AGE_FIELDS,
  readAgeQuantiles,
  VERSIONS_BEHIND_FIELDS,
  versionsBehindQuantiles,
} from '../strategies/leaderless/staleness-quantiles.js';
import { medianAndTail, pooledRate } from './result-pool.js';
import { defineExperiment } from './define.js';
import { boolean, choice, distribution, integer, number, text, type ParamValues } from './param.js';

const d = LEADERLESS_DEFAULTS;

/** `1000-3000:0,1|2,3,4`: a cut from 1000 ms to 3000 ms (`inf`: never healed) between groups {0,1} and {2,3,4}. */
const PARTITION_TEXT = /^\s*([0-9.e+]+)\s*-\s*([0-9.e+]+|inf)\s*:\s*([0-9,|\s]+)$/i;

/**
 * Scheduled partitions from their text form (`none`, or cuts separated by `;`, each
 * `START-END:GROUP|GROUP...` with groups of comma-separated node ids), or undefined when the text
 * is not of that form or a cut is malformed (ids are checked against `nodes` by a check).
 *
 * @example
 * parsePartitions('1000-3000:0,1|2,3,4'); // [{ startMs: 1000, endMs: 3000, groups: [[0, 1], [2, 3, 4]] }]
 */
export function parsePartitions(value: string): PartitionConfig[] | undefined {
  if (value.trim() === 'none') return [];
  const out: PartitionConfig[] = [];
  for (const part of value.split(';')) {
    const m = PARTITION_TEXT.exec(part);
    if (m === null) return undefined;
    const startMs = Number(m[1]);
    const endMs = /^inf$/i.test(m[2]) ? Infinity : Number(m[2]);
    const groups = m[3]
      .split('|')
      .map((g) => g.split(',').map((id) => (/^\s*\d+\s*$/.test(id) ? Number(id) : NaN)));
    const ids = groups.flat();
    if (!(Number.isFinite(startMs) && startMs >= 0 && endMs >= startMs)) return undefined;
    if (groups.length < 2 || ids.some(Number.isNaN) || new Set(ids).size !== ids.length) return undefined;
    out.push({ startMs, endMs, groups });
  }
  return out;
}

/** Scheduled partitions in their text form (see {@link parsePartitions}). */
export function partitionsText(partitions: readonly PartitionConfig[]): string {
  if (partitions.length === 0) return 'none';
  return partitions
    .map(
      (p) =>
        `${p.startMs}-${p.endMs === Infinity ? 'inf' : p.endMs}:${p.groups.map((g) => g.join(',')).join('|')}`,
    )
    .join(';');
}

/** Slow node ids from `0,2` (`none`: no slow nodes), or undefined when not distinct whole numbers. */
export function parseNodeIds(value: string): number[] | null | undefined {
  if (value.trim() === 'none') return null;
  const ids = value.split(',').map((id) => (/^\s*\d+\s*$/.test(id) ? Number(id) : NaN));
  return ids.some(Number.isNaN) || new Set(ids).size !== ids.length ? undefined : ids;
}

function latencyChecks(value: string): boolean {
  try {
    return resolveLatency(value, 'latency').wan === undefined;
  } catch {
    return false;
  }
}

const closedThink =
  d.arrivals.kind === 'closed' && typeof d.arrivals.think === 'string' ? d.arrivals.think : null;

const params = {
  nodes: integer({ doc: 'physical nodes on the ring, ids 0..nodes-1', default: d.nodes, min: 1, max: 4096 }),
  n: integer({ doc: 'replicas per key, N (at most nodes)', default: d.n, min: 1 }),
  r: integer({ doc: 'read quorum R: replica responses a read waits for (at most N)', default: d.r, min: 1 }),
  w: integer({ doc: 'write quorum W: replica acks a write waits for (at most N)', default: d.w, min: 1 }),
  vnodes: integer({ doc: 'virtual nodes (ring tokens) per node', default: d.vnodes, min: 1, max: 65536 }),
  ringSeed: integer({
    doc: "seed of the ring's token hashes (the ring layout)",
    default: d.ringSeed,
    min: 0,
    max: 0xffffffff,
    valueName: 'seed',
  }),
  keys: integer({
    doc: 'number of keys (key 0 the most popular under Zipf)',
    default: d.keys,
    min: 1,
    max: 2 ** 24,
  }),
  zipf: number({
    doc: 'Zipf exponent of key popularity (0: uniform)',
    default: d.zipf,
    min: 0,
    valueName: 's',
  }),
  writeRatio: number({
    doc: 'probability that an operation is a write',
    default: d.writeRatio,
    min: 0,
    max: 1,
    valueName: 'p',
  }),
  clients: integer({ doc: 'number of clients', default: d.clients, min: 1, max: 2 ** 20 }),
  arrivals: choice(['open', 'closed'], {
    doc: 'open loop (Poisson arrivals at --rate) or closed loop (next operation a --think time after the last ended)',
    default: d.arrivals.kind,
    valueName: 'loop',
  }),
  rate: number({
    doc: 'open loop: operations per second per client (Poisson)',
    default: DEFAULT_ARRIVALS.ratePerMs * 1000,
    gt: 0,
    unit: 'per second',
    valueName: 'per-s',
  }),
  think: distribution({
    doc: "closed loop: think time between an operation's end and the client's next, ms; none with open loop",
    default: closedThink,
    nullText: 'none',
  }),
  sessionLength: number({
    doc: 'mean operations per client session (geometric); inf: one session per client',
    default: d.sessionLength === Infinity ? null : d.sessionLength,
    min: 1,
    valueName: 'ops',
    nullText: 'inf',
  }),
  ops: integer({ doc: 'operations in the run, reads plus writes', default: d.ops, min: 1, max: 2 ** 31 - 1 }),
  probeReadAfterMs: number({
    doc: 'PBS probe: each acknowledged write is read by its client this many ms later (extra reads), ms; none: no probe',
    default: d.probeReadAfterMs,
    min: 0,
    unit: 'ms',
    nullText: 'none',
  }),
  latency: text({
    doc: `message delays, ms: a preset (${latencyPresetNames().filter(latencyChecks).join(', ')}) or one distribution for all legs`,
    default: d.latency,
    unit: 'ms',
    valueName: 'preset|spec',
    allowed: 'a latency preset without a WAN layout, or a distribution in ms, e.g. exp(1), lnkd-ssd',
    check: latencyChecks,
  }),
  timeoutMs: number({
    doc: 'a write without W acks or a read without R responses fails this long after it started, ms',
    default: d.timeoutMs,
    gt: 0,
    unit: 'ms',
  }),
  coordinator: choice(['random-node', 'first-replica', 'client'], {
    doc: 'who coordinates an operation',
    default: d.coordinator,
    valueName: 'mode',
  }),
  conflict: choice(['lww', 'siblings'], {
    doc: 'concurrent writes: last writer wins, or siblings (dotted version vectors)',
    default: d.conflict,
    valueName: 'mode',
  }),
  clockSkew: distribution({
    doc: "each node's and client's clock offset, drawn once, ms; none: perfect clocks",
    default: d.clockSkew,
    nullText: 'none',
  }),
  clockDrift: number({
    doc: "maximum clock rate error: each clock's is uniform in [-max, max] (a fraction, no unit)",
    default: d.clockDrift,
    min: 0,
    lt: 1,
    valueName: 'max',
  }),
  crashMtbf: distribution({
    doc: 'crash-recovery churn: up time of a node between crashes, ms (with --crash-mttr); none: no crashes',
    default: d.crash?.ttf ?? null,
    nullText: 'none',
  }),
  crashMttr: distribution({
    doc: 'down time of a crashed node, ms (with --crash-mtbf); none: no crashes',
    default: d.crash?.ttr ?? null,
    nullText: 'none',
  }),
  storeLoss: number({
    doc: "probability that a crash destroys the node's store, restored from other replicas at recovery (needs crashes; lww only)",
    default: d.storeLoss,
    min: 0,
    max: 1,
    valueName: 'p',
  }),
  loss: number({
    doc: 'probability that a message is lost',
    default: d.loss,
    min: 0,
    max: 1,
    valueName: 'p',
  }),
  partitions: text({
    doc: 'scheduled partitions, ms: START-END:GROUP|GROUP (node ids, e.g. 1000-3000:0,1|2,3,4), several joined by ;',
    default: partitionsText(d.partitions),
    unit: 'ms',
    valueName: 'cuts',
    allowed:
      'none, or cuts START-END:GROUP|GROUP joined by ; (ms, END >= START or inf; two or more disjoint groups of node ids), e.g. 1000-3000:0,1|2,3,4',
    check: (value) => parsePartitions(value) !== undefined,
  }),
  partitionEvery: distribution({
    doc: 'random partitions: up time between cuts, ms (with --partition-duration); none: no random cuts',
    default: d.randomPartitions?.every ?? null,
    nullText: 'none',
  }),
  partitionDuration: distribution({
    doc: 'random partitions: how long a cut lasts, ms; none: no random cuts',
    default: d.randomPartitions?.duration ?? null,
    nullText: 'none',
  }),
  partitionIsolate: integer({
    doc: 'random partitions: nodes cut off from the rest each time (at most nodes - 1)',
    default: d.randomPartitions?.isolate ?? DEFAULT_PARTITION_ISOLATE,
    min: 1,
  }),
  slowNodes: text({
    doc: 'slow nodes, comma-separated ids (with --slow-delay); none: no slow nodes',
    default: d.slowNodes === null ? 'none' : d.slowNodes.nodes.join(','),
    valueName: 'ids',
    allowed: 'none, or distinct node ids separated by commas, e.g. 0,2',
    check: (value) => parseNodeIds(value) !== undefined,
  }),
  slowDelay: distribution({
    doc: 'extra delay of every message to a slow node, ms; none: no slow nodes',
    default: d.slowNodes?.delay ?? null,
    nullText: 'none',
  }),
  sloppy: boolean({
    doc: 'sloppy quorum with hinted handoff: stand-ins past the N homes take writes for unreachable homes',
    default: d.sloppy,
  }),
  hintedHandoffIntervalMs: number({
    doc: 'with --sloppy: how often a stand-in tries to hand its hints home, ms',
    default: d.hintedHandoffIntervalMs,
    gt: 0,
    unit: 'ms',
  }),
  readRepair: choice(['off', 'background', 'blocking'], {
    doc: 'read repair: none, after the read returns, or before it returns',
    default: d.readRepair,
    valueName: 'mode',
  }),
  antiEntropyIntervalMs: number({
    doc: 'anti-entropy: Merkle-tree exchange (as messages) between every pair of nodes this often, ms; none: off',
    default: d.antiEntropyIntervalMs,
    gt: 0,
    unit: 'ms',
    nullText: 'none',
  }),
};

/** The validated values of a leaderless run. */
export type LeaderlessValues = ParamValues<typeof params>;

/** Both of a pair of parameters, or neither: a refusal naming the missing one. */
function paired<K extends keyof LeaderlessValues>(a: K, b: K, allowed: (missing: K) => string) {
  return (v: LeaderlessValues) => {
    if ((v[a] === null) === (v[b] === null)) return undefined;
    const missing = v[a] === null ? a : b;
    return { param: missing, allowed: allowed(missing) };
  };
}

/**
 * The model's config of validated values (rates per ms, nested objects). One session per client
 * (null here, Infinity in the model, its default) is left out, so the config stays plain JSON
 * (a batch crosses a Redis queue as JSON, which has no Infinity).
 */
function config(v: LeaderlessValues): Partial<LeaderlessConfig> {
  const slow = parseNodeIds(v.slowNodes);
  return {
    nodes: v.nodes,
    n: v.n,
    r: v.r,
    w: v.w,
    vnodes: v.vnodes,
    ringSeed: v.ringSeed,
    keys: v.keys,
    zipf: v.zipf,
    writeRatio: v.writeRatio,
    clients: v.clients,
    arrivals:
      v.arrivals === 'open'
        ? { kind: 'open', ratePerMs: v.rate / 1000 }
        : { kind: 'closed', think: v.think! },
    ...(v.sessionLength === null ? {} : { sessionLength: v.sessionLength }),
    ops: v.ops,
    probeReadAfterMs: v.probeReadAfterMs,
    latency: v.latency,
    timeoutMs: v.timeoutMs,
    coordinator: v.coordinator,
    conflict: v.conflict,
    clockSkew: v.clockSkew,
    clockDrift: v.clockDrift,
    crash: v.crashMtbf === null || v.crashMttr === null ? null : { ttf: v.crashMtbf, ttr: v.crashMttr },
    storeLoss: v.storeLoss,
    loss: v.loss,
    partitions: parsePartitions(v.partitions) ?? [],
    randomPartitions:
      v.partitionEvery === null || v.partitionDuration === null
        ? null
        : { every: v.partitionEvery, duration: v.partitionDuration, isolate: v.partitionIsolate },
    slowNodes: slow && v.slowDelay !== null ? { nodes: slow, delay: v.slowDelay } : null,
    sloppy: v.sloppy,
    hintedHandoffIntervalMs: v.hintedHandoffIntervalMs,
    readRepair: v.readRepair,
    antiEntropyIntervalMs: v.antiEntropyIntervalMs,
  };
}

/**
 * The parameter values (camelCase, not yet checked) of a model config: the inverse of
 * {@link leaderless}'s `config`, for configs written in the model's terms (the quorum edge-case
 * scenarios). Fields the config leaves out are left out.
 *
 * @example
 * valuesOfConfig({ crash: { ttf: 'exp(0.0005)', ttr: 'exp(0.002)' }, r: 1 }); // { crashMtbf: 'exp(0.0005)', crashMttr: 'exp(0.002)', r: 1 }
 */
export function valuesOfConfig(
  c: Partial<LeaderlessConfig>,
): Partial<Record<keyof LeaderlessValues, unknown>> {
  const { arrivals, sessionLength, crash, partitions, randomPartitions, slowNodes, ...same } = c;
  const out: Partial<Record<keyof LeaderlessValues, unknown>> = { ...same };
  if (arrivals !== undefined) {
    out.arrivals = arrivals.kind;
    if (arrivals.kind === 'open') out.rate = arrivals.ratePerMs * 1000;
    else out.think = arrivals.think;
  }
  if (sessionLength !== undefined) out.sessionLength = sessionLength === Infinity ? null : sessionLength;
  if (crash !== undefined)
    Object.assign(out, { crashMtbf: crash?.ttf ?? null, crashMttr: crash?.ttr ?? null });
  if (partitions !== undefined) out.partitions = partitionsText(partitions);
  if (randomPartitions !== undefined) {
    out.partitionEvery = randomPartitions?.every ?? null;
    out.partitionDuration = randomPartitions?.duration ?? null;
    if (randomPartitions?.isolate !== undefined) out.partitionIsolate = randomPartitions.isolate;
  }
  if (slowNodes !== undefined) {
    out.slowNodes = slowNodes === null ? 'none' : slowNodes.nodes.join(',');
    out.slowDelay = slowNodes?.delay ?? null;
  }
  return out;
}

/** The metrics as CSV columns take them: `ops` is a parameter; latency, read age and versions-behind quantiles get columns of their own. */
function metrics(result: LeaderlessResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(result)) {
    if (name === 'ops') continue;
    if (name === 'read_age_ms') {
      for (const f of READ_AGE_FIELDS) out[`read_age_${f}_ms`] = result.read_age_ms[f];
      continue;
    }
    if (name === 'versions_behind') {
      for (const f of VERSIONS_BEHIND_FIELDS) out[`versions_behind_${f}`] = result.versions_behind[f];
      continue;
    }
    if (name !== 'latency_ms') {
      out[name] = value;
      continue;
    }
    for (const kind of ['read', 'write'] as const) {
      const q: OperationLatencyMs = result.latency_ms[kind];
      out[`${kind}_p50_ms`] = q.p50;
      out[`${kind}_p99_ms`] = q.p99;
      out[`${kind}_p999_ms`] = q.p999;
    }
  }
  return out;
}

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

function summary(result: LeaderlessResult, seed: number, c: LeaderlessValues): string {
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
    `anti-entropy:         ${c.antiEntropyIntervalMs === null ? 'off (--anti-entropy-interval-ms MS)' : `every ${c.antiEntropyIntervalMs} ms: ${result.anti_entropy_messages} messages, ${result.anti_entropy_bytes} bytes, ${result.keys_repaired_by_anti_entropy} replica keys repaired`}`,
    `convergence:          ${
      result.convergence_ms === null
        ? c.antiEntropyIntervalMs === null
          ? 'not measured (needs --anti-entropy-interval-ms)'
          : 'not reached (a fault never healed, or no convergence within 1000 rounds)'
        : `${ms(result.convergence_ms)} after the faults healed`
    }; replicas ${result.replicas_converged ? 'equal' : 'not all equal'} at the end`,
  ];
  return lines.join('\n') + '\n';
}

/**
 * `replilab leaderless`: one run of `ops` operations. A sweep's `trials` counts independent runs,
 * one per batch, each with a seed drawn from deriveStream(seed, cell, batch). Pooled over runs:
 * counts summed (stale_read_fraction and availability, and every Wilson 95% interval, from the
 * pooled counts), read and write latency quantiles from the merged histograms of every
 * operation, mean_siblings weighted by returned reads, messages_per_op by operations,
 * max_siblings the largest, events and sim_time_ms summed, replicas_converged when every run
 * converged, convergence_ms the mean over the runs that converged. Main proportion (for
 * `ci_width`): `stale_read_fraction`.
 */
export const leaderless = defineExperiment({
  name: 'leaderless',
  description:
    'simulate a Dynamo-style leaderless cluster (ring, N/R/W quorums, LWW or siblings, clock skew, crashes, partitions, slow nodes, loss) under a client workload and check its history',
  trialsUnit: 'independent runs of ops operations per cell',
  params,
  checks: [
    (v) =>
      v.n > v.nodes ? { param: 'n', allowed: `a whole number from 1 to nodes (${v.nodes})` } : undefined,
    (v) => (v.r > v.n ? { param: 'r', allowed: `a whole number from 1 to n (${v.n})` } : undefined),
    (v) => (v.w > v.n ? { param: 'w', allowed: `a whole number from 1 to n (${v.n})` } : undefined),
    (v) =>
      v.arrivals === 'closed' && v.think === null
        ? {
            param: 'think',
            allowed: 'a distribution of think times in ms, e.g. exp(0.1) (arrivals closed needs one)',
          }
        : undefined,
    (v) =>
      v.arrivals === 'open' && v.think !== null
        ? { param: 'think', allowed: 'none with arrivals open (a think time needs arrivals closed)' }
        : undefined,
    paired('crashMtbf', 'crashMttr', (m) =>
      m === 'crashMtbf'
        ? 'a distribution of up times in ms, e.g. exp(0.0001) (crash churn needs crash mtbf and mttr)'
        : 'a distribution of down times in ms, e.g. exp(0.002) (crash churn needs crash mtbf and mttr)',
    ),
    (v) =>
      v.storeLoss > 0 && v.crashMtbf === null
        ? {
            param: 'storeLoss',
            allowed: '0 without crash churn (a store is lost in a crash): set crash mtbf and mttr too',
          }
        : undefined,
    (v) =>
      v.storeLoss > 0 && v.conflict === 'siblings'
        ? {
            param: 'storeLoss',
            allowed: '0 with conflict siblings (restoring a version-vector store is not modelled)',
          }
        : undefined,
    (v) => {
      const ids = parsePartitions(v.partitions)?.flatMap((p) => p.groups.flat()) ?? [];
      return ids.some((id) => id >= v.nodes)
        ? { param: 'partitions', allowed: `cuts whose groups are node ids from 0 to ${v.nodes - 1}` }
        : undefined;
    },
    paired('partitionEvery', 'partitionDuration', (m) =>
      m === 'partitionEvery'
        ? 'a distribution of up times between cuts in ms, e.g. exp(0.0002) (random partitions need every and duration)'
        : 'a distribution of cut lengths in ms, e.g. exp(0.001) (random partitions need every and duration)',
    ),
    (v) =>
      v.partitionEvery !== null && v.nodes < 2
        ? { param: 'partitionEvery', allowed: 'none with one node (random partitions need at least 2 nodes)' }
        : undefined,
    (v) =>
      v.partitionEvery !== null && v.partitionIsolate > v.nodes - 1
        ? { param: 'partitionIsolate', allowed: `a whole number from 1 to nodes - 1 (${v.nodes - 1})` }
        : undefined,
    (v) =>
      (v.slowNodes === 'none') !== (v.slowDelay === null)
        ? v.slowNodes === 'none'
          ? {
              param: 'slowNodes',
              allowed: 'distinct node ids separated by commas, e.g. 0,2 (slow delay needs them)',
            }
          : {
              param: 'slowDelay',
              allowed: 'the extra delay of every message to a slow node in ms, e.g. exp(0.05)',
            }
        : undefined,
    (v) =>
      (parseNodeIds(v.slowNodes) ?? []).some((id) => id >= v.nodes)
        ? { param: 'slowNodes', allowed: `distinct node ids from 0 to ${v.nodes - 1}, separated by commas` }
        : undefined,
  ],
  config,
  run: async (c, seed, options) => {
    const { runLeaderless } = await import('../strategies/leaderless/run-leaderless.js');
    return runLeaderless(c, seed, { onProgress: options.onProgress });
  },
  metrics,
  summary,
  examples: [
    'leaderless --n 3 --r 1 --w 1 --ops 20000',
    'leaderless --r 1 --w 1 --clock-skew "uniform(0,50)" --json',
    'leaderless --conflict siblings --zipf 1.1 --keys 100 --write-ratio 0.9',
    'leaderless --arrivals closed --think "exp(0.1)" --clients 50',
    'leaderless --crash-mtbf "exp(0.0001)" --crash-mttr "exp(0.002)" --loss 0.01 --timeout-ms 50',
    'leaderless --crash-mtbf "exp(0.0005)" --crash-mttr "exp(0.002)" --store-loss 0.5 --r 1',
    'leaderless --r 1 --w 1 --loss 0.1 --read-repair background --anti-entropy-interval-ms 100',
    'leaderless --w 3 --r 1 --sloppy --partition-every "exp(0.005)" --partition-duration "exp(0.01)"',
    'leaderless --partitions "1000-3000:0,1|2,3,4" --anti-entropy-interval-ms 100',
    'leaderless --r 1 --w 1 --slow-nodes 0,1 --slow-delay "exp(0.05)"',
    'leaderless --config cluster.yaml --w 3 --seed 7 --out data/leaderless/w3.csv',
    'leaderless --nodes 3 --r 1 --w 1 --keys 100000 --write-ratio 1 --coordinator client --latency lnkd-disk --probe-read-after-ms 5',
  ],
  notes: `
Faults: crash-recovery churn (--crash-mtbf/--crash-mttr, and --store-loss for crashes that lose
the store); message loss (--loss); scheduled partitions (--partitions); random partitions
(--partition-every: up time between cuts, --partition-duration: length of a cut,
--partition-isolate: nodes cut off from the rest; no new cut after the workload); slow nodes
(--slow-nodes 0,2 --slow-delay SPEC: every message to them arrives an extra delay later, so they
apply writes and answer late). Partitions cut node-to-node links only: clients reach every node.
Read repair (--read-repair background|blocking) sends a read's merged newest state to the home
replicas that answered with something older; anti-entropy (--anti-entropy-interval-ms) compares
Merkle trees between every pair of nodes each interval and exchanges the differing keys, each step
a message on the network (delayed, lost or cut like any other; a lost one waits for the next round).
convergence_ms (anti-entropy only; else null): from the moment the faults heal (the later of the
workload's end, the last partition's end, and the recovery of the nodes down then) to the first
anti-entropy round that finds every key's home replicas equal.

--json prints one object: ops, reads, writes, stale_read_fraction, acked_writes, acked_writes_lost,
failed_writes, failed_writes_landed, failed_reads, max_siblings, mean_siblings, ryw_violations,
monotonic_read_violations, availability, latency_ms{read,write}{p50,p99,p999},
read_age_ms{p50,p90,p99,p999} (per returned read: how long the newest committed write it missed
had been committed when it started; 0 when fresh), versions_behind{p50,p90,p99,p999,max},
messages_per_op,
hints_stored, hints_handed_off, convergence_ms, replicas_converged, read_repairs,
keys_repaired_by_read_repair, anti_entropy_messages, anti_entropy_bytes,
keys_repaired_by_anti_entropy, events, sim_time_ms and the model's other counts (hints_lost,
hints_held, ...), intervals{...} (count, of, p, Wilson 95% low/high), then seed and the config
that ran. --out FILE.csv writes the same as one CSV row (the parameters, then the metrics with
latency quantiles as read_p50_ms ... write_p999_ms, read_age_p50_ms ... read_age_p999_ms,
versions_behind_p50 ... versions_behind_max, and _ci_low/_ci_high, then trials and seed)
and FILE.manifest.json beside it; a sweep of leaderless writes these columns per cell.`,
  batch: {
    model: 'leaderless',
    batchTrials: 1,
    pool: {
      sum: [
        'ops',
        'reads',
        'writes',
        'acked_writes',
        'acked_writes_lost',
        'failed_writes',
        'failed_writes_landed',
        'failed_reads',
        'ryw_violations',
        'monotonic_read_violations',
        'hints_stored',
        'hints_handed_off',
        'hints_lost',
        'hints_held',
        'non_overlapping_reads',
        'non_overlapping_stale_reads',
        'acked_writes_under_replicated',
        'read_repairs',
        'keys_repaired_by_read_repair',
        'anti_entropy_messages',
        'anti_entropy_bytes',
        'keys_repaired_by_anti_entropy',
        'events',
        'sim_time_ms',
      ],
      max: ['max_siblings'],
      every: ['replicas_converged'],
      meanOfSet: ['convergence_ms'],
      weighted: ['mean_siblings', 'messages_per_op'],
      histograms: {
        'latency_ms.read': medianAndTail,
        'latency_ms.write': medianAndTail,
        read_age_ms: readAgeQuantiles,
        versions_behind: versionsBehindQuantiles,
      },
      derived: {
        stale_read_fraction: pooledRate('stale_read_fraction'),
        availability: pooledRate('availability'),
      },
    },
    mainInterval: 'stale_read_fraction',
    template: async () => {
      const { runLeaderless } = await import('../strategies/leaderless/run-leaderless.js');
      // Typed, not asserted: defineExperiment infers the config type from this too.
      const config: Partial<LeaderlessConfig> = {};
      return { result: runLeaderless({ ops: 10 }, 1), config };
    },
  },
});
