import type { LatencyDistribution } from '../../latency/index.js';
import type { RandomStream } from '../../random/index.js';
import type { Simulation } from '../../sim/index.js';
import { LogHistogram } from '../../stats/index.js';
import { Siblings, type Version } from '../versions/index.js';
import type { StoredWrite } from './resolution.js';

/** One version on its way from a leader to one follower. */
interface InFlight {
  key: number;
  version: Version<StoredWrite>;
  /** When the leader applied it, ms. */
  leaderApplyMs: number;
}

/**
 * The local followers (read replicas) of every datacenter's leader, and the replication streams
 * that feed them.
 *
 * A leader sends each version it applies (an accepted write, or a version from another leader that
 * it stored) down one FIFO stream per follower, as a single-leader log is shipped inside a
 * datacenter (Kleppmann, Designing Data-Intensive Applications, 2017, ch. 5, "Leaders and
 * Followers"; PostgreSQL streaming replication, MySQL binlog replicas). A message's arrival is the
 * later of its own delay draw and the previous message's arrival on the same stream, so a follower
 * applies versions in the leader's apply order; its state is the leader's state as of some time
 * ago. Followers apply with `Siblings.apply`, the same operation leaders use for replicated
 * versions, so the versions they hold are computed independently of the leader's store and can be
 * compared with it at the end.
 *
 * Staleness is exact by counting: per (datacenter, key) the versions the leader has streamed, per
 * (follower, key) those the follower has applied. Since a follower applies a prefix of its
 * leader's stream, a read at a follower misses a version its leader had applied iff the follower's
 * count is below the leader's.
 *
 * Follower ids are 0..count-1, datacenter 0's first. An outage of a datacenter stops its leader
 * applying anything, so nothing new is streamed; versions already sent are still applied.
 *
 * @example
 * const followers = new LocalFollowers(sim, [2, 0], constant(5), FOLLOWER_APPLY, rng);
 * followers.stream(0, key, version); // both followers of datacenter 0 apply it 5 ms from now
 * followers.isStale(0, key);        // true until then
 */
export class LocalFollowers {
  /** Followers in all. */
  readonly count: number;
  private readonly dcOf: Int32Array;
  private readonly ofDc: number[][];
  private readonly stores: Map<number, Siblings<StoredWrite>>[];
  /** Per datacenter, per key: versions streamed. */
  private readonly streamed: Map<number, number>[];
  /** Per follower, per key: versions applied. */
  private readonly applied: Map<number, number>[];
  private readonly queues: InFlight[][];
  private readonly heads: Int32Array;
  private readonly lastArrival: Float64Array;
  private inTransit = 0;
  /** Lag of each follower apply: from the leader's apply to the follower's, ms (its `max` is exact). */
  readonly lag = new LogHistogram();

  /**
   * @param sim - the simulation
   * @param followersPerDc - followersPerDc[dc]: datacenter dc's followers
   * @param latency - the one-way leader-to-follower delay
   * @param kind - the event kind of a follower apply (registered here)
   * @param rng - the stream delays are drawn from
   * @param onApply - called after each follower apply (convergence tracking)
   */
  constructor(
    private readonly sim: Simulation,
    followersPerDc: readonly number[],
    private readonly latency: LatencyDistribution,
    private readonly kind: number,
    private readonly rng: RandomStream,
    private readonly onApply: () => void = () => {},
  ) {
    this.ofDc = [];
    const dcOf: number[] = [];
    followersPerDc.forEach((n, dc) => {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(dcOf.length);
        dcOf.push(dc);
      }
      this.ofDc.push(ids);
    });
    this.count = dcOf.length;
    this.dcOf = Int32Array.from(dcOf);
    this.stores = Array.from({ length: this.count }, () => new Map<number, Siblings<StoredWrite>>());
    this.applied = Array.from({ length: this.count }, () => new Map<number, number>());
    this.streamed = followersPerDc.map(() => new Map<number, number>());
    this.queues = Array.from({ length: this.count }, () => []);
    this.heads = new Int32Array(this.count);
    this.lastArrival = new Float64Array(this.count).fill(-Infinity);
    if (this.count > 0) sim.on(kind, (follower) => this.arrive(follower), 'follower: apply');
  }

  /** The followers of datacenter `dc` (ids). */
  followersOf(dc: number): readonly number[] {
    return this.ofDc[dc];
  }

  /** The datacenter of `follower`. */
  datacenterOf(follower: number): number {
    return this.dcOf[follower];
  }

  /** Versions streamed and not yet applied by their follower. */
  get inFlight(): number {
    return this.inTransit;
  }

  /**
   * The leader of `dc` has just applied `version` of `key`: sends it to each of its followers.
   *
   * @example
   * followers.stream(leader, key, stores.put(leader, key, write));
   */
  stream(dc: number, key: number, version: Version<StoredWrite>): void {
    const ids = this.ofDc[dc];
    if (ids.length === 0) return;
    this.streamed[dc].set(key, (this.streamed[dc].get(key) ?? 0) + 1);
    for (const f of ids) {
      this.queues[f].push({ key, version, leaderApplyMs: this.sim.now });
      this.inTransit++;
      let at = this.sim.now + this.latency.sample(this.rng);
      if (at < this.lastArrival[f]) at = this.lastArrival[f];
      this.lastArrival[f] = at;
      this.sim.scheduleAt(at, this.kind, f);
    }
  }

  /**
   * Whether a read of `key` at `follower` now misses a version its leader has applied.
   *
   * @example
   * if (followers.isStale(f, key)) staleReads++;
   */
  isStale(follower: number, key: number): boolean {
    return (this.applied[follower].get(key) ?? 0) < (this.streamed[this.dcOf[follower]].get(key) ?? 0);
  }

  /** The versions `follower` holds for `key` (empty if none). */
  versions(follower: number, key: number): readonly Version<StoredWrite>[] {
    return this.stores[follower].get(key)?.read().versions ?? [];
  }

  /** The keys `follower` holds. */
  keysAt(follower: number): IterableIterator<number> {
    return this.stores[follower].keys();
  }

  private arrive(follower: number): void {
    // FIFO: arrivals on one stream are non-decreasing and ties fire in scheduling order, so this
    // event belongs to the oldest message in flight.
    const q = this.queues[follower];
    const m = q[this.heads[follower]++];
    if (this.heads[follower] === q.length) {
      q.length = 0;
      this.heads[follower] = 0;
    } else if (this.heads[follower] >= 1024 && 2 * this.heads[follower] >= q.length) {
      // A stream that never drains (steady traffic) drops its applied entries now and then.
      q.copyWithin(0, this.heads[follower]);
      q.length -= this.heads[follower];
      this.heads[follower] = 0;
    }
    this.inTransit--;
    let store = this.stores[follower].get(m.key);
    if (store === undefined) this.stores[follower].set(m.key, (store = new Siblings<StoredWrite>()));
    store.apply(m.version);
    this.applied[follower].set(m.key, (this.applied[follower].get(m.key) ?? 0) + 1);
    this.lag.record(this.sim.now - m.leaderApplyMs);
    this.onApply();
  }
}
