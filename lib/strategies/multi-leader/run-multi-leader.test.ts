import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lostWrites, timestampOrder } from '../../check/index.js';
import { refusedParameter } from '../../errors.testkit.js';
import { wilsonInterval } from '../../stats/index.js';
import { independentConflictSample, twoDatacenterConflictProbability } from './conflict-probability.js';
import type { MultiLeaderConfig } from './multi-leader-config.js';
import { referenceFinalElements } from './reference-resolution.testkit.js';
import type { ConflictHandler, ResolutionPolicy } from './resolution.js';
import { deriveStream } from '../../random/index.js';
import { VersionVector } from '../versions/index.js';
import { ConflictCounter } from './conflict-counter.js';
import { concurrentWrites, type CausalWrite } from './concurrent-writes.js';
import { runMultiLeader, runMultiLeaderSummary, runMultiLeaderWithHistory } from './run-multi-leader.js';

describe('conflicts: the two-datacenter analytic check', () => {
  // Two datacenters, one key, Poisson writes at rate lambda at each, a fixed one-way delay d:
  // a write conflicts iff the other datacenter writes within (t - d, t + d), so
  // P = 1 - exp(-2 lambda d) (derivation at twoDatacenterConflictProbability). Counted on
  // datacenter 0's writes thinned to disjoint windows (independentConflictSample), so the
  // indicators are independent and the Wilson interval is valid.
  const cells = [
    { ratePerSec: 2, delayMs: 50, durationMs: 1e7 }, // 2 lambda d = 0.2
    { ratePerSec: 10, delayMs: 50, durationMs: 2e6 }, // 1
    { ratePerSec: 20, delayMs: 10, durationMs: 1.5e6 }, // 0.4, another delay
  ];
  for (const cell of cells) {
    it(`rate ${cell.ratePerSec}/s per datacenter, d = ${cell.delayMs} ms: expected within the Wilson 95% interval of the measured fraction`, () => {
      const run = runMultiLeaderWithHistory(
        {
          datacenters: 2,
          keys: 1,
          writeRatePerSec: cell.ratePerSec,
          durationMs: cell.durationMs,
          interDcLatency: `const(${cell.delayMs})`,
          localWriteLatency: 'const(0)',
          resolution: 'merge',
        },
        7,
      );
      const times: number[] = [];
      const flags: number[] = [];
      run.log.node.forEach((node, id) => {
        if (node !== 0) return;
        times.push(run.log.applyMs[id]);
        flags.push(run.conflicting[id]);
      });
      const sample = independentConflictSample(times, flags, cell.delayMs, cell.durationMs);
      const expected = twoDatacenterConflictProbability(cell.ratePerSec / 1000, cell.delayMs);
      const ci = wilsonInterval(sample.count, sample.of);
      expect(sample.of).toBeGreaterThan(8000);
      expect(expected).toBeGreaterThanOrEqual(ci.low);
      expect(expected).toBeLessThanOrEqual(ci.high);
      // The replicas detect conflicts as versions arrive.
      expect(run.result.conflict_detections).toBeGreaterThan(0);
    });
  }
  it("the finite-run form matches all of datacenter 0's writes in a short run, and tends to the steady form", () => {
    const l = 0.002;
    expect(twoDatacenterConflictProbability(l, 50, 1e9)).toBeCloseTo(
      twoDatacenterConflictProbability(l, 50),
      6,
    );
    expect(twoDatacenterConflictProbability(l, 50, 100)).toBeCloseTo(
      1 - (2 * (Math.exp(-l * 50) - Math.exp(-2 * l * 50))) / l / 100,
      12,
    );
    expect(twoDatacenterConflictProbability(l, 50, 1000)).toBeLessThan(
      twoDatacenterConflictProbability(l, 50),
    );
  });
});

describe('resolution policies on the same history', () => {
  const base: Partial<MultiLeaderConfig> = {
    datacenters: 3,
    keys: 5,
    writeRatePerSec: 20,
    durationMs: 4000,
    interDcLatency: 'uniform(20,80)',
    clockSkew: 'uniform(0,100)',
  };
  const policies: ResolutionPolicy[] = ['lww', 'replica-id', 'merge', 'merge-concat', 'siblings'];
  const runs = new Map(policies.map((p) => [p, runMultiLeaderWithHistory({ ...base, resolution: p }, 3)]));

  it('the write history (arrivals, acceptances, dots, contexts) is the same under every policy', () => {
    const lww = runs.get('lww')!;
    for (const run of runs.values()) {
      expect(run.log.invokeMs).toEqual(lww.log.invokeMs);
      expect(run.log.node).toEqual(lww.log.node);
      expect(
        run.log.versions.map((v) => `${v!.dot.actor}:${v!.dot.counter} ${v!.context.toString()}`),
      ).toEqual(lww.log.versions.map((v) => `${v!.dot.actor}:${v!.dot.counter} ${v!.context.toString()}`));
      expect(run.result.conflicts).toBe(lww.result.conflicts);
    }
    expect(lww.result.conflicts).toBeGreaterThan(50);
  });

  it('LWW and replica-id lose exactly the writes the history says their resolutions drop; merge loses none', () => {
    for (const policy of ['lww', 'replica-id', 'merge'] as const) {
      const run = runs.get(policy)!;
      const reference = referenceFinalElements(run, policy);
      const lostRef = new Set<number>();
      for (const w of run.history.writes) {
        if (w.ackMs !== null && !(reference.get(w.key) ?? []).includes(w.id)) lostRef.add(w.id);
      }
      expect(new Map([...run.finalValues].map(([k, v]) => [k, v.elements]))).toEqual(reference);
      expect(run.result.acked_writes_lost).toBe(lostRef.size);
      // Every write lost is a losing side: concurrent with another write of its key.
      for (const id of lostRef) expect(run.conflicting[id], `write ${id}`).toBe(1);
      if (policy === 'merge') expect(lostRef.size).toBe(0);
      else expect(lostRef.size).toBeGreaterThan(0);
    }
  });

  it('without a history (lineages dropped as every replica agrees on them), the lost and surviving writes are those of the reference', () => {
    for (const policy of ['lww', 'replica-id', 'merge'] as const) {
      const run = runs.get(policy)!;
      const reference = referenceFinalElements(run, policy);
      const final = new Set([...reference.values()].flat());
      let lost = 0;
      let unackedSurviving = 0;
      const lostByDc = [0, 0, 0];
      for (const w of run.history.writes) {
        if (w.ackMs !== null && !final.has(w.id)) {
          lost++;
          lostByDc[run.log.node[w.id]]++;
        }
        if (w.ackMs === null && final.has(w.id)) unackedSurviving++;
      }
      const summary = runMultiLeaderSummary({ ...base, resolution: policy }, 3).result;
      expect(summary.acked_writes_lost, policy).toBe(lost);
      expect(summary.acked_writes_lost_by_datacenter, policy).toEqual(lostByDc);
      expect(summary.unacked_writes_surviving, policy).toBe(unackedSurviving);
      expect(summary.converged, policy).toBe(true);
    }
  });

  it('siblings and merge lose no acknowledged write; the checker agrees with the model', () => {
    for (const policy of ['merge', 'merge-concat', 'siblings'] as const) {
      const run = runs.get(policy)!;
      expect(run.result.acked_writes_lost, policy).toBe(0);
      const all = new Set(run.history.writes.map((w) => w.id));
      const finals = new Set([...run.finalValues.values()].flatMap((v) => v.elements));
      expect(finals).toEqual(all);
    }
    expect(runs.get('siblings')!.result.max_siblings).toBeGreaterThan(1);
  });

  it('LWW with skewed clocks: the datacenter whose clock is furthest ahead loses (almost) nothing', () => {
    const run = runs.get('lww')!;
    const offsets = [0, 1, 2].map(
      (dc) =>
        run.log.versions.find((v) => v!.dot.actor === dc)!.value.timestamp -
        run.log.applyMs[run.log.versions.find((v) => v!.dot.actor === dc)!.value.writeId],
    );
    const ahead = offsets.indexOf(Math.max(...offsets));
    const lostBy = run.result.acked_writes_lost_by_datacenter;
    expect(lostBy.reduce((a, b) => a + b, 0)).toBe(run.result.acked_writes_lost);
    expect(lostBy[ahead]).toBeLessThan(Math.min(...lostBy.filter((_, dc) => dc !== ahead)));
  });

  it('the checker (lostWrites on the element view) and the final values agree', () => {
    const run = runs.get('lww')!;
    const finals = new Set([...run.finalValues.values()].flatMap((v) => v.elements));
    const view = {
      writes: run.history.writes.map((w) => ({ ...w, key: w.id })),
      reads: [],
      finalState: new Map([...finals].map((e) => [e, [e]])),
    };
    const lost = lostWrites(view, timestampOrder);
    expect(lost.lost.count).toBe(
      run.history.writes.filter((w) => w.ackMs !== null && !finals.has(w.id)).length,
    );
  });
});

describe('convergence (property): every policy converges after writes stop', () => {
  const keepLargest: ConflictHandler = (versions) => {
    // Keep the version with the most elements (ties: the first in the stable order).
    let best = versions[0];
    for (const v of versions) if (v.elements.length > best.elements.length) best = v;
    return best.elements;
  };
  const configs = fc.record({
    seed: fc.integer({ min: 0, max: 1e6 }),
    datacenters: fc.integer({ min: 1, max: 4 }),
    topology: fc.constantFrom('all', 'ring', 'star'),
    fifoLinks: fc.boolean(),
    keys: fc.integer({ min: 1, max: 6 }),
    zipf: fc.constantFrom(0, 1.1),
    writeRatePerSec: fc.integer({ min: 5, max: 60 }),
    durationMs: fc.integer({ min: 200, max: 1500 }),
    latency: fc.constantFrom('const(30)', 'uniform(5,100)', 'exp(0.05)'),
    skew: fc.constantFrom(null, 'uniform(0,40)'),
    resolution: fc.constantFrom<ResolutionPolicy>(
      'lww',
      'replica-id',
      'merge',
      'merge-concat',
      'siblings',
      'custom',
    ),
    homeRouting: fc.boolean(),
    outage: fc.boolean(),
    devices: fc.integer({ min: 0, max: 3 }),
    localFollowers: fc.integer({ min: 0, max: 2 }),
    localLatency: fc.constantFrom('const(0)', 'exp(0.5)', 'uniform(0,60)'),
  });
  it('replicas (local followers included) end equal, convergence is measured, merge and siblings lose nothing', () => {
    fc.assert(
      fc.property(configs, (c) => {
        const config: Partial<MultiLeaderConfig> = {
          datacenters: c.datacenters,
          topology: c.topology,
          fifoLinks: c.fifoLinks,
          keys: c.keys,
          zipf: c.zipf,
          writeRatePerSec: c.writeRatePerSec,
          durationMs: c.durationMs,
          interDcLatency: c.latency,
          clockSkew: c.skew,
          resolution: c.resolution,
          homeRouting: c.homeRouting,
          ...(c.resolution === 'custom' ? { onConflict: keepLargest } : {}),
          ...(c.outage && c.datacenters > 1
            ? { dcFailure: { dc: 1, atMs: c.durationMs / 3, durationMs: c.durationMs / 2 } }
            : {}),
          ...(c.devices > 0
            ? {
                devices: {
                  count: c.devices,
                  writeRatePerSec: 5,
                  online: 'exp(0.01)',
                  offline: 'exp(0.005)',
                  syncLatency: 'const(10)',
                },
              }
            : {}),
          localFollowers: c.localFollowers,
          localReplicationLatency: c.localLatency,
          localReadRatePerSec: 20,
        };
        const run = runMultiLeaderWithHistory(config, c.seed);
        const r = run.result;
        expect(r.converged).toBe(true);
        expect(r.convergence_ms).not.toBeNull();
        expect(r.divergence.at(-1)?.divergent_keys ?? 0).toBe(0);
        expect(r.acked_writes_lost).toBeLessThanOrEqual(r.acked_writes);
        if (['merge', 'merge-concat', 'siblings'].includes(c.resolution)) expect(r.acked_writes_lost).toBe(0);
        if (c.resolution === 'lww' || c.resolution === 'replica-id' || c.resolution === 'merge') {
          expect(new Map([...run.finalValues].map(([k, v]) => [k, v.elements]))).toEqual(
            referenceFinalElements(run, c.resolution),
          );
        }
        // Loop prevention: every version reaches every other replica exactly once.
        expect(r.replication_messages).toBe(r.writes * (run.config.nodes - 1));
        // Followers (checked version by version in `converged`): at most every write at every
        // follower (a leader skips versions it already saw through a later one); with no lag no read
        // is stale; without followers the leaders serve every read.
        expect(r.follower_lag_ms.samples).toBeLessThanOrEqual(c.localFollowers * c.datacenters * r.writes);
        if (c.localFollowers === 0) expect(r.follower_reads).toBe(0);
        else if (r.writes > 0) expect(r.follower_lag_ms.samples).toBeGreaterThan(0);
        if (c.localLatency === 'const(0)') expect(r.follower_stale_reads).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});

describe('ordering hazards: an update overtaking what it depends on', () => {
  const base: Partial<MultiLeaderConfig> = {
    datacenters: 3,
    keys: 3,
    writeRatePerSec: 50,
    durationMs: 5000,
    resolution: 'merge',
  };
  it('all-to-all with equal constant links and FIFO streams: none', () => {
    expect(
      runMultiLeader({ ...base, topology: 'all', interDcLatency: 'const(50)' }, 1).out_of_order_applies,
    ).toBe(0);
  });
  it('all-to-all with one slow link: updates overtake inserts on it', () => {
    const slow = [
      ['const(0)', 'const(10)', 'const(200)'],
      ['const(10)', 'const(0)', 'const(10)'],
      ['const(10)', 'const(10)', 'const(0)'],
    ];
    const r = runMultiLeader({ ...base, topology: 'all', interDcLatency: slow }, 1);
    expect(r.out_of_order_applies).toBeGreaterThan(0);
  });
  it('ring and star with FIFO streams: none (every path passes the dependency first); without FIFO: some', () => {
    for (const topology of ['ring', 'star'] as const) {
      const fifo = runMultiLeader({ ...base, topology, interDcLatency: 'uniform(10,90)' }, 1);
      expect(fifo.out_of_order_applies, topology).toBe(0);
      const jitter = runMultiLeader(
        { ...base, topology, interDcLatency: 'uniform(10,90)', fifoLinks: false },
        1,
      );
      expect(jitter.out_of_order_applies, topology).toBeGreaterThan(0);
    }
  });
});

describe('determinism and validation', () => {
  it('a result is a pure function of (config, seed)', () => {
    const config: Partial<MultiLeaderConfig> = { clockSkew: 'uniform(0,30)', durationMs: 2000, keys: 10 };
    expect(runMultiLeader(config, 5)).toEqual(runMultiLeader(config, 5));
    expect(runMultiLeader(config, 5)).not.toEqual(runMultiLeader(config, 6));
  });
  it('refuses bad fields, naming them', () => {
    const bad: [Partial<MultiLeaderConfig>, string][] = [
      [{ datacenters: 0 }, 'datacenters'],
      [{ topology: 'mesh' as never }, 'topology'],
      [{ resolution: 'custom' }, 'onConflict'],
      [{ interDcLatency: 'exp(' }, 'interDcLatency'],
      [{ interDcLatency: [['const(1)']] }, 'interDcLatency'],
      [{ keys: 0 }, 'keys'],
      [{ zipf: -1 }, 'zipf'],
      [{ writeRatePerSec: 0 }, 'writeRatePerSec'],
      [{ durationMs: 0 }, 'durationMs'],
      [{ dcFailure: { dc: 5, atMs: 0, durationMs: 10 } }, 'dcFailure.dc'],
      [
        {
          devices: {
            count: 1,
            writeRatePerSec: 1,
            online: 'nope',
            offline: 'exp(1)',
            syncLatency: 'const(1)',
          },
        },
        'devices.online',
      ],
      [{ bogus: 1 } as never, 'bogus'],
    ];
    for (const [config, field] of bad)
      expect(
        refusedParameter(() => runMultiLeader(config, 1)),
        field,
      ).toBe(field);
  });
});

describe('the streaming metrics against the recorded history', () => {
  const firstElementsOnly: ConflictHandler = (versions) =>
    versions[0].elements.slice(0, Math.max(1, versions[0].elements.length - 1));
  const configs: Partial<MultiLeaderConfig>[] = [
    { resolution: 'custom', onConflict: firstElementsOnly, keys: 10, durationMs: 3000 },
    { resolution: 'siblings', topology: 'ring', fifoLinks: false, interDcLatency: 'uniform(10,90)', keys: 8 },
    {
      devices: {
        count: 5,
        writeRatePerSec: 3,
        online: 'exp(0.002)',
        offline: 'exp(0.001)',
        syncLatency: 'const(30)',
      },
      keys: 10,
      durationMs: 4000,
    },
    { dcFailure: { dc: 0, atMs: 1000, durationMs: Infinity }, localFollowers: 1, localReadRatePerSec: 50 },
  ];
  it('recording changes nothing; conflicts and lost writes are those the history checkers find', () => {
    for (const config of configs) {
      const recorded = runMultiLeaderWithHistory(config, 2);
      const streamed = runMultiLeaderSummary(config, 2);
      expect(streamed.result).toEqual(recorded.result);
      expect(streamed.histograms).toEqual(recorded.histograms);
      expect(streamed.siblingReads).toBe(recorded.history.reads.length);
      // Conflicts: ConflictCounter (online) against concurrentWrites (every pair, at the end).
      expect(recorded.conflicting.reduce((a, b) => a + b, 0)).toBe(recorded.result.conflicts);
      // Lost writes: lib/check's lostWrites on the element view of the history.
      const finals = new Set([...recorded.finalValues.values()].flatMap((v) => v.elements));
      const lost = lostWrites(
        {
          writes: recorded.history.writes.map((w) => ({ ...w, key: w.id })),
          reads: [],
          finalState: new Map([...finals].map((e) => [e, [e]])),
        },
        timestampOrder,
      );
      expect(recorded.result.acked_writes_lost).toBe(lost.lost.count);
      expect(recorded.result.acked_writes).toBe(lost.lost.of);
      expect(recorded.result.unacked_writes_surviving).toBe(lost.unacknowledgedSurviving.count);
      expect(recorded.result.local_reads).toBe(recorded.reads.atMs.length);
    }
  });

  it('ConflictCounter counts what concurrentWrites flags on random causal histories (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 2, max: 5 }), (seed, actors) => {
        const rng = deriveStream(seed, 0, 0);
        const keys = 1 + rng.nextInt(3);
        // What each actor has seen of each key, and the versions in flight to it.
        const seen = Array.from({ length: actors }, () =>
          Array.from({ length: keys }, () => VersionVector.empty),
        );
        const inbox: { to: number; key: number; vv: VersionVector }[] = [];
        const writes: CausalWrite[] = [];
        const counter = new ConflictCounter(
          (key, actor, of) => seen[actor][key].get(of),
          Array.from({ length: actors }, (_, a) => a),
        );
        for (let step = 0; step < 1500; step++) {
          if (inbox.length > 0 && rng.nextDouble() < 0.5) {
            const m = inbox.splice(rng.nextInt(inbox.length), 1)[0];
            seen[m.to][m.key] = seen[m.to][m.key].merge(m.vv);
            continue;
          }
          const actor = rng.nextInt(actors);
          const key = rng.nextInt(keys);
          const context = seen[actor][key];
          const c = context.get(actor) + 1;
          writes.push({ key, actor, counter: c, context });
          counter.accepted(key, actor, c, context);
          seen[actor][key] = context.raise(actor, c);
          for (let to = 0; to < actors; to++) if (to !== actor) inbox.push({ to, key, vv: seen[actor][key] });
        }
        expect(counter.conflicts).toBe(concurrentWrites(writes).reduce((a, b) => a + b, 0));
      }),
      { numRuns: 60 },
    );
  });
});
