// The catalog against the reference file: every system present, every parameter sourced, the
// documented numbers carried over unchanged, overrides validated, runs deterministic.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../errors.testkit.js';
import { SYSTEM_SCENARIOS, systemScenario } from './catalog.js';
import { cassandraConvictionMs, consistencyLevelSize } from './leaderless-systems.js';
import { resolveScenario, scenarioExperiment, scenarioParameterRows } from './preset.js';
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
      for (const p of scenarioParameterRows(s)) {
        if (p.role === 'derived') continue; // its source is the arithmetic on the others
        expect(p.source.text.length, `${s.name}.${p.key}`).toBeGreaterThan(10);
        if (p.source.kind === 'reference') {
          const [system] = (p.source.setting as string).split('.');
          expect(p.source.text).toBe(systemReference(system).source);
        }
      }
    }
  });

  it("every derivation names keys of its scenario (a refusal of a derived value names the first); every preset value is the experiment's key", () => {
    for (const s of SYSTEM_SCENARIOS) {
      const keys = scenarioExperiment(s).keys;
      const experimentKeys = s.preset.experiment.keys;
      for (const [key, d] of Object.entries(s.preset.derive)) {
        expect(experimentKeys, `${s.name}: derived ${key}`).toContain(key);
        for (const from of d.from) expect(keys, `${s.name}: ${key} from ${from}`).toContain(from);
      }
      for (const key of Object.keys(s.preset.values))
        expect(keys, `${s.name}: preset ${key} (not derived too)`).toContain(key);
    }
  });

  it('the derived experiment values follow the documented arithmetic (Patroni: seconds to ms; etcd: [T, 2T])', () => {
    const patroni = resolveScenario(systemScenario('patroni'), { ttl_s: 45, loop_wait_s: 5 }).experiment;
    expect([patroni.timeoutMs, patroni.heartbeatMs, patroni.faultDurationMs]).toEqual([45000, 5000, 100000]);
    expect(resolveScenario(systemScenario('etcd-raft')).experiment.electionTimeoutMs).toEqual([1000, 2000]);
    const cassandra = resolveScenario(systemScenario('cassandra'), { read_consistency: 'ONE' }).experiment;
    expect([cassandra.r, cassandra.w]).toEqual([1, 2]);
  });

  it("documented numbers are the reference's", () => {
    const value = (name: string, key: string) =>
      scenarioParameterRows(systemScenario(name)).find((p) => p.key === key)?.value;
    expect(value('patroni', 'ttl_s')).toBe(30);
    expect(value('patroni', 'loop_wait_s')).toBe(10);
    expect(value('patroni', 'retry_timeout_s')).toBe(10);
    expect(value('mongodb', 'heartbeat_interval_millis')).toBe(2000);
    expect(value('mongodb', 'election_timeout_millis')).toBe(10000);
    expect(value('etcd-raft', 'heartbeat_interval_ms')).toBe(100);
    expect(value('etcd-raft', 'etcd_election_timeout_ms')).toBe(1000);
    expect(value('raft-paper', 'election_timeout_ms')).toEqual([150, 300]);
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
      refusedParameter(() => prepareSystemScenario('etcd-raft', { set: ['etcd_election_timeout_ms=400'] })),
    ).toBe('--set etcd_election_timeout_ms');
    expect(
      refusedParameter(() => prepareSystemScenario('mongodb', { set: ['heartbeat_interval_millis=10000'] })),
    ).toBe('--set heartbeat_interval_millis');
    // A derived experiment value is not a key of its own: its setting is.
    expect(refusedParameter(() => prepareSystemScenario('patroni', { set: ['timeout_ms=5000'] }))).toBe(
      '--set timeout_ms',
    );
    // Any experiment parameter the preset does not derive is a key, checked as the experiment checks it.
    expect(refusedParameter(() => prepareSystemScenario('patroni', { set: ['stale_followers=3'] }))).toBe(
      '--set stale_followers',
    );
    expect(
      refusedParameter(() => prepareSystemScenario('patroni', { set: ['stale_followers=2'] })),
    ).toBeNull();
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

  it('a derived value the experiment refuses is named by the setting it comes from, as the user wrote it', () => {
    // MongoDB's heartbeat at or above the election timeout: the failover experiment's own rule
    // refuses heartbeat_ms, derived from heartbeat_interval_millis, which the refusal names.
    let message = '';
    try {
      prepareSystemScenario('mongodb', { set: ['heartbeat_interval_millis=10000'] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^--set heartbeat_interval_millis: got "10000"; allowed: .*heartbeat_ms.*less than the minimum election timeout \(10000 ms\)/,
    );
    expect(refusedParameter(() => prepareSystemScenario('dynamo', { set: ['keys=20000000'] }))).toBe(
      '--set keys',
    );
    // A library call names the key as the call wrote it, camelCase or snake_case.
    expect(refusedParameter(() => prepareSystemScenario('patroni', { set: { ttlS: 5 } }))).toBe('ttlS');
    expect(refusedParameter(() => prepareSystemScenario('patroni', { set: { ttl_s: 5 } }))).toBe('ttl_s');
  });

  it('an override shows as the source of its parameter', () => {
    const p = prepareSystemScenario('patroni', { set: ['ttl_s=60'] }).parameters.find(
      (q) => q.key === 'ttl_s',
    );
    expect(p).toMatchObject({ value: 60, role: 'setting', unit: 's', source: { kind: '--set' } });
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
