import type { CountEstimate } from '../../check/index.js';
import type { MultiLeaderConfig } from './multi-leader-config.js';
import { RESOLUTION_POLICIES, type ConflictHandler, type ResolutionPolicy } from './resolution.js';
import { runMultiLeader } from './run-multi-leader.js';

/** One policy's outcome on the shared history. */
export interface ResolutionComparisonRow {
  /** The policy. */
  policy: ResolutionPolicy;
  /** Writes issued (the same for every policy). */
  writes: number;
  /** Writes in conflict (the same for every policy: detection does not depend on resolution). */
  conflicts: number;
  /** Acknowledged writes lost, with its Wilson 95% interval over acknowledged writes. */
  acked_writes_lost: CountEstimate;
  /** Whether every replica ended with the same value. */
  converged: boolean;
  /** Most versions a read returned (siblings; 1 otherwise). */
  max_siblings: number;
  /** Conflict handler calls (custom on write; siblings on read with a handler). */
  handler_calls: number;
}

/**
 * Runs the same deployment and workload under several resolution policies. The
 * write arrivals, acceptances, replication delays, dots and contexts are the same in every run,
 * since no random draw depends on the policy: only what each leader does with concurrent versions
 * differs. `'custom'` needs `handler`.
 *
 * Reference: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Handling write
 * conflicts".
 *
 * @param config - the deployment and workload (its `resolution` and `onConflict` are replaced)
 * @param seed - the seed of every run
 * @param policies - the policies to compare (default: all but 'custom', plus 'custom' when a handler is given)
 * @param handler - the on-write handler for 'custom'
 * @example
 * compareResolutions({ datacenters: 3, keys: 10, clockSkew: 'uniform(0,50)' }, 1)
 *   .map((row) => [row.policy, row.acked_writes_lost.count, row.converged]);
 * // [['lww', 312, true], ['replica-id', 330, true], ['merge', 0, true], ['merge-concat', 0, true], ['siblings', 0, true]]
 */
export function compareResolutions(
  config: Partial<MultiLeaderConfig>,
  seed: number,
  policies?: readonly ResolutionPolicy[],
  handler?: ConflictHandler,
): ResolutionComparisonRow[] {
  const list = policies ?? RESOLUTION_POLICIES.filter((p) => p !== 'custom' || handler !== undefined);
  return list.map((policy) => {
    const { onConflict: _ignored, ...rest } = config;
    const r = runMultiLeader(
      { ...rest, resolution: policy, ...(policy === 'custom' ? { onConflict: handler } : {}) },
      seed,
    );
    return {
      policy,
      writes: r.writes,
      conflicts: r.conflicts,
      acked_writes_lost: r.intervals.acked_writes_lost,
      converged: r.converged,
      max_siblings: r.max_siblings,
      handler_calls: r.handler_calls,
    };
  });
}
