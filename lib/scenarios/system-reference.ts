/**
 * The documented replication and failover defaults of real systems (system-defaults.json, shipped
 * with the package): each entry keeps the source its numbers come from, and says so where a
 * system documents no number.
 */
import referenceFile from './system-defaults.json' with { type: 'json' };

/** One system's entry: its family, documented settings, and `source` (always present). */
export interface SystemReference {
  /** The replication family as the reference names it, e.g. `leader-follower (consensus)`. */
  family: string;
  /** Where every value of the entry comes from. */
  source: string;
  /** A published observation (Dynamo's one-version share, Jepsen's losses, ...), where one exists. */
  observed?: string;
  /** The documented settings, as the reference writes them (numbers, or text where the source gives text). */
  [setting: string]: unknown;
}

const SYSTEMS = referenceFile.systems as unknown as Record<string, SystemReference>;

/** What the reference file says it is. */
export const SYSTEM_REFERENCE_ABOUT: string = referenceFile.about;

/** Every system of the reference file, in its order. */
export const SYSTEM_REFERENCE_NAMES: readonly string[] = Object.freeze(Object.keys(SYSTEMS));

/**
 * One system's reference entry.
 *
 * Reference: lib/scenarios/system-defaults.json, the project's reference data on each system's
 * documented settings, kept verbatim (each entry names its source).
 *
 * @example
 * systemReference('patroni').ttl_s;   // 30
 * systemReference('patroni').source;  // "Patroni documentation, dynamic configuration settings"
 */
export function systemReference(name: string): SystemReference {
  const entry = SYSTEMS[name];
  if (entry === undefined)
    throw new Error(
      `system-defaults.json has no system "${name}" (it has ${SYSTEM_REFERENCE_NAMES.join(', ')})`,
    );
  return entry;
}

/**
 * A documented number of a system's entry; throws if the entry does not hold a number there (the
 * scenarios read their documented values through this, so a changed reference file fails loudly).
 *
 * @example
 * referenceNumber('mongodb', 'election_timeout_ms'); // 10000
 */
export function referenceNumber(system: string, setting: string): number {
  const value = systemReference(system)[setting];
  if (typeof value !== 'number')
    throw new Error(`system-defaults.json: ${system}.${setting} is not a number (${JSON.stringify(value)})`);
  return value;
}
