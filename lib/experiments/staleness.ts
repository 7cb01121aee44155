/**
 * PBS quorum staleness: P(consistent read) against the time since the write's commit for a
 * Dynamo-style N/R/W quorum in the WARS model (Bailis et al., PVLDB 5(8), 2012). Its knobs are
 * declared here once; `replilab staleness`, `replilab replay`, sweep files and `replilab params`
 * take them from this schema. A run gives a curve, one CSV row per read offset t.
 */
import { latencyPresetNames, parseLatency, resolveLatency, type WarsLegs } from '../latency/index.js';
import { stalenessJson } from './staleness-rows.js';
import type { StalenessCellOptions, StalenessResult } from './staleness-run.js';
import { defineExperiment, type Experiment } from './define.js';
import { choice, distribution, integer, text, type ParamValues } from './param.js';
import { MAX_T_POINTS, parseTGrid } from './t-grid.js';

function latencyParses(value: string): boolean {
  try {
    resolveLatency(value, 'latency');
    return true;
  } catch {
    return false;
  }
}

function tGridParses(value: string): boolean {
  try {
    parseTGrid('t', value);
    return true;
  } catch {
    return false;
  }
}

const leg = (what: string) =>
  distribution({
    doc: `${what}, ms (overrides --latency; none: as --latency)`,
    default: null,
    nullText: 'none',
  });

const params = {
  latency: text({
    doc: 'delay of all four legs, ms: a preset name (its fitted distributions) or a distribution',
    default: 'lnkd-ssd',
    unit: 'ms',
    valueName: 'preset|spec',
    allowed: `a latency preset (${latencyPresetNames().join(', ')}) or a distribution in ms, e.g. exp(0.183), mix(0.38:pareto(1.05,1.51),0.62:exp(0.183)), file:PATH.csv`,
    check: latencyParses,
  }),
  wLatency: leg('write request leg (coordinator -> replica)'),
  aLatency: leg('write ack leg (replica -> coordinator)'),
  rLatency: leg('read request leg (coordinator -> replica)'),
  sLatency: leg('read response leg (replica -> coordinator)'),
  engine: choice(['fast', 'event'], {
    doc: 'how the curve is computed (fast: direct Monte Carlo, the whole curve in one pass; event: the discrete-event kernel, per t point)',
    default: 'fast',
    valueName: 'engine',
  }),
  n: integer({ doc: 'replicas per key (N)', default: 3, min: 1, max: 1000 }),
  r: integer({ doc: 'read quorum (R): responses a read waits for, 1 to n', default: 1, min: 1, max: 1000 }),
  w: integer({ doc: 'write quorum (W): acks a write waits for, 1 to n', default: 1, min: 1, max: 1000 }),
  t: text({
    doc: 'read start after commit, ms: start:stop:step or a comma list',
    default: '0:200:1',
    unit: 'ms',
    valueName: 'range',
    allowed: `start:stop:step (step > 0, stop >= start) or a comma list of strictly ascending numbers, offsets >= 0 ms, at most ${MAX_T_POINTS} points, e.g. 0:200:1 or 0,1,5,10`,
    check: tGridParses,
  }),
  trials: integer({
    doc: 'write/read pairs (event engine: per t point); 1e6 form accepted',
    default: 100000,
    min: 1,
    sweep: false,
  }),
};

/** The validated values of the staleness parameters. */
export type StalenessValues = ParamValues<typeof params>;

const LEGS = [
  ['W', 'wLatency'],
  ['A', 'aLatency'],
  ['R', 'rLatency'],
  ['S', 'sLatency'],
] as const;

/**
 * The model's options for one cell from validated values: the legs (a preset's, or one
 * distribution for all four, then the overrides), the label the CSV's `latency` column shows
 * (`lnkd-ssd;W=exp(4)`), the t grid. Trials, seed and threads are the run's.
 *
 * @example
 * stalenessCellOptions(staleness.resolve({ latency: 'lnkd-ssd', w: 2, t: '0:10:1' })).tGridMs.length; // 11
 */
export function stalenessCellOptions(values: StalenessValues): StalenessCellOptions {
  const legs: WarsLegs = { ...resolveLatency(values.latency, 'latency') };
  const overrides: string[] = [];
  for (const [name, key] of LEGS) {
    const spec = values[key];
    if (spec === null) continue;
    legs[name] = parseLatency(spec, key);
    overrides.push(`${name}=${legs[name].toString()}`);
  }
  return {
    n: values.n,
    r: values.r,
    w: values.w,
    legs,
    latencyLabel: [values.latency, ...overrides].join(';'),
    tGridMs: parseTGrid('t', values.t),
    engine: values.engine,
  };
}

function formatMs(x: number | null): string {
  return x === null ? 'not reached' : `${x.toPrecision(4)} ms`;
}

/** The human summary of a staleness run. */
export function stalenessSummary(result: StalenessResult): string {
  const lines = [
    `staleness: N=${result.n} R=${result.r} W=${result.w}, latency ${result.latencyLabel}, ${result.trials} trials (${result.engine} engine), seed ${result.seed}`,
    `P(consistent) at t=${result.curve[0].t} ms: ${result.curve[0].p_consistent.toFixed(4)} [${result.curve[0].ci_low.toFixed(4)}, ${result.curve[0].ci_high.toFixed(4)}]`,
    `t-visibility (smallest t with P(consistent) >= level; 95% interval):`,
    ...(['0.9', '0.99', '0.999'] as const).map((level) => {
      const ci = result.tVisibilityCiMs[level];
      return `  ${(Number(level) * 100).toString().padStart(4)}%: ${formatMs(result.tVisibilityMs[level])}${ci ? ` [${ci.low.toPrecision(4)}, ${ci.high.toPrecision(4)}]` : ''}`;
    }),
    `read latency:  p50 ${formatMs(result.latencyMs.read.p50)}, p99 ${formatMs(result.latencyMs.read.p99)}, p99.9 ${formatMs(result.latencyMs.read.p999)} (${result.latencyMs.read.samples} reads)`,
    `write latency: p50 ${formatMs(result.latencyMs.write.p50)}, p99 ${formatMs(result.latencyMs.write.p99)}, p99.9 ${formatMs(result.latencyMs.write.p999)} (${result.latencyMs.write.samples} writes)`,
  ];
  return `${lines.join('\n')}\n`;
}

const defined = defineExperiment({
  name: 'staleness',
  description:
    'P(consistent read) against time since commit for a Dynamo-style N/R/W quorum (PBS t-visibility, WARS model)',
  trialsUnit: 'write/read pairs per cell (event engine: per t point)',
  params,
  checks: [
    (v) => (v.r > v.n ? { param: 'r', allowed: `a whole number from 1 to n (${v.n})` } : undefined),
    (v) => (v.w > v.n ? { param: 'w', allowed: `a whole number from 1 to n (${v.n})` } : undefined),
  ],
  config: (v) => ({ ...stalenessCellOptions(v), trials: v.trials }),
  run: async (config, seed, options) => {
    const { runStaleness } = await import('./staleness-run.js');
    const onProgress = options.onProgress;
    return runStaleness({
      ...config,
      seed,
      ...(onProgress ? { onProgress: (fraction: number) => onProgress(fraction) } : {}),
    });
  },
  trials: (result) => result.trials,
  summary: (result) => stalenessSummary(result),
  examples: [
    'staleness --latency lnkd-disk --n 3 --r 1 --w 1 --t 0:100:1',
    'staleness --latency "exp(1)" --w-latency "exp(4)" --t 0,1,2,5,10 --json',
    'staleness --latency ymmr --r 2 --w 1 --trials 1e6 --out data/ymmr.csv --figures svg,png',
    'staleness --latency file:data/latency/example-trace.csv --engine event --t 0:5:0.5',
  ],
  notes: `
Latency: a preset (${latencyPresetNames().join(', ')}) or a distribution in ms, e.g.
  exp(0.183)  pareto(1.05,1.51)  mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))
  const(75)+exp(0.2)  normal(5,2)  lognormal(0,1)  uniform(1,5)  file:PATH.csv
Output: the curve with Wilson 95% intervals, t-visibility (the smallest t at which P(consistent)
reaches 0.9, 0.99, 0.999) and read/write latency quantiles; --out also writes FILE.manifest.json.`,
});

/**
 * `replilab staleness`: the experiment's schema, model and summary. Its `--json` is the result's
 * own contract ({@link stalenessJson}: n, r, w, trials, seed, curve, t_visibility, latency_ms),
 * and its CSV has one row per t point (staleness-rows.ts), not the one row of other experiments.
 */
export const staleness: Experiment<
  typeof params,
  StalenessCellOptions & { trials: number },
  StalenessResult
> = { ...defined, json: (result) => stalenessJson(result) };
