import { KeyTable } from '../../check/index.js';
import { Siblings } from '../versions/index.js';
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
 * vectors (lib/strategies/versions `Siblings`: a replica mints dots as its own actor, so the
 * causal context is exact). A conflict is a key holding two or more versions. The value the
 * replica's clients read and write on is {@link resolveValue} of those versions under the policy,
 * cached until the key changes; with `'custom'` the handler runs when a replicated version arrives
 * concurrent with what the replica holds (on write), with `'siblings'` when a client reads them.
 *
 * Also tracks, per key, how many replicas have seen every write issued so far: the key is
 * converged when all have (replicas that have seen the same writes hold the same versions).
 */
export class LeaderStores {
  /** Per key: every replica's store and cached value, and the convergence counts (one lookup per operation). */
  private readonly keys: KeyTable<KeyState>;
  /** Keys each replica holds, in the order it got them. */
  private readonly held: number[][];
  private divergent = 0;
  /** Calls of the conflict handler. */
  handlerCalls = 0;
  /**
   * Called when a replicated version brings the last replica up to date on `key` (every replica
   * has seen every write of it), with `store`, that replica's versions of it.
   */
  onConverged: ((key: number, store: Siblings<StoredWrite>) => void) | null = null;

  constructor(
    private readonly nodes: number,
    private readonly policy: ResolutionPolicy,
    private readonly handler: ConflictHandler | undefined,
  ) {
    this.keys = new KeyTable(() => new KeyState(nodes));
    this.held = Array.from({ length: nodes }, () => []);
  }

  /** Keys on which the replicas do not all hold the same versions. */
  get divergentKeys(): number {
    return this.divergent;
  }

  /** The key's store at a replica (created empty on first use). */
  store(node: number, key: number): Siblings<StoredWrite> {
    return this.storeIn(this.keys.at(key), node, key);
  }

  /** The keys a replica holds. */
  keysAt(node: number): IterableIterator<number> {
    return this.held[node][Symbol.iterator]();
  }

  /** What `node` has seen of `key`'s writes accepted by `actor` (its context's entry; 0 where it holds nothing). Creates no store. */
  seen(node: number, key: number, actor: number): number {
    return this.keys.find(key)?.stores[node]?.context.get(actor) ?? 0;
  }

  /** The value a client of `node` reads (and writes on) for `key`. */
  value(node: number, key: number): ValueNode {
    const state = this.keys.at(key);
    const cached = state.visible[node];
    if (cached !== undefined) return cached;
    const store = this.storeIn(state, node, key);
    if (store.size > 1 && this.policy === 'siblings' && this.handler !== undefined) this.handlerCalls++;
    const v = resolveValue(this.policy, store.current, this.handler);
    state.visible[node] = v;
    return v;
  }

  /**
   * A write accepted by `node`: supersedes every version the node holds (the writer read the
   * resolved value and wrote on it), with a fresh dot.
   */
  put(node: number, key: number, write: StoredWrite): ReturnType<Siblings<StoredWrite>['put']> {
    const state = this.keys.at(key);
    const store = this.storeIn(state, node, key);
    const version = store.put(write, store.context, node);
    state.visible[node] = undefined;
    const issued = ++state.issued;
    const wasConverged = state.upToDate === this.nodes;
    const upToDate = seenCount(store) === issued ? 1 : 0;
    state.upToDate = upToDate;
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
    const state = this.keys.at(key);
    const store = this.storeIn(state, node, key);
    const before = seenCount(store);
    if (!store.apply(version)) return 'stale';
    state.visible[node] = undefined;
    const issued = state.issued;
    if (before < issued && seenCount(store) === issued) {
      state.upToDate++;
      if (state.upToDate === this.nodes) {
        this.divergent--;
        this.onConverged?.(key, store);
      }
    }
    if (store.size < 2) return 'applied';
    if (this.policy === 'custom') {
      this.handlerCalls++;
      state.visible[node] = resolveValue(this.policy, store.current, this.handler);
    }
    return 'conflict';
  }

  private storeIn(state: KeyState, node: number, key: number): Siblings<StoredWrite> {
    let s = state.stores[node];
    if (s === undefined) {
      state.stores[node] = s = new Siblings<StoredWrite>();
      this.held[node].push(key);
    }
    return s;
  }
}

/** One key at every replica. */
class KeyState {
  /** Per replica, its versions of the key (undefined until it gets some). */
  readonly stores: (Siblings<StoredWrite> | undefined)[];
  /** Per replica, the value its clients read, cached until the key changes there. */
  readonly visible: (ValueNode | undefined)[];
  /** Writes of the key accepted anywhere. */
  issued = 0;
  /** Replicas that have seen all of them (all of them for a key nobody wrote). */
  upToDate: number;

  constructor(nodes: number) {
    this.stores = new Array<Siblings<StoredWrite> | undefined>(nodes).fill(undefined);
    this.visible = new Array<ValueNode | undefined>(nodes).fill(undefined);
    this.upToDate = nodes;
  }
}

/** The writes a store has seen: its context's counters summed (each actor's dots are 1..counter). */
function seenCount(store: Siblings<StoredWrite>): number {
  return store.context.total();
}
