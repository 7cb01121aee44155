/**
 * One stand-in's hinted copy of one key for one unreachable home replica (Dynamo's "hinted
 * replica", DeCandia et al., SOSP 2007, §4.6), with the bookkeeping that handoff needs.
 */
export interface HintStore<T> {
  /** Unique id of this store incarnation (never reused, also after deletion or a crash). */
  readonly id: number;
  /** The stand-in holding the hint. */
  readonly holder: number;
  /** The home replica the hint is for. */
  readonly home: number;
  /** The key. */
  readonly key: number;
  /** The model's payload: the hinted data (an LWW register, a siblings store, ...). */
  data: T;
  /** Hinted writes merged into this store since it was created (each counts as one hint stored). */
  hints: number;
  /** Bumped by every write merged in: a handoff ack deletes the store only if nothing arrived after the copy it acknowledges. */
  mutations: number;
}

/** The hint counters of a run: every hint stored is, at any time, handed off, lost, or still held. */
export interface HintCounts {
  /** Hinted writes a stand-in accepted (one per write per stand-in). */
  stored: number;
  /** Hints whose store the home replica acknowledged, after which the stand-in deleted it. */
  handedOff: number;
  /** Hints held by a stand-in when it crashed (hints are volatile: they die with the holder's process). */
  lost: number;
  /** Hints still held by stand-ins. */
  held: number;
}

/**
 * Every hint held in a leaderless cluster, by (holder, home, key), with the counters of
 * hinted handoff. Conservation: `stored === handedOff + lost + held` after every call.
 *
 * A store is created by the first hinted write for its (holder, home, key) and gets a fresh id;
 * later hinted writes for the same triple merge into it (each still counts as a hint stored). It
 * leaves by {@link acknowledge} (handed off: all its hints count as handed off) or by
 * {@link crash} of its holder (all its hints count as lost).
 *
 * @example
 * const ledger = new HintLedger<number>(5, 10);
 * const s = ledger.store(3, 1, 7, () => 0); // node 3 holds key 7 for node 1
 * ledger.counts.stored;                     // 1
 * ledger.acknowledge(s.id, s.mutations);    // true: node 1 has it; deleted
 * ledger.counts.handedOff;                  // 1
 */
export class HintLedger<T> {
  private readonly byTriple = new Map<number, HintStore<T>>();
  private readonly byId = new Map<number, HintStore<T>>();
  private nextId = 0;
  private stored = 0;
  private handedOff = 0;
  private lost = 0;
  private held = 0;

  /**
   * @param nodes - number of nodes (holder and home ids are 0..nodes-1)
   * @param keys - number of keys (0..keys-1)
   */
  constructor(
    private readonly nodes: number,
    private readonly keys: number,
  ) {}

  /** The counters now. */
  get counts(): HintCounts {
    return { stored: this.stored, handedOff: this.handedOff, lost: this.lost, held: this.held };
  }

  /** Number of stores held. */
  get size(): number {
    return this.byId.size;
  }

  /** The store of (holder, home, key), if any. */
  get(holder: number, home: number, key: number): HintStore<T> | undefined {
    return this.byTriple.get(this.triple(holder, home, key));
  }

  /**
   * Records one hinted write at `holder` for `home`: returns the (holder, home, key) store, created
   * with `init()` if there is none; the caller merges the write into `data`.
   */
  store(holder: number, home: number, key: number, init: () => T): HintStore<T> {
    const t = this.triple(holder, home, key);
    let s = this.byTriple.get(t);
    if (s === undefined) {
      s = { id: this.nextId++, holder, home, key, data: init(), hints: 0, mutations: 0 };
      this.byTriple.set(t, s);
      this.byId.set(s.id, s);
    }
    s.hints++;
    s.mutations++;
    this.stored++;
    this.held++;
    return s;
  }

  /**
   * The home acknowledged the copy of store `id` taken at `mutations`: the store is deleted (its
   * hints count as handed off) unless it is gone (its holder crashed since) or changed since the
   * copy (the next round sends it again). Returns whether it was deleted.
   */
  acknowledge(id: number, mutations: number): boolean {
    const s = this.byId.get(id);
    if (s === undefined || s.mutations !== mutations) return false;
    this.remove(s);
    this.handedOff += s.hints;
    return true;
  }

  /** The holder crashed: every store it holds is lost. Returns the number of hints lost. */
  crash(holder: number): number {
    let lost = 0;
    for (const s of [...this.byId.values()]) {
      if (s.holder !== holder) continue;
      this.remove(s);
      lost += s.hints;
    }
    this.lost += lost;
    return lost;
  }

  /** The stores held, in creation order (deterministic). */
  stores(): HintStore<T>[] {
    return [...this.byId.values()];
  }

  private remove(s: HintStore<T>): void {
    this.byTriple.delete(this.triple(s.holder, s.home, s.key));
    this.byId.delete(s.id);
    this.held -= s.hints;
  }

  private triple(holder: number, home: number, key: number): number {
    return (holder * this.nodes + home) * this.keys + key;
  }
}
