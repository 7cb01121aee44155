import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveStream } from '../random/index.js';
import type { History, ReadRecord, WriteRecord } from './history.js';
import { timestampOrder, type VersionOrder } from './version-order.js';
import { staleReads } from './stale-reads.js';
import { readYourWrites } from './read-your-writes.js';
import { monotonicReads } from './monotonic-reads.js';
import { lostWrites } from './lost-writes.js';
import { AsOf } from './as-of.js';
import { versionColumns } from './version-columns.js';
import { StaleReadTracker } from './stale-reads.js';
import { ReadYourWritesTracker } from './read-your-writes.js';
import { MonotonicReadTracker } from './monotonic-reads.js';
import { SiblingCounter, siblingsPerRead } from './siblings.js';
import { linearizableRegisterHistory } from './linearizable.testkit.js';

const options = fc.record({
  seed: fc.integer({ min: 0, max: 1e9 }),
  clients: fc.integer({ min: 1, max: 6 }),
  keys: fc.integer({ min: 1, max: 5 }),
  operations: fc.integer({ min: 0, max: 400 }),
  // Integers scaled, not fc.double: its draws crowd at the extremes (write-only or read-only histories).
  writeRatio: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
  failRatio: fc.integer({ min: 0, max: 30 }).map((x) => x / 100),
});

const generate = (o: { seed: number } & Parameters<typeof linearizableRegisterHistory>[1]): History =>
  linearizableRegisterHistory(deriveStream(o.seed, 0, 0), o);

/** The timestamp order without the "total" flag: forces the general (partial-order) path. */
const timestampAsPartial: VersionOrder = { ...timestampOrder, name: 'timestamp-general', total: false };

describe('checkers on linearizable histories (fast-check)', () => {
  it('find no stale read, no session violation and no lost write', () => {
    let checked = 0;
    fc.assert(
      fc.property(options, (o) => {
        const h = generate(o);
        expect(staleReads(h, timestampOrder).stale.count).toBe(0);
        expect(staleReads(h, timestampAsPartial).stale.count).toBe(0);
        expect(readYourWrites(h, timestampOrder).violations.count).toBe(0);
        expect(readYourWrites(h, timestampOrder, { scope: 'session' }).violations.count).toBe(0);
        expect(monotonicReads(h, timestampOrder).violations.count).toBe(0);
        const lost = lostWrites(h, timestampOrder);
        expect(lost.lost.count).toBe(0);
        expect(lost.lost.of).toBe(h.writes.filter((x) => x.ackMs !== null).length);
        checked +=
          readYourWrites(h, timestampOrder).violations.of + monotonicReads(h, timestampOrder).violations.of;
      }),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(1000); // many reads were eligible for the session checks
  });

  it('count every injected lost write (skewed-clock overwrite or rollback), no more', () => {
    let totalInjected = 0;
    fc.assert(
      fc.property(options, fc.integer({ min: 0, max: 1e9 }), (o, injectSeed) => {
        const h = generate({ ...o, keys: Math.max(o.keys, 2), writeRatio: Math.max(o.writeRatio, 0.2) });
        const rng = deriveStream(injectSeed, 1, 0);
        const writes = h.writes.slice();
        const finalState = new Map(h.finalState);
        const byId = new Map(writes.map((x) => [x.id, x]));
        let injected = 0;
        let nextId = writes.length;
        for (const [key, ids] of h.finalState) {
          const survivor = byId.get(ids[0]) as WriteRecord;
          if (survivor.ackMs === null || rng.nextDouble() < 0.3) continue;
          if (rng.nextDouble() < 0.5) {
            // A write that starts after the survivor was acknowledged, stamped by a slow clock:
            // LWW keeps the survivor, so this acknowledged write is lost (overwritten).
            const start =
              Math.max(
                survivor.ackMs,
                ...writes.filter((x) => x.key === key).map((x) => x.ackMs ?? x.invokeMs),
              ) + 1;
            writes.push({
              id: nextId++,
              client: 0,
              session: 0,
              key,
              invokeMs: start,
              ackMs: start + 1,
              timestamp: (survivor.timestamp as number) - 1,
            });
          } else {
            // Rollback: the survivor is replaced by an earlier write acknowledged before it began.
            const earlier = writes.filter(
              (x) => x.key === key && x.ackMs !== null && x.ackMs < survivor.invokeMs && x.id !== survivor.id,
            );
            if (earlier.length === 0) continue;
            finalState.set(key, [earlier[rng.nextInt(earlier.length)].id]);
            // Lost: every acknowledged write the new final state real-time-precedes and that is absent.
            const kept = byId.get((finalState.get(key) as number[])[0]) as WriteRecord;
            const expected = writes.filter(
              (x) =>
                x.key === key && x.ackMs !== null && x.id !== kept.id && (kept.ackMs as number) < x.invokeMs,
            ).length;
            injected += expected;
            continue;
          }
          injected++;
        }
        const l = lostWrites({ writes, reads: h.reads, finalState }, timestampOrder);
        expect(l.lost.count).toBe(injected);
        expect(l.overwritten.count + l.discarded.count).toBe(injected);
        totalInjected += injected;
      }),
      { numRuns: 200 },
    );
    expect(totalInjected).toBeGreaterThan(100); // the property was exercised
  });

  it('the total-order fast paths and the general paths agree on perturbed histories', () => {
    let totalStale = 0;
    fc.assert(
      fc.property(options, fc.integer({ min: 0, max: 1e9 }), (o, perturbSeed) => {
        // Make reads stale at random: replace the returned write with a random write of the key (or none).
        const ph = perturb(generate(o), perturbSeed);
        const fast = staleReads(ph, timestampOrder);
        const general = staleReads(ph, timestampAsPartial);
        expect(fast.stale).toEqual(general.stale);
        expect(fast.versionsBehind).toEqual(general.versionsBehind);
        expect(fast.ageMs.sum).toBeCloseTo(general.ageMs.sum, 9);
        expect(fast.ageMs.max).toBe(general.ageMs.max);
        // The session checkers too: typed-array columns for timestampOrder, version arrays for the general order.
        expect(readYourWrites(ph, timestampOrder)).toEqual(readYourWrites(ph, timestampAsPartial));
        expect(readYourWrites(ph, timestampOrder, { scope: 'session' })).toEqual(
          readYourWrites(ph, timestampAsPartial, { scope: 'session' }),
        );
        expect(monotonicReads(ph, timestampOrder)).toEqual(monotonicReads(ph, timestampAsPartial));
        totalStale += fast.stale.count;
      }),
      { numRuns: 200 },
    );
    expect(totalStale).toBeGreaterThan(100); // the perturbation made stale reads to compare
  });
});

/** Some reads of a history made stale at random: each returns a random write of its key (or the initial value). */
function perturb(h: History, seed: number): History {
  const rng = deriveStream(seed, 2, 0);
  const byKey = new Map<number, number[]>();
  for (const x of h.writes)
    if (!Number.isNaN(x.timestamp)) (byKey.get(x.key) ?? byKey.set(x.key, []).get(x.key)!).push(x.id);
  const reads = h.reads.map((rd) => {
    const ids = byKey.get(rd.key) ?? [];
    if (rng.nextDouble() < 0.5 || ids.length === 0) return rd;
    const pick = rng.nextInt(ids.length + 1);
    return { ...rd, returned: pick === ids.length ? [] : [ids[pick]] };
  });
  return { ...h, reads };
}

/**
 * Feeds a history to the streaming trackers the way a simulation would: acknowledgements, read
 * starts and read returns in time order, the events of one instant shuffled (a read still starts
 * before it returns).
 */
function feedLive(h: History, order: VersionOrder, seed: number) {
  const rng = deriveStream(seed, 3, 0);
  const byId = new Map(h.writes.map((x) => [x.id, x]));
  type Ev = { t: number; tie: number; ack?: WriteRecord; start?: number; ret?: number };
  const events: Ev[] = [];
  for (const x of h.writes) if (x.ackMs !== null) events.push({ t: x.ackMs, tie: rng.nextDouble(), ack: x });
  h.reads.forEach((rd, i) => {
    events.push({ t: rd.invokeMs, tie: rng.nextDouble(), start: i });
    events.push({ t: rd.returnMs, tie: rng.nextDouble(), ret: i });
  });
  events.sort((a, b) => a.t - b.t || a.tie - b.tie);
  const stale = new StaleReadTracker(order);
  const ryw = new ReadYourWritesTracker(order);
  const mono = new MonotonicReadTracker(order);
  const sib = new SiblingCounter();
  // Each read in flight has its own read slot (its index).
  const started: boolean[] = [];
  const start = (i: number) => {
    const rd: ReadRecord = h.reads[i];
    stale.start(i, rd.key, rd.invokeMs);
    ryw.start(i, rd, rd.invokeMs);
    mono.start(i, rd, rd.invokeMs);
    started[i] = true;
  };
  for (const e of events) {
    if (e.ack !== undefined) {
      stale.commit(e.ack.key, e.ack, e.t);
      ryw.acked(e.ack, e.t);
    } else if (e.start !== undefined) {
      if (started[e.start] !== true) start(e.start);
    } else {
      const i = e.ret as number;
      if (started[i] !== true) start(i);
      const rd = h.reads[i];
      const got = rd.returned.map((id) => byId.get(id) as WriteRecord);
      stale.judge(i, got);
      ryw.judge(i, got);
      mono.judge(i, got);
      mono.returned(rd, e.t, got);
      sib.add(rd.returned);
    }
  }
  return { stale: stale.counts, ryw: ryw.counts, mono: mono.counts, siblings: sib.summary() };
}

describe('streaming trackers', () => {
  it('AsOf answers as of just before an instant, whatever the order within it', () => {
    const v = new AsOf<number>(0);
    v.set(5, 1);
    v.set(5, 2);
    expect([v.before(5), v.before(5.5), v.latest, v.latestMs]).toEqual([0, 2, 2, 5]);
    v.set(7, 3);
    expect([v.before(7), v.before(8)]).toEqual([2, 3]);
    expect(() => v.set(6, 4)).toThrow(/after one at 7/);
    expect(() => v.before(6)).toThrow(/after a change at 7/);
  });

  it('versionColumns: the typed-array layout (timestampOrder) answers as the version-array layout', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const rng = deriveStream(seed, 4, 0);
        const fast = versionColumns(timestampOrder);
        const general = versionColumns(timestampAsPartial);
        const now = [0, 0, 0];
        for (let step = 0; step < 300; step++) {
          const e = rng.nextInt(3);
          const v = { id: rng.nextInt(20), timestamp: rng.nextInt(6) };
          const roll = rng.nextDouble();
          if (roll < 0.3) {
            now[e] += rng.nextInt(2);
            fast.include(e, now[e], v);
            general.include(e, now[e], v);
          } else if (roll < 0.4) {
            now[e] += rng.nextInt(2);
            fast.replace(e, now[e], v);
            general.replace(e, now[e], v);
          } else {
            const slot = rng.nextInt(4);
            const t = now[e] + rng.nextInt(2);
            const entity = rng.nextDouble() < 0.1 ? -1 : e;
            fast.snapshot(entity, t, slot);
            general.snapshot(entity, t, slot);
            const returned = Array.from({ length: rng.nextInt(3) }, () => ({
              id: rng.nextInt(20),
              timestamp: rng.nextInt(6),
            }));
            expect(fast.emptyAt(slot)).toBe(general.emptyAt(slot));
            expect(fast.reflectedBy(slot, returned)).toBe(general.reflectedBy(slot, returned));
            expect(fast.latestMs(e)).toBe(general.latestMs(e));
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('fed live (events of an instant shuffled), they count what the history checkers count', () => {
    let stale = 0;
    let eligible = 0;
    fc.assert(
      fc.property(options, fc.integer({ min: 0, max: 1e9 }), fc.boolean(), (o, seed, partial) => {
        // Integer times make many ties between acknowledgements, starts and returns.
        const raw = generate(o);
        const round = (x: number) => Math.round(x);
        const h = perturb(
          {
            writes: raw.writes.map((x) => ({
              ...x,
              invokeMs: round(x.invokeMs),
              ackMs: x.ackMs === null ? null : Math.max(round(x.invokeMs), round(x.ackMs)),
            })),
            reads: raw.reads.map((rd) => ({
              ...rd,
              invokeMs: round(rd.invokeMs),
              returnMs: Math.max(round(rd.invokeMs), round(rd.returnMs)),
            })),
            finalState: raw.finalState,
          },
          seed,
        );
        const order = partial ? timestampAsPartial : timestampOrder;
        const live = feedLive(h, order, seed);
        expect(live.stale).toEqual(staleReads(h, order).stale);
        expect(live.ryw).toEqual(readYourWrites(h, order).violations);
        expect(live.mono).toEqual(monotonicReads(h, order).violations);
        expect(live.siblings).toEqual(siblingsPerRead(h));
        stale += live.stale.count;
        eligible += live.ryw.of + live.mono.of;
      }),
      { numRuns: 200 },
    );
    expect(stale).toBeGreaterThan(100);
    expect(eligible).toBeGreaterThan(1000);
  });
});
