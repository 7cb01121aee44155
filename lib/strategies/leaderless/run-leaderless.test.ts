import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lostWrites, type WriteRecord } from '../../check/index.js';
import { ParameterError } from '../../errors.js';
import { validateLeaderlessConfig, type LeaderlessConfig } from './cluster-config.js';
import { LogHistogram, type LogHistogramData } from '../../stats/index.js';
import { replayLwwFinal, replayLwwLost, replayStaleReads } from './leaderless-oracle.testkit.js';
import { runLeaderless, runLeaderlessTimed, runLeaderlessWithHistory } from './run-leaderless.js';

/** LWW order of two writes: the sign of (a.ts, a.id) - (b.ts, b.id). */
const lwwOrder = (a: WriteRecord, b: WriteRecord): number =>
  (a.timestamp as number) - (b.timestamp as number) || a.id - b.id;

/** Small runs keep the property tests fast; failures print the config and seed that replay them. */
const small = (extra: Partial<LeaderlessConfig>): Partial<LeaderlessConfig> => ({
  keys: 20,
  clients: 4,
  ops: 400,
  arrivals: { kind: 'open', ratePerMs: 0.2 },
  ...extra,
});

describe('validateLeaderlessConfig', () => {
  it('fills the defaults', () => {
    const c = validateLeaderlessConfig();
    expect([c.nodes, c.n, c.r, c.w, c.vnodes, c.keys, c.zipf, c.writeRatio, c.clients, c.ops]).toEqual([
      5, 3, 2, 2, 64, 1000, 0, 0.5, 10, 10000,
    ]);
    expect(c.latency).toBe('lnkd-ssd');
    expect(c.conflict).toBe('lww');
  });
  it.each([
    [{ w: 4 }, 'w'],
    [{ r: 4 }, 'r'],
    [{ nodes: 0 }, 'nodes'],
    [{ n: 6 }, 'n'],
    [{ arrivals: { kind: 'open', ratePerMs: -1 } }, 'arrivals.ratePerMs'],
    [{ zipf: -0.5 }, 'zipf'],
    [{ zipf: Number.NaN }, 'zipf'],
    [{ loss: 2 }, 'loss'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ conflict: 'crdt' }, 'conflict'],
    [{ clockSkew: 'bogus(1)' }, 'clockSkew'],
    [{ crash: { ttf: 'exp(0.1)', ttr: 'nope' } }, 'crash.ttr'],
    [{ wq: 2 }, 'wq'],
    [{ sloppy: 'yes' }, 'sloppy'],
    [{ hintedHandoffIntervalMs: 0 }, 'hintedHandoffIntervalMs'],
    [{ hintedHandoffIntervalMs: Infinity }, 'hintedHandoffIntervalMs'],
    [{ partitions: {} }, 'partitions'],
    [{ partitions: [{ startMs: -1, endMs: 5, groups: [[0], [1]] }] }, 'partitions[0].startMs'],
    [{ partitions: [{ startMs: 10, endMs: 5, groups: [[0], [1]] }] }, 'partitions[0].endMs'],
    [{ partitions: [{ startMs: 0, endMs: 5, groups: [[0, 1]] }] }, 'partitions[0].groups'],
    [
      {
        partitions: [
          {
            startMs: 0,
            endMs: 5,
            groups: [
              [0, 1],
              [1, 2],
            ],
          },
        ],
      },
      'partitions[0].groups',
    ],
    [{ partitions: [{ startMs: 0, endMs: 5, groups: [[0], [5]] }] }, 'partitions[0].groups'],
    [{ partitions: [{ startMs: 0, endMs: 5, groups: [[0], []] }] }, 'partitions[0].groups'],
  ] as [Partial<LeaderlessConfig>, string][])('refuses %j naming %s', (config, field) => {
    let error: unknown;
    try {
      validateLeaderlessConfig(config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).parameter).toBe(field);
  });
});

describe('runLeaderless', () => {
  it('the default run completes every operation with sensible metrics', () => {
    const r = runLeaderless({ ops: 2000 }, 1);
    expect(r.ops).toBe(2000);
    expect(r.reads + r.writes).toBe(2000);
    expect(r.availability).toBe(1);
    expect(r.acked_writes).toBe(r.writes);
    expect(r.stale_read_fraction).toBe(0);
    expect(r.max_siblings).toBeLessThanOrEqual(1);
    expect(r.latency_ms.read.p50).toBeGreaterThan(0);
    expect(r.latency_ms.write.p99).toBeGreaterThanOrEqual(r.latency_ms.write.p50 as number);
    expect(r.messages_per_op).toBeGreaterThan(2);
    expect(r.messages_per_op).toBeLessThanOrEqual(6);
    expect(r.hints_stored).toBe(0);
    expect([
      r.hints_handed_off,
      r.hints_lost,
      r.hints_held,
      r.non_overlapping_reads,
      r.acked_writes_under_replicated,
    ]).toEqual([0, 0, 0, 0, 0]);
    expect(r.convergence_ms).toBeNull();
  });

  it('strict quorums without faults and with perfect clocks: no stale read, no session violation, no lost write (property)', () => {
    const config = fc.integer({ min: 3, max: 6 }).chain((nodes) =>
      fc.integer({ min: 1, max: nodes }).chain((n) =>
        fc.record({
          nodes: fc.constant(nodes),
          n: fc.constant(n),
          w: fc.integer({ min: 1, max: n }),
          rShift: fc.nat(n),
          coordinator: fc.constantFrom('random-node' as const, 'first-replica' as const, 'client' as const),
          zipf: fc.constantFrom(0, 0.99),
          writeRatio: fc.constantFrom(0.2, 0.5, 0.8),
          seed: fc.nat(1000),
        }),
      ),
    );
    fc.assert(
      fc.property(config, ({ nodes, n, w, rShift, coordinator, zipf, writeRatio, seed }) => {
        const r = Math.min(n, n - w + 1 + (rShift % w));
        const cfg = small({ nodes, n, w, r, coordinator, zipf, writeRatio, timeoutMs: 1e6 });
        const res = runLeaderless(cfg, seed);
        expect(res.availability).toBe(1);
        expect(res.stale_read_fraction).toBe(0);
        expect(res.ryw_violations).toBe(0);
        expect(res.monotonic_read_violations).toBe(0);
        expect(res.acked_writes_lost).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('partial quorums with skewed clocks: stale reads and lost acknowledged writes, as a brute-force replay counts them', () => {
    const { result, history } = runLeaderlessWithHistory(
      { r: 1, w: 1, clockSkew: 'uniform(0,50)', keys: 5, ops: 5000 },
      1,
    );
    // No loss, no crash: every write reaches every replica, so each key ends with its largest (ts, id).
    const final = replayLwwFinal(history);
    expect(new Map([...history.finalState].map(([key, ids]) => [key, ids]))).toEqual(
      new Map([...final].map(([key, w]) => [key, [w.id]])),
    );
    const stale = replayStaleReads(history, 'lww');
    const lost = replayLwwLost(history, final);
    expect(stale).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
    expect(result.acked_writes_lost).toBe(lost);
    expect(result.intervals.stale_read_fraction).toMatchObject({ count: stale, of: history.reads.length });
  });

  it("LWW: the model's lost-write count equals the checker's (property over skew, quorums and loss)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 10, 100),
        fc.constantFrom(0, 0.05),
        fc.nat(1000),
        (r, w, skew, loss, seed) => {
          const { result, history } = runLeaderlessWithHistory(
            small({ r, w, loss, clockSkew: skew === 0 ? null : `uniform(0,${skew})`, timeoutMs: 20 }),
            seed,
          );
          // The final register: without loss, each key's largest (ts, id); with loss, the run's,
          // which must lie between the largest acknowledged write (on W replicas) and the largest written.
          const largest = replayLwwFinal(history);
          const acked = replayLwwFinal({
            ...history,
            writes: history.writes.filter((x) => x.ackMs !== null),
          });
          const byId = new Map(history.writes.map((x) => [x.id, x]));
          const final = new Map<number, WriteRecord>();
          for (const [key, ids] of history.finalState) {
            expect(ids.length).toBeLessThanOrEqual(1);
            if (ids.length === 1) final.set(key, byId.get(ids[0]) as WriteRecord);
          }
          for (const [key, top] of largest) {
            const f = final.get(key);
            const a = acked.get(key);
            if (loss === 0) expect(f).toBe(top);
            if (a !== undefined) {
              expect(f).toBeDefined();
              expect(lwwOrder(f as WriteRecord, a)).toBeGreaterThanOrEqual(0);
            }
            if (f !== undefined) expect(lwwOrder(top, f)).toBeGreaterThanOrEqual(0);
          }
          expect(result.acked_writes_lost).toBe(replayLwwLost(history, final));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('siblings with a union merge lose no acknowledged write (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(null, 'uniform(0,100)'),
        fc.constantFrom(0, 0.1),
        fc.constantFrom('random-node' as const, 'client' as const),
        fc.nat(1000),
        (r, w, clockSkew, loss, coordinator, seed) => {
          const { result, history, order } = runLeaderlessWithHistory(
            small({ conflict: 'siblings', r, w, clockSkew, loss, coordinator, keys: 5, timeoutMs: 20 }),
            seed,
          );
          expect(result.acked_writes).toBeGreaterThan(0);
          expect(result.acked_writes_lost).toBe(0);
          expect(lostWrites(history, order).lost.count).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('siblings appear under concurrent writes, and LWW on the same workload loses writes', () => {
    const base = { r: 1, w: 1, keys: 5, ops: 3000, clockSkew: 'uniform(0,50)' } as const;
    const sib = runLeaderless({ ...base, conflict: 'siblings' }, 5);
    const lww = runLeaderless({ ...base, conflict: 'lww' }, 5);
    expect(sib.max_siblings).toBeGreaterThan(1);
    expect(sib.acked_writes_lost).toBe(0);
    expect(lww.acked_writes_lost).toBeGreaterThan(0);
  });

  it('crash and recovery with W = N: failed writes and availability below 1', () => {
    const res = runLeaderless({ w: 3, r: 1, ops: 5000, crash: { ttf: 'exp(0.0005)', ttr: 'exp(0.002)' } }, 2);
    expect(res.failed_writes).toBeGreaterThan(0);
    expect(res.availability).toBeLessThan(1);
    expect(res.intervals.availability.high).toBeLessThan(1);
    expect(res.failed_writes_landed).toBeGreaterThan(0);
  });

  it('faults (loss, crashes) with partial quorums produce counted stale reads', () => {
    const { result, history } = runLeaderlessWithHistory(
      { r: 1, w: 1, loss: 0.05, keys: 50, ops: 5000, crash: { ttf: 'exp(0.001)', ttr: 'exp(0.005)' } },
      4,
    );
    const stale = replayStaleReads(history, 'lww');
    expect(stale).toBeGreaterThan(0);
    expect(result.intervals.stale_read_fraction).toMatchObject({ count: stale, of: history.reads.length });
  });

  it('closed-loop clients run too', () => {
    const res = runLeaderless({ ops: 1000, arrivals: { kind: 'closed', think: 'exp(0.1)' } }, 1);
    expect(res.ops).toBe(1000);
    expect(res.availability).toBe(1);
  });

  it('is deterministic: same seed, same JSON; another seed differs', () => {
    const cfg: Partial<LeaderlessConfig> = {
      ops: 2000,
      r: 1,
      w: 1,
      loss: 0.02,
      clockSkew: 'uniform(0,20)',
      crash: { ttf: 'exp(0.001)', ttr: 'exp(0.01)' },
    };
    expect(JSON.stringify(runLeaderless(cfg, 9))).toBe(JSON.stringify(runLeaderless(cfg, 9)));
    expect(JSON.stringify(runLeaderless({ ...cfg, conflict: 'siblings' }, 9))).toBe(
      JSON.stringify(runLeaderless({ ...cfg, conflict: 'siblings' }, 9)),
    );
    expect(JSON.stringify(runLeaderless(cfg, 10))).not.toBe(JSON.stringify(runLeaderless(cfg, 9)));
  });
});

describe('runLeaderless (streaming metrics) against runLeaderlessWithHistory (history checkers)', () => {
  it('the same result on the same run, over random configs (property)', () => {
    let stale = 0;
    let ryw = 0;
    let mono = 0;
    let lost = 0;
    let nonOverlap = 0;
    let siblings = 0;
    fc.assert(
      fc.property(
        fc.record({
          nodes: fc.integer({ min: 3, max: 6 }),
          n: fc.integer({ min: 1, max: 3 }),
          rw: fc.integer({ min: 0, max: 8 }),
          conflict: fc.constantFrom('lww' as const, 'siblings' as const),
          skew: fc.constantFrom(null, 'uniform(0,20)', 'uniform(0,200)'),
          drift: fc.constantFrom(0, 0.001),
          loss: fc.constantFrom(0, 0.05),
          crash: fc.boolean(),
          storeLoss: fc.constantFrom(0, 0.5),
          partition: fc.constantFrom('none' as const, 'scheduled' as const, 'random' as const),
          slow: fc.boolean(),
          sloppy: fc.boolean(),
          readRepair: fc.constantFrom('off' as const, 'background' as const, 'blocking' as const),
          antiEntropy: fc.constantFrom(null, 50),
          coordinator: fc.constantFrom('random-node' as const, 'first-replica' as const, 'client' as const),
          closed: fc.boolean(),
          sessions: fc.constantFrom(Infinity, 5),
          zipf: fc.constantFrom(0, 1.1),
          timeoutMs: fc.constantFrom(5, 20, 1000),
        }),
        fc.nat(1000),
        (p, seed) => {
          const n = Math.min(p.n, p.nodes);
          const config = small({
            nodes: p.nodes,
            n,
            r: 1 + (p.rw % n),
            w: 1 + (Math.floor(p.rw / 3) % n),
            conflict: p.conflict,
            clockSkew: p.skew,
            clockDrift: p.drift,
            loss: p.loss,
            crash: p.crash ? { ttf: 'exp(0.01)', ttr: 'exp(0.05)' } : null,
            storeLoss: p.crash && p.conflict === 'lww' ? p.storeLoss : 0,
            partitions:
              p.partition === 'scheduled'
                ? [
                    {
                      startMs: 20,
                      endMs: 200,
                      groups: [[0], Array.from({ length: p.nodes - 1 }, (_, i) => i + 1)],
                    },
                  ]
                : [],
            randomPartitions: p.partition === 'random' ? { every: 'exp(0.02)', duration: 'exp(0.05)' } : null,
            slowNodes: p.slow ? { nodes: [1], delay: 'exp(0.2)' } : null,
            sloppy: p.sloppy,
            readRepair: p.readRepair,
            antiEntropyIntervalMs: p.antiEntropy,
            coordinator: p.coordinator,
            arrivals: p.closed ? { kind: 'closed', think: 'exp(0.5)' } : { kind: 'open', ratePerMs: 0.5 },
            sessionLength: p.sessions,
            zipf: p.zipf,
            timeoutMs: p.timeoutMs,
            keys: 8,
          });
          const summary = runLeaderless(config, seed);
          expect(summary).toEqual(runLeaderlessWithHistory(config, seed).result);
          stale += summary.intervals.stale_read_fraction.count;
          ryw += summary.ryw_violations;
          mono += summary.monotonic_read_violations;
          lost += summary.acked_writes_lost;
          nonOverlap += summary.non_overlapping_stale_reads;
          siblings += summary.intervals.reads_with_siblings.count;
        },
      ),
      { numRuns: 200 },
    );
    // The configs exercised every metric.
    for (const count of [stale, ryw, mono, lost, nonOverlap, siblings]) expect(count).toBeGreaterThan(0);
  }, 120_000); // 400 small runs: seconds, more on a busy machine

  it('the streaming path hands out the latency samples the history records: every returned read, every acknowledged write', () => {
    const configs: Partial<LeaderlessConfig>[] = [
      small({ r: 1, w: 1, clockSkew: 'uniform(0,50)' }),
      small({
        conflict: 'siblings',
        timeoutMs: 5,
        crash: { ttf: 'exp(0.01)', ttr: 'exp(0.05)' },
        sloppy: true,
        readRepair: 'background',
      }),
      small({ probeReadAfterMs: 2, arrivals: { kind: 'closed', think: 'exp(0.5)' } }),
    ];
    for (const config of configs) {
      const { result, latencyHistograms } = runLeaderlessTimed(config, 4);
      const { history } = runLeaderlessWithHistory(config, 4);
      const reads = new LogHistogram();
      const writes = new LogHistogram();
      for (const r of history.reads) reads.record(r.returnMs - r.invokeMs);
      for (const w of history.writes) if (w.ackMs !== null) writes.record(w.ackMs - w.invokeMs);
      // The same samples (the sums may differ in the last bits: the history lists writes by id, not by acknowledgement).
      const samples = ({ counts, zeroCount, overflowCount, total, min, max }: LogHistogramData) => ({
        counts,
        zeroCount,
        overflowCount,
        total,
        min,
        max,
      });
      expect(samples(latencyHistograms.read), JSON.stringify(config)).toEqual(samples(reads));
      expect(samples(latencyHistograms.write), JSON.stringify(config)).toEqual(samples(writes));
      expect(writes.total).toBe(result.acked_writes);
      expect(result.latency_ms.read.p99).toBe(reads.quantile(0.99));
    }
  });
});
