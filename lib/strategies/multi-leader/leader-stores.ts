import { Siblings } from '../leaderless/siblings.js';
import {
  resolveValue,
  type ConflictHandler,
  type ResolutionPolicy,
  type StoredWrite,
  type ValueNode,
} from './resolution.js';

/**
 * Every replica's (leader's) versions of every key it holds, and the value its clients see.
 *
 * Each replica keeps, per key, the versions not superseded by one another, with dotted version
 * vectors (lib/strategies/leaderless `Siblings`: a replica mints dots as its own actor, so the
 * causal context is exact). A conflict is a key holding two or more versions. The value the
 * replica's clients read and write on is {@link resolveValue} of those versions under the policy,
 * cached until the key changes; with `'custom'` the handler runs when a replicated version arrives
 * concurrent with what the replica holds (on write), with `'siblings'` when a client reads them.
 *
 * Also tracks, per key, how many replicas have seen every write issued so far: the key is
 * converged when all have (replicas that have seen the same writes hold the same versions).
 */
export class LeaderStores {
  private readonly stores: Map<number, Siblings<StoredWrite>>[];
  private readonly visible: Map<number, ValueNode>[];
  /** Writes accepted anywhere, per key. */
  private readonly issued = new Map<number, number>();
  /** Per key, the replicas that have seen all of them. Absent: all replicas (a key nobody wrote). */
  private readonly upToDate = new Map<number, number>();
  private divergent = 0;
  /** Calls of the conflict handler. */
  handlerCalls = 0;

  constructor(
    private readonly nodes: number,
    private readonly policy: ResolutionPolicy,
    private readonly handler: ConflictHandler | undefined,
  ) {
    this.stores = Array.from({ length: nodes }, () => new Map());
    this.visible = Array.from({ length: nodes }, () => new Map());
  }

  /** Keys on which the replicas do not all hold the same versions. */
  get divergentKeys(): number {
    return this.divergent;
  }

  /** The key's store at a replica (created empty on first use). */
  store(node: number, key: number): Siblings<StoredWrite> {
    const m = this.stores[node];
    let s = m.get(key);
    if (s === undefined) m.set(key, (s = new Siblings<StoredWrite>()));
    return s;
  }

  /** The keys a replica holds. */
  keysAt(node: number): IterableIterator<number> {
    return this.stores[node].keys();
  }

  /** What `node` has seen of `key`'s writes accepted by `actor` (its context's entry; 0 where it holds nothing). Creates no store. */
  seen(node: number, key: number, actor: number): number {
    return this.stores[node].get(key)?.context.get(actor) ?? 0;
  }

  /** The value a client of `node` reads (and writes on) for `key`. */
  value(node: number, key: number): ValueNode {
    const cached = this.visible[node].get(key);
    if (cached !== undefined) return cached;
    const store = this.store(node, key);
    if (store.size > 1 && this.policy === 'siblings' && this.handler !== undefined) this.handlerCalls++;
    const v = resolveValue(this.policy, store.read().versions, this.handler);
    this.visible[node].set(key, v);
    return v;
  }

  /**
   * A write accepted by `node`: supersedes every version the node holds (the writer read the
   * resolved value and wrote on it), with a fresh dot.
   */
  put(node: number, key: number, write: StoredWrite): ReturnType<Siblings<StoredWrite>['put']> {
    const store = this.store(node, key);
    const version = store.put(write, store.context, node);
    this.visible[node].delete(key);
    const issued = (this.issued.get(key) ?? 0) + 1;
    this.issued.set(key, issued);
    const wasConverged = (this.upToDate.get(key) ?? this.nodes) === this.nodes;
    const upToDate = seenCount(store) === issued ? 1 : 0;
    this.upToDate.set(key, upToDate);
    if (wasConverged && upToDate !== this.nodes) this.divergent++;
    else if (!wasConverged && upToDate === this.nodes) this.divergent--;
    return version;
  }

  /**
   * A replicated version arriving at `node`. Returns what happened: `stale` (the node had seen
   * it already, through a later version), `applied`, or `conflict` (applied, and concurrent with a
   * version the node holds).
   */
  apply(
    node: number,
    key: number,
    version: Parameters<Siblings<StoredWrite>['apply']>[0],
  ): 'stale' | 'applied' | 'conflict' {
    const store = this.store(node, key);
    const before = seenCount(store);
    if (!store.apply(version)) return 'stale';
    this.visible[node].delete(key);
    const issued = this.issued.get(key) ?? 0;
    if (before < issued && seenCount(store) === issued) {
      const upToDate = (this.upToDate.get(key) ?? this.nodes) + 1;
      this.upToDate.set(key, upToDate);
      if (upToDate === this.nodes) this.divergent--;
    }
    if (store.size < 2) return 'applied';
    if (this.policy === 'custom') {
      this.handlerCalls++;
      this.visible[node].set(key, resolveValue(this.policy, store.read().versions, this.handler));
    }
    return 'conflict';
  }
}

/** The writes a store has seen: its context's counters summed (each actor's dots are 1..counter). */
function seenCount(store: Siblings<StoredWrite>): number {
  let n = 0;
  for (const [, counter] of store.context.entries()) n += counter;
  return n;
}
