// The catalog against the reference file: every system present, every parameter sourced, the
// documented numbers carried over unchanged, overrides validated, runs deterministic.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../errors.testkit.js';
import { SYSTEM_SCENARIOS, systemScenario } from './catalog.js';
import { cassandraConvictionMs, consistencyLevelSize } from './leaderless-systems.js';
import { prepareSystemScenario, reportMetric, runSystemScenario } from './run-scenario.js';
import type { ProportionMetric } from './scenario-metric.js';
import { SYSTEM_REFERENCE_NAMES, systemReference } from './system-reference.js';

describe('the catalog and the reference file', () => {
  // system-defaults.json is the project's reference data, copied in byte for byte and never edited
  // here (a correction belongs in the reference itself): its SHA-256 pins it.
  it('ships the reference file verbatim', () => {
    const shipped = readFileSync(new URL('./system-defaults.json', import.meta.url));
    expect(createHash('sha256').update(shipped).digest('hex')).toBe(
      '18afb25c01c2f6423e6b9b66bc0d921e9ec978154596dbe24d4a06403c105a47',
    );
  });

  it('has a scenario for every system of the reference file, named after it, and the two incidents', () => {
    const names = SYSTEM_SCENARIOS.map((s) => s.name);
    for (const system of SYSTEM_REFERENCE_NAMES) expect(names).toContain(system);
    expect(names).toEqual(expect.arrayContaining(['github-2012', 'github-2018']));
    expect(new Set(names).size).toBe(names.length);
  });

  it("every parameter has a source; documented ones carry their entry's source string; every scenario its entry's source", () => {
    for (const s of SYSTEM_SCENARIOS) {
      expect(s.source).toBe(systemReference(s.system).source);
      for (const p of s.parameters) {
        expect(p.source.text.length, `${s.name}.${p.key}`).toBeGreaterThan(10);
        if (p.source.kind === 'reference') {
          const [system] = (p.source.setting as string).split('.');
          expect(p.source.text).toBe(systemReference(system).source);
        }
      }
    }
  });

  it("documented numbers are the reference's", () => {
    const value = (name: string, key: string) =>
      systemScenario(name).parameters.find((p) => p.key === key)?.value;
    expect(value('patroni', 'ttl_s')).toBe(30);
    expect(value('patroni', 'loop_wait_s')).toBe(10);
    expect(value('patroni', 'retry_timeout_s')).toBe(10);
    expect(value('mongodb', 'heartbeat_interval_ms')).toBe(2000);
    expect(value('mongodb', 'election_timeout_ms')).toBe(10000);
    expect(value('etcd-raft', 'heartbeat_interval_ms')).toBe(100);
    expect(value('etcd-raft', 'election_timeout_ms')).toBe(1000);
    expect([
      value('raft-paper', 'election_timeout_min_ms'),
      value('raft-paper', 'election_timeout_max_ms'),
    ]).toEqual([150, 300]);
    for (const name of ['dynamo', 'riak'])
      expect([value(name, 'n'), value(name, 'r'), value(name, 'w')]).toEqual([3, 2, 2]);
    expect(value('cassandra', 'phi_convict_threshold')).toBe(8);
    expect(value('github-2018', 'cut_s')).toBe(43);
    expect(value('mysql', 'instance_poll_s')).toBe(5);
  });

  it('Cassandra: QUORUM = floor(N/2) + 1; conviction at threshold x ln 10 x the mean interval, where phi = t / (mean ln 10) reaches it', () => {
    expect([1, 2, 3, 4, 5].map((n) => consistencyLevelSize('QUORUM', n))).toEqual([1, 2, 2, 3, 3]);
    const t = cassandraConvictionMs(8, 1000);
    expect(t / (1000 * Math.LN10)).toBeCloseTo(8, 12);
  });
});

describe('--set overrides', () => {
  it('refuse an unknown key, a bad value and a broken rule, naming --set KEY; accept good ones', () => {
    expect(refusedParameter(() => prepareSystemScenario('riak', { set: ['quorum=2'] }))).toBe('--set quorum');
    expect(refusedParameter(() => prepareSystemScenario('riak', { set: ['r=two'] }))).toBe('--set r');
    expect(refusedParameter(() => prepareSystemScenario('riak', { set: ['r=4'] }))).toBe('--set r');
    expect(refusedParameter(() => prepareSystemScenario('riak', { set: ['conflict=crdt'] }))).toBe(
      '--set conflict',
    );
    expect(refusedParameter(() => prepareSystemScenario('riak', { set: ['latency=nope'] }))).toBe(
      '--set latency',
    );
    expect(refusedParameter(() => prepareSystemScenario('riak', { set: ['crash_mtbf=exp(0.001)'] }))).toBe(
      '--set crash_mttr',
    );
    expect(
      refusedParameter(() => prepareSystemScenario('cassandra', { set: ['phi_convict_threshold=20'] })),
    ).toBe('--set phi_convict_threshold');
    expect(
      refusedParameter(() => prepareSystemScenario('etcd-raft', { set: ['election_timeout_ms=400'] })),
    ).toBe('--set election_timeout_ms');
    expect(
      refusedParameter(() => prepareSystemScenario('mongodb', { set: ['heartbeat_interval_ms=10000'] })),
    ).toBe('--set heartbeat_interval_ms');
    expect(refusedParameter(() => prepareSystemScenario('postgresql', { set: ['sync_standbys=3'] }))).toBe(
      '--set sync_standbys',
    );
    expect(refusedParameter(() => prepareSystemScenario('github-2018', { set: ['fencing=yes'] }))).toBe(
      '--set fencing',
    );
    expect(refusedParameter(() => prepareSystemScenario('riak', { set: ['noequals'] }))).toBe('--set');
    expect(refusedParameter(() => prepareSystemScenario('riak', { trials: 0 }))).toBe('--trials');
    expect(refusedParameter(() => prepareSystemScenario('nosuch'))).toBe('scenario');
    expect(
      refusedParameter(() =>
        prepareSystemScenario('riak', {
          set: ['r=1', 'w=1', 'latency=lnkd-disk', 'clock_skew=uniform(0,20)'],
        }),
      ),
    ).toBeNull();
  });

  it('a value the model refuses is named by the --set key that set it', () => {
    // The scenario's kind for keys has no upper bound; validateLeaderlessConfig refuses keys > 2^24.
    expect(refusedParameter(() => prepareSystemScenario('dynamo', { set: ['keys=20000000'] }))).toBe(
      '--set keys',
    );
  });

  it('an override shows as the source of its parameter', () => {
    const p = prepareSystemScenario('patroni', { set: ['ttl_s=60'] }).parameters.find(
      (q) => q.key === 'ttl_s',
    );
    expect(p).toMatchObject({ value: 60, source: { kind: '--set' } });
  });
});

describe('runs', () => {
  it('every scenario runs (small) and reports proportions with Wilson intervals around their share', async () => {
    for (const s of SYSTEM_SCENARIOS) {
      const trials = s.trials.unit.startsWith('independent') ? 10 : s.trials.default / 10;
      const report = await runSystemScenario(s.name, { trials, seed: 1 });
      expect(report.metrics.length, s.name).toBeGreaterThan(0);
      for (const m of report.metrics) {
        if (m.kind !== 'proportion' || m.estimate.of === 0) continue;
        expect(m.estimate.low).toBeLessThanOrEqual(m.estimate.p);
        expect(m.estimate.high).toBeGreaterThanOrEqual(m.estimate.p);
      }
    }
  }, 120_000);

  it('is a pure function of (scenario, overrides, trials, seed)', async () => {
    const a = await runSystemScenario('riak', {
      set: ['clock_skew=uniform(0,50)', 'r=1', 'w=1'],
      trials: 4000,
      seed: 9,
    });
    const b = await runSystemScenario('riak', {
      set: ['clock_skew=uniform(0,50)', 'r=1', 'w=1'],
      trials: 4000,
      seed: 9,
    });
    expect(b).toEqual(a);
    // LWW under skewed clocks loses acknowledged writes; siblings lose none.
    expect((reportMetric(a, 'acked_writes_lost') as ProportionMetric).estimate.count).toBeGreaterThan(0);
    const siblings = await runSystemScenario('riak', {
      set: ['clock_skew=uniform(0,50)', 'r=1', 'w=1', 'conflict=siblings'],
      trials: 4000,
      seed: 9,
    });
    expect((reportMetric(siblings, 'acked_writes_lost') as ProportionMetric).estimate.count).toBe(0);
  }, 60_000);
});
