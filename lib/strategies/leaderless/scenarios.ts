/**
 * The quorum edge cases, each a named scenario: a config of the leaderless
 * model that provokes it, and a counter that finds its occurrences in a run, from the recorded
 * history (or from the model's own counter where that counter is the definition). `runScenario`
 * runs one and returns the count with its Wilson 95% interval.
 *
 * References: G. DeCandia et al., "Dynamo: Amazon's Highly Available Key-value Store", SOSP 2007
 * (§4.5 quorums, §4.6 sloppy quorum and hinted handoff); M. Kleppmann, "Designing Data-Intensive
 * Applications", 2017, ch. 5, "Limitations of Quorum Consistency" (the list these cases follow).
 */
import {
  proportion,
  reflects,
  returnedWrites,
  writesById,
  type CountEstimate,
  type ReadRecord,
  type WriteRecord,
} from '../../check/index.js';
import { ParameterError } from '../../errors.js';
import type { LeaderlessConfig } from './cluster-config.js';
import { runLeaderlessWithHistory, type LeaderlessRun } from './run-leaderless.js';

/** What a scenario's counter found in one run: `occurrences` out of `of` chances. */
export interface ScenarioCount {
  /** Occurrences of the edge case. */
  occurrences: number;
  /** The denominator (what could have been an occurrence); 0: not applicable in this run. */
  of: number;
  /** One line on what was counted, with side counts that help read it. */
  note: string;
}

/** One named quorum edge case. */
export interface LeaderlessScenario {
  /** The scenario's name (the registry key). */
  name: string;
  /** What the edge case is, with its reference, and exactly what is counted. */
  description: string;
  /** A config that provokes the edge case. */
  config: Partial<LeaderlessConfig>;
  /** A config of the same workload where the edge case cannot happen (its count is 0 or not applicable). */
  control: Partial<LeaderlessConfig>;
  /** Counts the edge case's occurrences in a run. */
  count(run: LeaderlessRun): ScenarioCount;
}

/** A scenario's count in one run, with its Wilson 95% interval. */
export interface ScenarioResult {
  name: string;
  seed: number;
  /** The config run (the scenario's, with any overrides applied). */
  config: Partial<LeaderlessConfig>;
  /** occurrences / of with its interval (`count` is the occurrences). */
  occurrences: CountEstimate;
  note: string;
}

/** Crash-recovery churn: MTTF 2 s, MTTR 500 ms (each node down about 20% of the time). */
const CHURN = { ttf: 'exp(0.0005)', ttr: 'exp(0.002)' };

/** Reads of each key, in invocation order (ties: return time). */
function readsByKey(reads: readonly ReadRecord[]): Map<number, ReadRecord[]> {
  const out = new Map<number, ReadRecord[]>();
  for (const r of reads) {
    let list = out.get(r.key);
    if (list === undefined) out.set(r.key, (list = []));
    list.push(r);
  }
  for (const list of out.values()) list.sort((a, b) => a.invokeMs - b.invokeMs || a.returnMs - b.returnMs);
  return out;
}

/**
 * (b) Whether write `w` was in progress during read `r`: their intervals overlap, the write's
 * being [invokeMs, ackMs] ([invokeMs, ∞) for a write never acknowledged).
 */
function concurrent(w: WriteRecord, r: ReadRecord): boolean {
  return w.invokeMs < r.returnMs && (w.ackMs === null || w.ackMs > r.invokeMs);
}

/**
 * (b) Counts new-old inversions: see the `concurrent-read-inversion` scenario's description.
 * Exported for tests on hand-built histories.
 */
export function countReadInversions(run: Pick<LeaderlessRun, 'history' | 'order'>): {
  inversions: number;
  of: number;
  sawInFlight: number;
} {
  const { history, order } = run;
  const byId = writesById(history);
  let inversions = 0;
  let of = 0;
  let sawInFlight = 0;
  for (const list of readsByKey(history.reads).values()) {
    for (let i = 0; i < list.length; i++) {
      const r1 = list[i];
      const inFlight = returnedWrites(r1, byId).filter((w) => concurrent(w, r1));
      if (inFlight.length === 0) continue;
      sawInFlight++;
      // The next read of the key to start once r1 has returned (binary search on invokeMs).
      let lo = i + 1;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid].invokeMs < r1.returnMs) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= list.length) continue;
      of++;
      const seen = returnedWrites(list[lo], byId);
      if (inFlight.some((w) => !reflects(order, seen, w))) inversions++;
    }
  }
  return { inversions, of, sawInFlight };
}

/**
 * (c) Failed writes returned by a read that started after the write's failure: see the
 * `failed-write-read` scenario's description. Exported for tests on hand-built histories.
 */
export function countFailedWritesRead(
  run: Pick<LeaderlessRun, 'history'>,
  timeoutMs: number,
): { read: number; failed: number; readsReturningThem: number } {
  const { history } = run;
  const failedAt = new Map<number, number>();
  for (const w of history.writes) if (w.ackMs === null) failedAt.set(w.id, w.invokeMs + timeoutMs);
  const seen = new Set<number>();
  let readsReturningThem = 0;
  for (const r of history.reads) {
    let hit = false;
    for (const id of r.returned) {
      const at = failedAt.get(id);
      if (at !== undefined && r.invokeMs >= at) {
        seen.add(id);
        hit = true;
      }
    }
    if (hit) readsReturningThem++;
  }
  return { read: seen.size, failed: failedAt.size, readsReturningThem };
}

const scenarios: readonly LeaderlessScenario[] = [
  {
    name: 'sloppy-non-overlap',
    description:
      '(a) Sloppy quorum whose read and write sets do not overlap. With a sloppy quorum (Dynamo, SOSP 2007, §4.6) ' +
      'a write acknowledged by stand-ins (hinted replicas) for unreachable home replicas and a later read answered ' +
      'by other nodes need share no replica even with R + W > N, so the read can miss the write. Counted: returned ' +
      "reads whose R counted responses share no replica slot with the W counted acks of the key's most recently " +
      "acknowledged write before the read began (the model's `non_overlapping_reads`, out of all returned reads; reads " +
      'with no reference write are never counted); the note gives how many of them were stale ' +
      '(`non_overlapping_stale_reads`). Provoked by churn (MTTF 2 s, MTTR 500 ms) with `sloppy: true`; ' +
      'the control (strict quorum, same churn, R + W > N) cannot have one.',
    config: { ops: 5000, keys: 50, crash: CHURN, sloppy: true },
    control: { ops: 5000, keys: 50, crash: CHURN, sloppy: false },
    count({ result, history }) {
      return {
        occurrences: result.non_overlapping_reads,
        of: history.reads.length,
        note:
          `${result.non_overlapping_reads} non-overlapping reads of ${history.reads.length} returned; ` +
          `${result.non_overlapping_stale_reads} of them stale; hints stored ${result.hints_stored}, lost ${result.hints_lost}`,
      };
    },
  },
  {
    name: 'concurrent-read-inversion',
    description:
      '(b) A read concurrent with a write sees it on some replicas only. While a write is in flight it is on some ' +
      'replicas and not others, so whether a read returns it depends on which replicas answer first: even with a ' +
      'strict quorum and R + W > N (Dynamo, SOSP 2007, §4.5 gives no guarantee for operations that overlap), one ' +
      'read can return the new value and a later read the old one (a new-old inversion, not linearizable). ' +
      'Counted, per key: a read r1 that returned a write W concurrent with it (W.invokeMs < r1.returnMs, and W ' +
      'acknowledged after r1.invokeMs or never), and r2 the next read of that key (any client) to start at or after ' +
      'r1 returned; an occurrence is such a pair (r1, r2) where r2 does not reflect W (returned neither W nor a ' +
      "newer version, in the run's version order). Denominator: the reads r1 that returned an in-flight write and " +
      'have a next read. Provoked by one key read and written about once per ms, message delays exp(0.2) (mean 5 ms), strict quorum R = W = 2 of N = 3, no faults; ' +
      'the control reads all replicas (R = N): replica stores only move forward, so r2 sees what r1 saw.',
    config: { ops: 10000, keys: 1, latency: 'exp(0.2)', timeoutMs: 1000 },
    control: { ops: 10000, keys: 1, latency: 'exp(0.2)', timeoutMs: 1000, r: 3 },
    count(run) {
      const c = countReadInversions(run);
      return {
        occurrences: c.inversions,
        of: c.of,
        note:
          `${c.inversions} inversions of ${c.of} reads that returned an in-flight write and had a next read ` +
          `(${c.sawInFlight} returned an in-flight write)`,
      };
    },
  },
  {
    name: 'failed-write-read',
    description:
      '(c) A write that failed overall but succeeded on some replicas, later read. A write that gets fewer than W ' +
      'acks by the timeout is reported failed to its client but is not rolled back where it landed (Dynamo, SOSP ' +
      '2007, §4.5 and §6: no undo), so later reads can return a value the client was told was not written. ' +
      'Counted from the history: failed writes (ackMs null) returned by at least one read that started at or after ' +
      "the write's failure was reported (invokeMs + timeoutMs), out of failed writes; the note gives the model's " +
      '`failed_writes_landed`. Provoked by W = N = 3 with R = 1, 20% message loss and a 50 ms timeout; the control ' +
      'has no faults and a 10 s timeout, so no write fails.',
    config: { ops: 5000, keys: 50, w: 3, r: 1, loss: 0.2, timeoutMs: 50 },
    control: { ops: 5000, keys: 50, w: 3, r: 1, loss: 0, timeoutMs: 10000 },
    count(run) {
      const c = countFailedWritesRead(run, run.config.timeoutMs);
      return {
        occurrences: c.read,
        of: c.failed,
        note:
          `${c.read} of ${c.failed} failed writes read after their failure, by ${c.readsReturningThem} reads; ` +
          `${run.result.failed_writes_landed} failed writes landed on a replica`,
      };
    },
  },
  {
    name: 'stale-restore-under-w',
    description:
      '(d) A node restored from a stale replica drops below W copies of a value. Kleppmann (DDIA, 2017, ch. 5, ' +
      '"Limitations of Quorum Consistency"): "if a node carrying a new value fails, and its data is restored from a ' +
      'replica carrying an old value, the number of replicas storing the new value may fall below w", undoing the ' +
      "overlap argument of Dynamo's quorums (SOSP 2007, §4.5), which assumes the W copies stay. Provoked by " +
      "crash churn (MTTF 2 s, MTTR 500 ms) where half the crashes destroy the node's store (`storeLoss: 0.5`) and the " +
      'node comes back with copies from the first other home replica of each key that is up. With W = 2 of N = 3 and ' +
      'strict quorums, a node that recovered with its disk intact missed the writes made while it was down; a restore ' +
      'that copies from it drops those writes from the restored node. ' +
      "Counted from the replicas' final stores (not findable from the history): acknowledged writes held by fewer " +
      "than W of their N home replicas at the end (the model's `acked_writes_under_replicated`; a home holding a newer " +
      'version counts as holding it), out of acknowledged writes; the note adds the acknowledged writes lost outright. ' +
      'The control has the same churn with durable stores (`storeLoss: 0`): every acknowledged write keeps its W ' +
      'home copies, so it cannot have one.',
    config: { ops: 5000, keys: 1000, crash: CHURN, storeLoss: 0.5, w: 2, r: 1 },
    control: { ops: 5000, keys: 1000, crash: CHURN, storeLoss: 0, w: 2, r: 1 },
    count({ result }) {
      return {
        occurrences: result.acked_writes_under_replicated,
        of: result.acked_writes,
        note:
          `${result.acked_writes_under_replicated} of ${result.acked_writes} acknowledged writes under W home copies at the end; ` +
          `${result.acked_writes_lost} acknowledged writes lost`,
      };
    },
  },
];

/** The quorum edge-case scenarios, by name. */
export const leaderlessScenarios: ReadonlyMap<string, LeaderlessScenario> = new Map(
  scenarios.map((s) => [s.name, s]),
);

/**
 * Runs scenario `name` once with `seed` and counts its edge case, with a Wilson 95% interval.
 * `overrides` replace fields of the scenario's config (e.g. its `control`, to see the count vanish).
 *
 * @example
 * runScenario('failed-write-read', 1).occurrences;                 // { count: > 0, of, p, low, high }
 * const s = leaderlessScenarios.get('failed-write-read')!;
 * runScenario('failed-write-read', 1, s.control).occurrences.count; // 0
 */
export function runScenario(
  name: string,
  seed: number,
  overrides: Partial<LeaderlessConfig> = {},
): ScenarioResult {
  const scenario = leaderlessScenarios.get(name);
  if (scenario === undefined)
    throw new ParameterError('scenario', name, [...leaderlessScenarios.keys()].join(', '));
  const config = { ...scenario.config, ...overrides };
  return scenarioResult(scenario, runLeaderlessWithHistory(config, seed), seed, config);
}

/**
 * A scenario's count on a run already made (e.g. by the CLI, which also prints the run's result).
 *
 * @example
 * const s = leaderlessScenarios.get('failed-write-read')!;
 * scenarioResult(s, runLeaderlessWithHistory(s.config, 1), 1, s.config).occurrences.p;
 */
export function scenarioResult(
  scenario: LeaderlessScenario,
  run: LeaderlessRun,
  seed: number,
  config: Partial<LeaderlessConfig>,
): ScenarioResult {
  const c = scenario.count(run);
  return {
    name: scenario.name,
    seed,
    config,
    occurrences: proportion({ count: c.occurrences, of: c.of }),
    note: c.note,
  };
}
