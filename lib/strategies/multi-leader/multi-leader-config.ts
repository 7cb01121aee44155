import { ParameterError } from '../../errors.js';
import { parseLatency, type LatencyDistribution } from '../../latency/index.js';
import { requireKeys, requireZipfExponent } from '../../workload/index.js';
import type { ConflictHandler } from './resolution.js';
import { RESOLUTION_POLICIES, type ResolutionPolicy } from './resolution.js';
import { TOPOLOGIES, type Topology } from './topology.js';

/**
 * A datacenter outage: the datacenter accepts no writes and exchanges no
 * replication messages from `atMs` to `atMs + durationMs`; its users are rerouted meanwhile.
 */
export interface DcFailureConfig {
  /** The failing datacenter, 0..datacenters-1. */
  dc: number;
  /** When it fails, ms of virtual time; finite, >= 0. */
  atMs: number;
  /** How long it stays down, ms; > 0 (`Infinity`: it never comes back, and replicas cannot converge). */
  durationMs: number;
}

/**
 * Clients as leaders: devices that keep a full local replica, accept writes
 * offline, and sync with their home datacenter while online (calendar-style apps, CouchDB/PouchDB).
 * Device `i` belongs to datacenter `i mod datacenters`. Each device alternates online and offline
 * periods, starting online; its link to its datacenter is up only while it is online.
 */
export interface DevicesConfig {
  /** Number of devices, a whole number from 1 to 1000. */
  count: number;
  /** Writes per second at each device (Poisson, online or offline), >= 0. */
  writeRatePerSec: number;
  /** Online period durations, ms: a distribution in text form, e.g. `exp(0.001)` (mean 1 s). */
  online: string;
  /** Offline period durations, ms: a distribution in text form, e.g. `exp(0.0002)` (mean 5 s). */
  offline: string;
  /** One-way delay between a device and its datacenter, ms (text form), e.g. `const(30)`. */
  syncLatency: string;
}

/**
 * A multi-leader deployment and the write workload run against it. Every field has a
 * default ({@link MULTI_LEADER_DEFAULTS}); {@link validateMultiLeaderConfig} refuses bad values
 * with a ParameterError naming the field.
 */
export interface MultiLeaderConfig {
  /** Datacenters D, each with one leader (node ids 0..D-1); a whole number from 1 to 64. Default 3. */
  datacenters: number;
  /**
   * How leaders forward writes to each other (see {@link Topology}): `'all'` (every leader sends
   * its writes to every other), `'ring'` (each forwards to the next, MySQL circular replication),
   * `'star'` (leader 0 is the hub). Default `'all'`.
   */
  topology: Topology;
  /**
   * One-way delay of a replication message between two datacenters, ms: one distribution in
   * text form for every link (e.g. `const(50)`, `uniform(40,60)`), or a D x D matrix of them
   * (row = sender, column = receiver; the diagonal is ignored) for unequal links. Default `const(50)`.
   */
  interDcLatency: string | string[][];
  /** Time from a write's arrival at its leader to its acknowledgement (local durable commit), ms, text form. Default `const(1)`. */
  localWriteLatency: string;
  /**
   * Whether each directed link delivers in send order (true: a TCP replication stream, a later
   * message never overtakes an earlier one on the same link; false: every message takes its own
   * independent delay, so messages on one link can overtake each other). Default true.
   */
  fifoLinks: boolean;
  /**
   * Distribution of each leader's clock offset in ms, text form (e.g. `uniform(0,50)`), drawn once
   * per run; `null`: perfect clocks. LWW timestamps are the accepting leader's clock. Default null.
   */
  clockSkew: string | null;
  /** Maximum clock drift: each clock's rate error is uniform in [-clockDrift, clockDrift]; in [0, 1). Default 0. */
  clockDrift: number;
  /** How concurrent versions are resolved (see {@link ResolutionPolicy}). Default `'lww'`. */
  resolution: ResolutionPolicy;
  /** The on-write conflict handler for `resolution: 'custom'` (required then, refused otherwise). */
  onConflict?: ConflictHandler;
  /** Number of keys, 0..keys-1 (key 0 the most popular under Zipf); a whole number >= 1. Default 100. */
  keys: number;
  /** Zipf exponent of key popularity, >= 0; 0 is uniform. Default 0. */
  zipf: number;
  /** Writes per second arriving at each datacenter (a Poisson process per datacenter), >= 0. Default 100. */
  writeRatePerSec: number;
  /** How long writes arrive, ms; > 0. The run then continues until every message is delivered. Default 10000. */
  durationMs: number;
  /**
   * Conflict avoidance: each write is routed to its key's home datacenter
   * (`key mod D`), paying the inter-datacenter delay both ways, instead of being accepted by the
   * datacenter where it arrives. While the home is down its keys are rerouted to the next live
   * datacenter. Default false.
   */
  homeRouting: boolean;
  /** A datacenter outage, or null. Default null. */
  dcFailure: DcFailureConfig | null;
  /** Offline-capable devices acting as leaders, or null. Default null. */
  devices: DevicesConfig | null;
  /** Interval of the divergence samples (keys on which the replicas differ), ms; > 0. Default 100. */
  divergenceSampleMs: number;
  /**
   * Local followers (read replicas) of each datacenter's leader: one count for every datacenter,
   * or one per datacenter (an array of D counts); whole numbers from 0 to
   * {@link MAX_LOCAL_FOLLOWERS}. A leader streams every version it applies (its own writes and
   * versions from other leaders, in apply order) to its followers, which apply them in order
   * after `localReplicationLatency`. Followers accept no writes and forward nothing. Default 0.
   */
  localFollowers: number | number[];
  /**
   * One-way delay from a leader to each of its local followers, ms, text form; the stream is FIFO
   * (a version is applied no earlier than the one before it). Default `exp(1)` (mean 1 ms): a lab
   * default on the scale of `localWriteLatency`'s default, for replicas in the same datacenter;
   * not a measurement.
   */
  localReplicationLatency: string;
  /**
   * Reads per second arriving at each datacenter (a Poisson process per datacenter, during
   * `[0, durationMs)`, keys chosen like writes), served by a uniformly chosen local follower, or
   * by the leader when the datacenter has none (a leader's read is never stale; while that leader
   * is down, such reads are not served). >= 0. Default 0.
   */
  localReadRatePerSec: number;
}

/** The defaults of every {@link MultiLeaderConfig} field. */
export const MULTI_LEADER_DEFAULTS: Readonly<MultiLeaderConfig> = Object.freeze({
  datacenters: 3,
  topology: 'all',
  interDcLatency: 'const(50)',
  localWriteLatency: 'const(1)',
  fifoLinks: true,
  clockSkew: null,
  clockDrift: 0,
  resolution: 'lww',
  keys: 100,
  zipf: 0,
  writeRatePerSec: 100,
  durationMs: 10000,
  homeRouting: false,
  dcFailure: null,
  devices: null,
  divergenceSampleMs: 100,
  localFollowers: 0,
  localReplicationLatency: 'exp(1)',
  localReadRatePerSec: 0,
});

/** A validated config with its distributions parsed. */
export interface ResolvedMultiLeaderConfig extends MultiLeaderConfig {
  /** links[from * nodes + to]: the one-way delay of the directed link (null on the diagonal and between unconnected nodes). */
  links: (LatencyDistribution | null)[];
  /** Replicas: datacenters then devices. */
  nodes: number;
  localLatency: LatencyDistribution;
  skew: LatencyDistribution | null;
  online: LatencyDistribution | null;
  offline: LatencyDistribution | null;
  /** followersPerDc[dc]: datacenter dc's local followers. */
  followersPerDc: number[];
  /** The leader-to-follower delay. */
  followerLatency: LatencyDistribution;
}

/** Largest number of datacenters. */
export const MAX_DATACENTERS = 64;
/** Largest number of devices. */
export const MAX_DEVICES = 1000;
/** Largest number of local followers of one datacenter. */
export const MAX_LOCAL_FOLLOWERS = 64;

function whole(field: string, value: unknown, min: number, max: number): number {
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new ParameterError(
      field,
      JSON.stringify(value) ?? String(value),
      `a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

function finiteAtLeast(
  field: string,
  value: unknown,
  min: number,
  strict: boolean,
  allowInfinity = false,
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (allowInfinity || Number.isFinite(value)) &&
    (strict ? value > min : value >= min);
  if (!ok)
    throw new ParameterError(
      field,
      JSON.stringify(value) ?? String(value),
      `a ${allowInfinity ? '' : 'finite '}number ${strict ? '>' : '>='} ${min}`,
    );
  return value;
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw new ParameterError(field, JSON.stringify(value) ?? String(value), allowed.join(', '));
  return value as T;
}

function distribution(field: string, value: unknown): LatencyDistribution {
  if (typeof value !== 'string')
    throw new ParameterError(
      field,
      JSON.stringify(value) ?? String(value),
      'a distribution in text form, e.g. const(50) or uniform(40,60)',
    );
  return parseLatency(value, field);
}

/**
 * Fills defaults, checks every field and parses the distributions. Refuses the first bad field
 * with a ParameterError naming it (`datacenters`, `interDcLatency[1][2]`, `devices.count`, ...).
 *
 * @param config - any subset of {@link MultiLeaderConfig}
 * @returns the config with every field set, plus the parsed link delays and distributions
 * @example
 * validateMultiLeaderConfig({ datacenters: 2, interDcLatency: 'const(80)' }).links[1]?.mean(); // 80
 * validateMultiLeaderConfig({ topology: 'mesh' as never }); // throws "topology: got "mesh"; allowed: all, ring, star"
 */
export function validateMultiLeaderConfig(config: Partial<MultiLeaderConfig>): ResolvedMultiLeaderConfig {
  if (config === null || typeof config !== 'object')
    throw new ParameterError('config', String(config), 'a MultiLeaderConfig object');
  for (const key of Object.keys(config)) {
    if (!(key in MULTI_LEADER_DEFAULTS) && key !== 'onConflict') {
      throw new ParameterError(
        key,
        'an unknown field',
        `the fields ${[...Object.keys(MULTI_LEADER_DEFAULTS), 'onConflict'].join(', ')}`,
      );
    }
  }
  const c: MultiLeaderConfig = { ...MULTI_LEADER_DEFAULTS, ...dropUndefined(config) };
  const dcs = whole('datacenters', c.datacenters, 1, MAX_DATACENTERS);
  oneOf('topology', c.topology, TOPOLOGIES);
  oneOf('resolution', c.resolution, RESOLUTION_POLICIES);
  if (c.resolution === 'custom' && typeof c.onConflict !== 'function') {
    throw new ParameterError(
      'onConflict',
      String(c.onConflict),
      "a function (versions) => elements, required by resolution 'custom'",
    );
  }
  if (c.resolution !== 'custom' && c.onConflict !== undefined) {
    throw new ParameterError(
      'onConflict',
      'a handler',
      `no handler unless resolution is 'custom' (resolution is ${JSON.stringify(c.resolution)})`,
    );
  }
  if (typeof c.fifoLinks !== 'boolean')
    throw new ParameterError('fifoLinks', String(c.fifoLinks), 'true or false');
  if (typeof c.homeRouting !== 'boolean')
    throw new ParameterError('homeRouting', String(c.homeRouting), 'true or false');
  const localLatency = distribution('localWriteLatency', c.localWriteLatency);
  const skew = c.clockSkew === null ? null : distribution('clockSkew', c.clockSkew);
  const drift = c.clockDrift;
  if (!(typeof drift === 'number' && drift >= 0 && drift < 1))
    throw new ParameterError('clockDrift', String(drift), 'a number in [0, 1)');
  requireKeys(c.keys, 'keys');
  requireZipfExponent(c.zipf, 'zipf');
  finiteAtLeast('writeRatePerSec', c.writeRatePerSec, 0, false);
  finiteAtLeast('durationMs', c.durationMs, 0, true);
  finiteAtLeast('divergenceSampleMs', c.divergenceSampleMs, 0, true);
  const followersPerDc = localFollowerCounts(c.localFollowers, dcs);
  const followerLatency = distribution('localReplicationLatency', c.localReplicationLatency);
  finiteAtLeast('localReadRatePerSec', c.localReadRatePerSec, 0, false);

  let deviceCount = 0;
  let online: LatencyDistribution | null = null;
  let offline: LatencyDistribution | null = null;
  let sync: LatencyDistribution | null = null;
  if (c.devices !== null) {
    const dv = c.devices;
    if (typeof dv !== 'object')
      throw new ParameterError(
        'devices',
        String(dv),
        '{ count, writeRatePerSec, online, offline, syncLatency }, or null',
      );
    deviceCount = whole('devices.count', dv.count, 1, MAX_DEVICES);
    finiteAtLeast('devices.writeRatePerSec', dv.writeRatePerSec, 0, false);
    online = distribution('devices.online', dv.online);
    offline = distribution('devices.offline', dv.offline);
    sync = distribution('devices.syncLatency', dv.syncLatency);
  }
  if (c.writeRatePerSec === 0 && (c.devices === null || c.devices.writeRatePerSec === 0)) {
    throw new ParameterError(
      'writeRatePerSec',
      '0',
      'a rate > 0 (or devices with a write rate > 0): the run would have no writes',
    );
  }
  if (c.dcFailure !== null) {
    const f = c.dcFailure;
    if (typeof f !== 'object')
      throw new ParameterError('dcFailure', String(f), '{ dc, atMs, durationMs }, or null');
    whole('dcFailure.dc', f.dc, 0, dcs - 1);
    finiteAtLeast('dcFailure.atMs', f.atMs, 0, false);
    finiteAtLeast('dcFailure.durationMs', f.durationMs, 0, true, true);
    if (dcs < 2)
      throw new ParameterError(
        'dcFailure',
        JSON.stringify(f),
        'an outage needs at least 2 datacenters (its users are rerouted to another)',
      );
  }

  const nodes = dcs + deviceCount;
  const links: (LatencyDistribution | null)[] = new Array<LatencyDistribution | null>(nodes * nodes).fill(
    null,
  );
  const m = c.interDcLatency;
  if (typeof m === 'string') {
    const d = distribution('interDcLatency', m);
    for (let i = 0; i < dcs; i++) for (let j = 0; j < dcs; j++) if (i !== j) links[i * nodes + j] = d;
  } else if (Array.isArray(m)) {
    if (m.length !== dcs || m.some((row) => !Array.isArray(row) || row.length !== dcs)) {
      throw new ParameterError(
        'interDcLatency',
        JSON.stringify(m),
        `one distribution, or a ${dcs} x ${dcs} matrix of them (row = sender)`,
      );
    }
    for (let i = 0; i < dcs; i++) {
      for (let j = 0; j < dcs; j++)
        if (i !== j) links[i * nodes + j] = distribution(`interDcLatency[${i}][${j}]`, m[i][j]);
    }
  } else {
    throw new ParameterError(
      'interDcLatency',
      JSON.stringify(m) ?? String(m),
      'a distribution in text form, or a D x D matrix of them',
    );
  }
  for (let k = 0; k < deviceCount; k++) {
    const device = dcs + k;
    const home = k % dcs;
    links[device * nodes + home] = sync;
    links[home * nodes + device] = sync;
  }
  return { ...c, links, nodes, localLatency, skew, online, offline, followersPerDc, followerLatency };
}

/** `localFollowers` as one count per datacenter. */
function localFollowerCounts(value: unknown, dcs: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== dcs)
      throw new ParameterError(
        'localFollowers',
        JSON.stringify(value),
        `one count, or an array of ${dcs} counts (one per datacenter)`,
      );
    return value.map((n, dc) => whole(`localFollowers[${dc}]`, n, 0, MAX_LOCAL_FOLLOWERS));
  }
  return new Array<number>(dcs).fill(whole('localFollowers', value, 0, MAX_LOCAL_FOLLOWERS));
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
