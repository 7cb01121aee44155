/**
 * The parameters of `replilab calibrate`, declared once with the experiments' builders
 * (lib/experiments/param.ts): the command's flags, --help and the manifest derive from here.
 */
import { ParameterError } from '../errors.js';
import {
  checkParam,
  boolean,
  choice,
  fromText,
  integer,
  number,
  text,
  type Param,
  type ParamValues,
} from '../experiments/param.js';
import { resolveLatency } from '../latency/index.js';

/** The real systems `calibrate` knows. */
export const CALIBRATION_SYSTEMS = [
  'etcd',
  'redis-sentinel',
  'patroni',
  'postgres-commit',
  'postgres-failover',
  'postgres-lag',
] as const;
export type CalibrationSystem = (typeof CALIBRATION_SYSTEMS)[number];

/** One etcd setting: its --heartbeat-interval and --election-timeout, ms. */
export interface EtcdSetting {
  heartbeat: number;
  electionTimeout: number;
}

const SETTING_RE = /^\s*heartbeat\s*=\s*(\d+(?:\.\d+)?)\s*,\s*election-timeout\s*=\s*(\d+(?:\.\d+)?)\s*$/;

function latencyParses(spec: string): boolean {
  try {
    resolveLatency(spec);
    return true;
  } catch {
    return false;
  }
}

export const calibrateParams = {
  trials: integer({
    doc: 'leader kills per setting (each a failover of the real cluster); postgres-commit: commits per setting (default there 200); postgres-lag: writes per setting (default there 1000)',
    default: 20,
    min: 1,
    max: 10_000,
  }),
  setting: text({
    doc: "one setting; etcd: heartbeat=MS,election-timeout=MS (etcd's --heartbeat-interval and --election-timeout, ms); redis-sentinel: down-after=MS (Sentinel's down-after-milliseconds, ms, default 1000); patroni: ttl=S,loop_wait=S,retry_timeout=S (Patroni's dynamic configuration, whole s, default 30/10/10); postgres-commit, postgres-failover and postgres-lag: KEY=VALUE pairs of the PostgreSQL setting keys (sync, commit, delay, rate); the flag repeats",
    default: 'heartbeat=100,election-timeout=1000',
    valueName: 'setting',
    allowed:
      'heartbeat=MS,election-timeout=MS with whole ms, heartbeat >= 1, election-timeout >= 5 x heartbeat (etcd refuses less) and <= 50000',
    check: (s) =>
      parseSetting(s) !== null ||
      parseSentinelSetting(s) !== null ||
      parsePatroniSetting(s) !== null ||
      /=/.test(s),
  }),
  latency: text({
    doc: 'one-way delay the proxy adds to every peer chunk, ms: a distribution or a latency preset (its write leg)',
    default: 'const(0)',
    valueName: 'spec',
    allowed: 'a distribution in ms such as const(5) or lognormal(1,0.5), or a latency preset',
    check: latencyParses,
  }),
  quick: boolean({
    doc: 'a quick run: 5 trials per setting (2 for redis-sentinel) and 500 model trials (unit-free)',
    default: false,
  }),
  modelTrials: integer({
    doc: 'failovers the model simulates per setting',
    default: 2000,
    min: 1,
    max: 1_000_000,
  }),
  writeIntervalMs: number({
    doc: "the client's interval between writes, ms (open loop; the model writes at the same rate)",
    default: 10,
    gt: 0,
    unit: 'ms',
  }),
  members: integer({
    doc: 'etcd: cluster members (the model runs as many nodes)',
    default: 3,
    min: 3,
    max: 7,
  }),
  preVote: boolean({
    doc: "etcd: run etcd with --pre-vote and the model with pre-vote (etcd 3.4's default is off); unit-free",
    default: false,
  }),
  portBase: integer({
    doc: 'first of 3 x members consecutive ports on 127.0.0.1 (client, peer, proxy per member); auto: free ports the kernel picks',
    default: null,
    min: 1024,
    max: 65527,
    nullText: 'auto',
  }),
  seed: integer({
    doc: "seed of the kill moments, the proxy's delays and the model",
    default: 1,
    min: 0,
    max: 2 ** 31 - 1,
  }),
};

export type CalibrateValues = ParamValues<typeof calibrateParams>;

/** heartbeat=100,election-timeout=1000 -> { heartbeat: 100, electionTimeout: 1000 }, or null when not a valid setting. */
export function parseSetting(text: string): EtcdSetting | null {
  const m = SETTING_RE.exec(text);
  if (m === null) return null;
  const heartbeat = Number(m[1]);
  const electionTimeout = Number(m[2]);
  if (!Number.isInteger(heartbeat) || !Number.isInteger(electionTimeout)) return null;
  if (heartbeat < 1 || electionTimeout < 5 * heartbeat || electionTimeout > 50_000) return null;
  return { heartbeat, electionTimeout };
}

const SENTINEL_SETTING_RE = /^\s*down-after\s*=\s*(\d+)\s*$/;

/** What `--setting` accepts for redis-sentinel. */
export const SENTINEL_SETTING_ALLOWED =
  "down-after=MS with whole ms from 200 (above the model heartbeat, Sentinel's 100 ms timer period) to 60000";

/** down-after=1000 -> { downAfterMs: 1000 }, or null. */
export function parseSentinelSetting(text: string): { downAfterMs: number } | null {
  const m = SENTINEL_SETTING_RE.exec(text);
  if (m === null) return null;
  const downAfterMs = Number(m[1]);
  return downAfterMs >= 200 && downAfterMs <= 60_000 ? { downAfterMs } : null;
}

const PATRONI_SETTING_RE =
  /^\s*ttl\s*=\s*(\d+)\s*,\s*loop_wait\s*=\s*(\d+)\s*,\s*retry_timeout\s*=\s*(\d+)\s*$/;

/** What `--setting` accepts for patroni. */
export const PATRONI_SETTING_ALLOWED =
  "ttl=S,loop_wait=S,retry_timeout=S in whole seconds, loop_wait >= 1, retry_timeout >= 1, ttl <= 600 and ttl >= loop_wait + 2 x retry_timeout (Patroni's documented rule)";

/** ttl=30,loop_wait=10,retry_timeout=10 -> { ttlS: 30, loopWaitS: 10, retryTimeoutS: 10 }, or null. */
export function parsePatroniSetting(
  text: string,
): { ttlS: number; loopWaitS: number; retryTimeoutS: number } | null {
  const m = PATRONI_SETTING_RE.exec(text);
  if (m === null) return null;
  const [ttlS, loopWaitS, retryTimeoutS] = [m[1], m[2], m[3]].map(Number);
  if (loopWaitS < 1 || retryTimeoutS < 1 || ttlS > 600 || ttlS < loopWaitS + 2 * retryTimeoutS) return null;
  return { ttlS, loopWaitS, retryTimeoutS };
}

/** Checks a system name; a ParameterError names `system`. */
export function checkSystem(system: string): CalibrationSystem {
  if (!(CALIBRATION_SYSTEMS as readonly string[]).includes(system))
    throw new ParameterError('system', JSON.stringify(system), CALIBRATION_SYSTEMS.join(', '));
  return system as CalibrationSystem;
}

/** Validates one parameter value given under `where` (a flag). */
export function checkCalibrateParam<K extends keyof typeof calibrateParams>(
  key: K,
  value: unknown,
  where: string,
): CalibrateValues[K] {
  return checkParam(calibrateParams[key] as Param, value, where) as CalibrateValues[K];
}

/**
 * The keys of a PostgreSQL `--setting` (KEY=VALUE, comma-separated), declared with the
 * experiments' builders: their checks, defaults and the refusal text derive from here.
 */
export const postgresSettingParams = {
  sync: choice(['none', 'first1', 'any1'] as const, {
    doc: "synchronous_standby_names: none (''), first1 ('FIRST 1 (s1, s2)') or any1 ('ANY 1 (s1, s2)')",
    default: 'none',
  }),
  commit: choice(['off', 'local', 'on', 'remote_write', 'remote_apply'] as const, {
    doc: "the client session's synchronous_commit",
    default: 'on',
  }),
  delay: number({
    doc: 'one-way delay the proxy adds on each standby link, ms (constant)',
    default: 0,
    min: 0,
    max: 1000,
    unit: 'ms',
  }),
  rate: number({
    doc: "postgres-failover and postgres-lag: the client's write rate, writes per second (open loop)",
    default: 100,
    gt: 0,
    max: 2000,
    unit: 'per second',
  }),
};

export type PostgresSetting = ParamValues<typeof postgresSettingParams>;

/** The keys each PostgreSQL system reads. */
export const POSTGRES_SETTING_KEYS = {
  'postgres-commit': ['sync', 'commit', 'delay'],
  'postgres-failover': ['sync', 'commit', 'delay', 'rate'],
  'postgres-lag': ['delay', 'rate'],
} as const satisfies Record<string, readonly (keyof typeof postgresSettingParams)[]>;

/**
 * `sync=first1,commit=on,delay=5` -> the setting, missing keys at their defaults. A ParameterError
 * names `--setting` and the bad key or value.
 */
export function parsePostgresSetting(
  raw: string,
  system: keyof typeof POSTGRES_SETTING_KEYS,
): PostgresSetting {
  const keys: readonly string[] = POSTGRES_SETTING_KEYS[system];
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(postgresSettingParams)) out[k] = p.meta.default;
  for (const part of raw.split(',')) {
    const m = /^\s*([a-z_-]+)\s*=\s*(.*?)\s*$/.exec(part);
    if (m === null)
      throw new ParameterError(
        '--setting',
        JSON.stringify(raw),
        `KEY=VALUE pairs with keys ${keys.join(', ')}`,
      );
    const key = m[1];
    if (!keys.includes(key))
      throw new ParameterError(`--setting ${key}`, JSON.stringify(raw), `keys ${keys.join(', ')}`);
    const p = postgresSettingParams[key as keyof typeof postgresSettingParams] as Param;
    const value = fromText(p.meta, m[2]);
    if (value === undefined)
      throw new ParameterError(`--setting ${key}`, JSON.stringify(m[2]), p.meta.allowed);
    out[key] = checkParam(p, value, `--setting ${key}`, JSON.stringify(m[2]));
  }
  if (system === 'postgres-failover' && out.sync === 'any1')
    throw new ParameterError(
      '--setting sync',
      '"any1"',
      'none or first1 (the failover model has no quorum rule)',
    );
  return out as PostgresSetting;
}

/** The settings a PostgreSQL calibration runs when no --setting is given. */
export const POSTGRES_DEFAULT_SETTINGS: Record<keyof typeof POSTGRES_SETTING_KEYS, string[]> = {
  'postgres-commit': [2, 10].flatMap((delay) => [
    `sync=none,commit=on,delay=${delay}`,
    ...['first1', 'any1'].flatMap((sync) =>
      ['remote_write', 'on', 'remote_apply'].map((c) => `sync=${sync},commit=${c},delay=${delay}`),
    ),
  ]),
  // delay 10 ms at 200 writes/s: about 2 acknowledged writes in flight to the standbys at a kill, so an asynchronous failover's losses show in 30 trials.
  'postgres-failover': ['sync=none,commit=on,delay=10,rate=200', 'sync=first1,commit=on,delay=10,rate=200'],
  'postgres-lag': ['delay=5,rate=50', 'delay=5,rate=200'],
};
