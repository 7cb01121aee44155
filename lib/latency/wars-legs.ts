import type { LatencyDistribution } from './distribution.js';

/**
 * The four message legs of a Dynamo-style quorum operation, as in the PBS "WARS" model:
 * W (write request coordinator -> replica), A (write ack replica -> coordinator),
 * R (read request coordinator -> replica), S (read response replica -> coordinator).
 * Every message's delay is an independent draw from its leg's distribution.
 *
 * Reference: P. Bailis et al., Probabilistically Bounded Staleness for Practical Partial Quorums,
 * PVLDB 5(8), 2012, Section 4.
 */
export interface WarsLegs {
  /** Write request, coordinator to replica. */
  W: LatencyDistribution;
  /** Write acknowledgement, replica to coordinator. */
  A: LatencyDistribution;
  /** Read request, coordinator to replica. */
  R: LatencyDistribution;
  /** Read response, replica to coordinator. */
  S: LatencyDistribution;
  /**
   * Multi-datacenter layout (the PBS paper's WAN setting): when set, `localReplicas` of the N
   * replicas share the coordinator's datacenter, chosen uniformly at random, independently for the
   * write and for the read; every leg to or from any other replica takes `remoteOneWayMs` more.
   */
  wan?: {
    /** One-way delay added to each leg to or from a replica in a remote datacenter, in ms. */
    remoteOneWayMs: number;
    /** How many replicas are local to the coordinator (1 in the paper). */
    localReplicas: number;
  };
}

/** The name of one WARS leg. */
export type WarsLegName = 'W' | 'A' | 'R' | 'S';
