import { Tally, type Count } from './count.js';
import { groupSorted, KeyTable } from './group.js';
import { returnedWrites, writesById, type History, type WriteRecord } from './history.js';
import { KeyTrie, KeyTrieView } from './key-trie.js';
import { scopeOf, type SessionScope } from './scope.js';
import {
  NO_VERSIONS,
  reflects,
  reflectsAll,
  withVersion,
  type Version,
  type VersionOrder,
} from './version-order.js';

/** What {@link consistentPrefix} found. */
export interface ConsistentPrefixSummary {
  /** Violations, out of the reads of a key on which the client had seen a dependent write. */
  violations: Count;
  /** All reads in the history. */
  reads: number;
}

/**
 * Consistent-prefix violations.
 *
 * Definition: "Consistent-prefix violation: a client observes a write without a write it causally
 * depends on."
 *
 * The history does not say what depends on what, so the caller passes `dependsOn`: for a write
 * id, the ids of the writes it causally depends on (an answer on the question it read, a comment
 * on the post). Dependencies are followed transitively. For a read r by client c (or session,
 * with `scope: 'session'`) of key x starting at t: every write c has seen in a read that
 * returned strictly before t brings its (transitive) dependencies on key x into c's view. r is
 * eligible when there is at least one, and a violation when it does not reflect them all: for
 * some dependency a, r returned neither a nor a newer version by `order` (c saw the answer, then
 * found no question). Seeing a write with its dependency together, or the dependency first, is
 * fine.
 *
 * References: D. Terry, "Replicated data consistency explained through baseball", CACM 56(12),
 * 2013 (consistent prefix); M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5,
 * "Consistent Prefix Reads" (partitioned data, causally related writes in different partitions).
 *
 * @param history - the run's writes and reads
 * @param dependsOn - write id -> the ids of the writes it directly depends on
 * @param order - the store's version order
 * @param options - `scope`: `'client'` (default) or `'session'`
 * @example
 * // w2 (key 1) answers w1 (key 0); client 7 reads w2, then reads key 0 and gets nothing: a violation.
 * consistentPrefix(history, new Map([[2, [1]]]), timestampOrder).violations; // { count: 1, of: 1 }
 */
export function consistentPrefix(
  history: History,
  dependsOn: ReadonlyMap<number, readonly number[]>,
  order: VersionOrder,
  options: { scope?: SessionScope } = {},
): ConsistentPrefixSummary {
  const who = scopeOf(options.scope ?? 'client');
  const byId = writesById(history);
  const closure = new Map<number, WriteRecord[]>();
  const dependencies = (id: number): WriteRecord[] => {
    const known = closure.get(id);
    if (known !== undefined) return known;
    // Iterative depth-first walk: dependency chains can be as long as the history.
    const seen = new Set<number>([id]);
    const stack = [id];
    const out: WriteRecord[] = [];
    while (stack.length > 0) {
      for (const dep of dependsOn.get(stack.pop() as number) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        const w = byId.get(dep);
        if (w === undefined) throw new Error(`consistentPrefix: write ${id} depends on unknown write ${dep}`);
        out.push(w);
        stack.push(dep);
      }
    }
    closure.set(id, out);
    return out;
  };

  let eligible = 0;
  let violations = 0;
  const byInvokeGroups = groupSorted(history.reads, who, (r) => r.invokeMs);
  for (const byInvoke of byInvokeGroups.values()) {
    const byReturn = byInvoke.slice().sort((a, b) => a.returnMs - b.returnMs);
    // Per key, the dependencies the client must find: an antichain under `order`.
    const required = new Map<number, WriteRecord[]>();
    let q = 0;
    for (const read of byInvoke) {
      while (q < byReturn.length && byReturn[q].returnMs < read.invokeMs) {
        for (const v of returnedWrites(byReturn[q], byId)) {
          for (const a of dependencies(v.id)) {
            const frontier = required.get(a.key) ?? [];
            if (reflects(order, frontier, a)) continue;
            required.set(a.key, [...frontier.filter((f) => !(order.compare(f, a) < 0)), a]);
          }
        }
        q++;
      }
      const need = required.get(read.key);
      if (need === undefined) continue;
      eligible++;
      const got = returnedWrites(read, byId);
      if (!need.every((a) => reflects(order, got, a))) violations++;
    }
  }
  return { violations: { count: violations, of: eligible }, reads: history.reads.length };
}

/**
 * What reading a write brings into a client's view: the write's transitive dependencies, per key
 * the newest of them (an antichain under a partial order, one version under a total one). Built
 * by {@link ConsistentPrefixTracker.dependencies} when the write is issued and kept with the write
 * by the caller (it is immutable, and shares most of its structure with its dependencies' own).
 */
export type Dependencies = KeyTrie<readonly Version[]>;

/** No dependency: a write that answers nothing. */
export const NO_DEPENDENCIES: Dependencies = KeyTrie.empty();

/** A write another one directly depends on: its version, key, and its own {@link Dependencies}. */
export interface WriteDependency {
  readonly version: Version;
  readonly key: number;
  readonly dependencies: Dependencies;
}

/**
 * Consistent-prefix violations counted as a run goes (a streaming checker): {@link consistentPrefix}'s
 * definition, with state bounded by the clients, the keys and the writes the caller still holds
 * (each write's {@link Dependencies}), not by the length of the history.
 *
 * Only the newest dependencies per key are kept, which decides the same as the history checker
 * when `order` is transitive: a read that reflects a version reflects every version older than it.
 * Each client's view (the dependencies of every write it has read) is a {@link KeyTrieView}: read
 * as of just before an instant, so the order of the events of one instant does not matter.
 *
 * Use: when a write is issued, {@link dependencies} of its direct dependencies (kept with the
 * write); when a read starts, {@link start} in a read slot (a small integer of the caller's); when
 * it returns, {@link judge} it, then {@link returned} with the dependencies of the writes it
 * returned.
 *
 * References: as {@link consistentPrefix}.
 *
 * @example
 * const cp = new ConsistentPrefixTracker(timestampOrder);
 * const question = { id: 1, timestamp: 1 };
 * const answer = cp.dependencies([{ version: question, key: 0, dependencies: NO_DEPENDENCIES }]);
 * const reader = { client: 9, session: 9, key: 1 };
 * cp.start(0, reader, 7);
 * cp.judge(0, [{ id: 2, timestamp: 1 }]);       // null: nothing required yet
 * cp.returned(reader, 8, [answer]);             // client 9 read the answer at 8 ms
 * cp.start(1, { client: 9, session: 9, key: 0 }, 9);
 * cp.judge(1, []);                              // true: the answer without its question
 */
export class ConsistentPrefixTracker {
  private readonly views = new KeyTable(() => new ClientView());
  /** Per read slot: the dependencies on the read's key it must reflect (undefined: none). */
  private readonly slots: (readonly Version[] | undefined)[] = [];
  private readonly who: (op: { client: number; session: number }) => number;
  private readonly violations = new Tally();
  private readonly join: (
    mine: readonly Version[] | undefined,
    theirs: readonly Version[],
  ) => readonly Version[];

  /**
   * @param order - the store's version order
   * @param scope - `'client'` (default) or `'session'`
   */
  constructor(
    readonly order: VersionOrder,
    scope: SessionScope = 'client',
  ) {
    this.who = scopeOf(scope);
    // The newest of both sets: one of the two frontiers as it is when it reflects the other (the
    // usual case, and the only one under a total order), so the maps share their frontiers.
    this.join = (mine, theirs) => {
      if (mine === undefined) return theirs;
      // One version each (always so under a total order): the two reflectsAll below, unrolled, as
      // this runs for most keys of every write a client reads.
      if (mine.length === 1 && theirs.length === 1) {
        const m = mine[0];
        const t = theirs[0];
        if (m.id === t.id || order.compare(m, t) < 0) return theirs;
        if (order.compare(t, m) < 0) return mine;
      } else if (reflectsAll(order, theirs, mine)) return theirs;
      if (reflectsAll(order, mine, theirs)) return mine;
      let out = mine;
      for (let i = 0; i < theirs.length; i++) out = withVersion(order, out, theirs[i]);
      return out;
    };
  }

  /**
   * The {@link Dependencies} of a write that directly depends on `direct`: those writes, and
   * everything they depend on.
   */
  dependencies(direct: readonly WriteDependency[]): Dependencies {
    let out = NO_DEPENDENCIES;
    for (let i = 0; i < direct.length; i++) {
      const d = direct[i];
      out = out.union(d.dependencies, this.join);
      out = out.set(d.key, withVersion(this.order, out.get(d.key) ?? NO_VERSIONS, d.version));
    }
    return out;
  }

  /** {@link dependencies} of a write with one direct dependency: `version`, of `key`, with its own `dependencies`. */
  dependency(version: Version, key: number, dependencies: Dependencies): Dependencies {
    return dependencies.set(key, withVersion(this.order, dependencies.get(key) ?? NO_VERSIONS, version));
  }

  /** A read by `read.client` (or session) returned at `returnMs` writes with these dependencies: they join its view. */
  returned(
    read: { client: number; session: number },
    returnMs: number,
    written: readonly Dependencies[],
  ): void {
    let view: ClientView | undefined;
    for (let i = 0; i < written.length; i++) {
      const deps = written[i];
      if (deps.isEmpty) continue;
      view ??= this.views.at(this.who(read));
      // The view only grows: dependencies it took last time change nothing (a client rereading a key).
      if (deps === view.lastJoined) continue;
      view.lastJoined = deps;
      view.seen.join(deps, returnMs, this.join);
    }
  }

  /** A read by `read.client` (or session) of `read.key` starts at `startMs`: read slot `slot` takes the dependencies it must reflect. */
  start(slot: number, read: { client: number; session: number; key: number }, startMs: number): void {
    while (this.slots.length <= slot) this.slots.push(undefined);
    const view = this.views.find(this.who(read));
    this.slots[slot] = view === undefined ? undefined : view.seen.before(startMs, read.key);
  }

  /** Counts the read of slot `slot`, returned with `versions`: null when it is not eligible, else whether it violates consistent prefix. */
  judge(slot: number, versions: readonly Version[]): boolean | null {
    const need = this.slots[slot];
    if (need === undefined) return null;
    this.slots[slot] = undefined;
    return this.violations.add(!reflectsAll(this.order, versions, need));
  }

  /** Violations, out of the eligible reads judged. */
  get counts(): Count {
    return this.violations.counts;
  }
}

/** A client's (or session's) view: the dependencies of every write it has read, as of each instant, and the last ones it took. */
class ClientView {
  readonly seen = new KeyTrieView<readonly Version[]>();
  lastJoined: Dependencies = NO_DEPENDENCIES;
}
