// GitHub's 2012 and 2018 incidents: the counters against their closed forms (Poisson counts of
// writes in a known window) and against each other.
import { describe, expect, it } from 'vitest';
import { reportMetric, runSystemScenario, type ScenarioReport } from './run-scenario.js';
import type { CountMetric, DurationMetric, ProportionMetric } from './scenario-metric.js';

const count = (r: ScenarioReport, name: string): number => (reportMetric(r, name) as CountMetric).count;
const lost = (r: ScenarioReport): number =>
  (reportMetric(r, 'acked_writes_lost') as ProportionMetric).estimate.count;

/** |observed - expected| within 4 standard deviations of a Poisson count with that mean. */
function expectPoisson(observed: number, expected: number): void {
  expect(Math.abs(observed - expected)).toBeLessThan(4 * Math.sqrt(expected));
}

describe('GitHub 2012: promotion of an out-of-date replica, autoincrement ids shared with an outside store', () => {
  // Constant delays: a write appended at time a is acknowledged at a + disk (async) and shipped to a
  // lagging replica at a + ship + lag; shipping events die with the crashed leader (messages already
  // sent still arrive). It is lost exactly when a + disk <= crash < a + ship + lag: a window of
  // ship + lag - disk ms, so the lost count per crash is Poisson(rate x window). Rate: the
  // scenario's write_rate, 10 per second (0.01 per ms).
  const rate = 0.01;
  const lag = 1000;
  const constant = ['latency=const(1)', 'disk=const(1)', 'replication_delay=const(5)'];
  const windowMs = (lagMs: number) => 5 + lagMs - 1;

  it('every lost acknowledged write has its id reissued to another row; the loss is Poisson(rate x (lag + ship - disk)) per crash', async () => {
    const trials = 200;
    const r = await runSystemScenario('github-2012', { set: constant, trials, seed: 1 });
    expect(count(r, 'reused_ids')).toBe(lost(r));
    expectPoisson(lost(r), trials * rate * windowMs(lag)); // 2010 expected
  }, 60_000);

  it('control: up-to-date replicas lose only the shipping window, and as many ids are reissued', async () => {
    const trials = 200;
    const r = await runSystemScenario('github-2012', {
      set: [...constant, 'stale_replicas=none'],
      trials,
      seed: 1,
    });
    expect(count(r, 'reused_ids')).toBe(lost(r));
    expectPoisson(lost(r), trials * rate * windowMs(0)); // 10 expected
  }, 60_000);

  it('the reissued ids grow with the lag: twice the lag, about twice the ids', async () => {
    const trials = 100;
    const one = await runSystemScenario('github-2012', {
      set: [...constant, 'stale_lag_ms=1000'],
      trials,
      seed: 2,
    });
    const two = await runSystemScenario('github-2012', {
      set: [...constant, 'stale_lag_ms=2000'],
      trials,
      seed: 2,
    });
    expectPoisson(count(one, 'reused_ids'), trials * rate * windowMs(1000));
    expectPoisson(count(two, 'reused_ids'), trials * rate * windowMs(2000));
  }, 60_000);
});

describe('GitHub 2018: a 43 s cut, promotion on the other side, unreplicated writes', () => {
  const rate = 0.01;

  it('without fencing the cut-off primary takes every write of the cut: unreplicated writes are Poisson(rate x 43 s) per incident, all acknowledged and lost', async () => {
    const trials = 100;
    const r = await runSystemScenario('github-2018', {
      set: ['replication_delay=const(5)', 'latency=const(1)'],
      trials,
      seed: 3,
    });
    // Writes from the cut to the heal, plus those of the last ship + d ms before it, never reach the replicas.
    expectPoisson(count(r, 'discarded_writes'), trials * rate * (43000 + 5 + 1));
    expect(lost(r)).toBeLessThanOrEqual(count(r, 'discarded_writes'));
    expectPoisson(lost(r), trials * rate * (43000 + 5 + 1 - 1));
    expect((reportMetric(r, 'split_brain_trials') as ProportionMetric).estimate.count).toBe(trials);
    expect((reportMetric(r, 'unnecessary_failover_trials') as ProportionMetric).estimate.count).toBe(trials);
  }, 60_000);

  it('with fencing the old primary stops at the promotion: unreplicated writes are Poisson(rate x the time to promotion) instead', async () => {
    const trials = 100;
    const r = await runSystemScenario('github-2018', {
      set: ['fencing=true', 'replication_delay=const(5)', 'latency=const(1)'],
      trials,
      seed: 3,
    });
    const recovery = (reportMetric(r, 'recovery_ms') as DurationMetric).summary;
    // The old primary accepts writes from the cut until it is fenced at the promotion (recovery minus the new leader's first heartbeat, d).
    const exposedMs = trials * ((recovery.mean as number) - 1 + 5 + 1);
    expectPoisson(count(r, 'discarded_writes'), rate * exposedMs);
    expect((reportMetric(r, 'split_brain_trials') as ProportionMetric).estimate.count).toBe(0);
  }, 60_000);

  // The incident's inputs as GitHub's post-incident analysis (GitHub engineering blog,
  // "October 21 post-incident analysis", 2018-10-30) gives them: a 43 s loss of connectivity
  // between the US East Coast hub and its primary data center, during which Orchestrator promoted
  // replicas elsewhere. The post publishes the cut and the count of unreplicated writes on one
  // cluster (954, the scenario's `observed`), but no write rate; a rate computed from 954 and fed
  // back in would return 954 by construction. So the prediction here is the closed form from the
  // inputs alone, cut_s and the write rate the scenario is run with, at two rates and two cuts:
  // without fencing every write the cut-off primary takes from the cut to the heal (plus the last
  // ship + d ms before it) is unreplicated, Poisson(rate x (1000 cut_s + 5 + 1)) per incident.
  it.each([
    { cut: 43, perSecond: 10 },
    { cut: 43, perSecond: 25 },
    { cut: 20, perSecond: 10 },
  ])(
    'a $cut s cut at $perSecond writes per second: unreplicated writes are Poisson(rate x cut) per incident, from the inputs alone',
    async ({ cut, perSecond }) => {
      const trials = 40;
      const r = await runSystemScenario('github-2018', {
        set: [`cut_s=${cut}`, `write_rate=${perSecond}`, 'replication_delay=const(5)', 'latency=const(1)'],
        trials,
        seed: 4,
      });
      expectPoisson(count(r, 'discarded_writes'), (trials * perSecond * (1000 * cut + 5 + 1)) / 1000);
    },
    60_000,
  );
});
