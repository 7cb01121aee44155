import { ParameterError } from '../errors.js';
import type { LatencyDistribution } from './distribution.js';
import { parseLatency } from './parse.js';
import presetsFile from './presets.json' with { type: 'json' };
import type { WarsLegs } from './wars-legs.js';

/** A named set of WARS leg distributions fitted to production measurements. */
export interface LatencyPreset {
  /** The preset's name, e.g. `lnkd-disk`. */
  name: string;
  /** What system the fit describes. */
  description: string;
  /** The publication the fit comes from. */
  source: string;
  /** A caveat about the fit, where the source is ambiguous. */
  note?: string;
  /** The four legs' distributions (and, for `wan`, the multi-datacenter layout). */
  legs: WarsLegs;
}

/** One measured latency series, in ms: the statistics the paper reports for it. */
export interface MeasuredLatencies {
  mean?: number;
  min?: number;
  p50?: number;
  p75?: number;
  p95?: number;
  p98?: number;
  p99?: number;
  p999?: number;
  max?: number;
}

/**
 * The raw production figures the PBS fits were made from (the presets file's `measured` block).
 * Spelled out rather than inferred from the JSON, so the published .d.ts does not import it.
 */
export interface MeasuredReference {
  /** Where the figures come from. */
  about: string;
  /** LinkedIn Voldemort on disks. */
  linkedin_disk_ms: MeasuredLatencies;
  /** LinkedIn Voldemort on SSDs. */
  linkedin_ssd_ms: MeasuredLatencies;
  /** Yammer Riak, N=3, R=2, W=2: reads. */
  yammer_riak_n3_r2_w2_read_ms: MeasuredLatencies;
  /** Yammer Riak, N=3, R=2, W=2: writes. */
  yammer_riak_n3_r2_w2_write_ms: MeasuredLatencies;
}

interface LegTexts {
  description: string;
  W: string;
  A: string;
  R: string;
  S: string;
  note?: string;
}

interface WanEntry {
  description: string;
  base: string;
  remote_one_way_ms: number;
  local_replicas: number;
}

const presets = presetsFile.presets as Record<string, LegTexts | WanEntry>;
const NAMES = Object.keys(presets);

/**
 * The names of the built-in latency presets: `lnkd-ssd`, `lnkd-disk`, `ymmr`, `wan`.
 *
 * Reference: P. Bailis et al., "Probabilistically Bounded Staleness for Practical Partial Quorums",
 * PVLDB 5(8), 2012, Table 3 and Section 5.
 *
 * @example
 * latencyPresetNames(); // ['lnkd-ssd', 'lnkd-disk', 'ymmr', 'wan']
 */
export function latencyPresetNames(): string[] {
  return [...NAMES];
}

function legsOf(name: string, entry: LegTexts): WarsLegs {
  const leg = (leg: 'W' | 'A' | 'R' | 'S'): LatencyDistribution =>
    parseLatency(entry[leg], `presets.json ${name}.${leg}`);
  return { W: leg('W'), A: leg('A'), R: leg('R'), S: leg('S') };
}

/**
 * A built-in latency preset: the PBS paper's fits for LinkedIn Voldemort on SSDs (`lnkd-ssd`) and
 * on disks (`lnkd-disk`) and Yammer Riak (`ymmr`), and `wan`: `lnkd-disk` plus 75 ms one way on
 * every leg to or from a replica in a remote datacenter, one replica local to the coordinator.
 * Every call builds fresh distribution objects.
 *
 * Reference: P. Bailis et al., "Probabilistically Bounded Staleness for Practical Partial Quorums",
 * PVLDB 5(8), 2012, Table 3 (fits) and Section 5 (WAN).
 *
 * @param name - one of {@link latencyPresetNames}
 * @param parameter - the name to blame in errors (default `--latency`)
 * @example
 * latencyPreset('lnkd-disk').legs.W.toString(); // "mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))"
 * latencyPreset('wan').legs.wan; // { remoteOneWayMs: 75, localReplicas: 1 }
 */
export function latencyPreset(name: string, parameter = '--latency'): LatencyPreset {
  const entry = Object.hasOwn(presets, name) ? presets[name] : undefined;
  if (entry === undefined) {
    throw new ParameterError(parameter, JSON.stringify(name), `a latency preset: ${NAMES.join(', ')}`);
  }
  if ('base' in entry) {
    const base = latencyPreset(entry.base, parameter);
    return {
      name,
      description: entry.description,
      source: presetsFile.source,
      legs: {
        ...base.legs,
        wan: { remoteOneWayMs: entry.remote_one_way_ms, localReplicas: entry.local_replicas },
      },
    };
  }
  const preset: LatencyPreset = {
    name,
    description: entry.description,
    source: presetsFile.source,
    legs: legsOf(name, entry),
  };
  if (entry.note !== undefined) preset.note = entry.note;
  return preset;
}

/**
 * The WARS legs for a `--latency` value: a preset name (see {@link latencyPreset}), or the text of
 * one distribution (see {@link parseLatency}) used for all four legs.
 *
 * Reference: P. Bailis et al., PVLDB 5(8), 2012, Section 4 (the WARS model).
 *
 * @param text - a preset name or a distribution's text
 * @param parameter - the name to blame in errors (default `--latency`)
 * @example
 * resolveLatency('ymmr').W.toString(); // "mix(0.939:pareto(3,3.35),0.061:exp(0.0028))"
 * resolveLatency('exp(0.5)').S.mean(); // 2
 */
export function resolveLatency(text: string, parameter = '--latency'): WarsLegs {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (Object.hasOwn(presets, trimmed)) return latencyPreset(trimmed, parameter).legs;
  if (/^[A-Za-z][\w-]*$/.test(trimmed)) {
    // A bare word is meant as a preset name: say which ones exist (and that distributions work too).
    throw new ParameterError(
      parameter,
      JSON.stringify(text),
      `a latency preset (${NAMES.join(', ')}) or a distribution such as exp(0.183) or mix(0.38:pareto(1.05,1.51),0.62:exp(0.183))`,
    );
  }
  const d = parseLatency(text, parameter);
  return { W: d, A: d, R: d, S: d };
}

/**
 * The production measurements the preset fits were made from (PBS paper Tables 1 and 2): means
 * and percentiles in ms, to sanity-check sampled latencies against. A fresh copy on every call.
 *
 * Reference: P. Bailis et al., PVLDB 5(8), 2012, Tables 1 and 2.
 *
 * @example
 * measuredReference().linkedin_ssd_ms.p99; // 2
 */
export function measuredReference(): MeasuredReference {
  return structuredClone(presetsFile.measured);
}
