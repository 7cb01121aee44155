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

  it('with epoch fencing (the default) the cut-off primary still takes every write of the cut: unreplicated writes are Poisson(rate x 43 s) per incident, all acknowledged and lost', async () => {
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

  it('with a lease the old primary stops when its lease runs out: unreplicated writes are Poisson(rate x (lease - poll phase)) instead', async () => {
    const trials = 100;
    const r = await runSystemScenario('github-2018', {
      set: ['fencing=lease', 'replication_delay=const(5)', 'latency=const(1)'],
      trials,
      seed: 3,
    });
    // Polls (heartbeats) every h = 5 s; the lease is 2 polls, L = 10 s. The cut falls a phase u,
    // uniform in [0, h), after a poll was sent; that poll's promises come back 2d = 2 ms later, so
    // for u > 2 ms the lease runs to L - u after the cut (for u <= 2 ms, to L - h - u: probability
    // 2/h). The old primary takes writes until then, plus those of the last ship + d before the
    // cut: per incident a Poisson count of mean rate x (L - u + 5 + 1), so over the incidents
    // Poisson(rate x sum) with E[L - u] = L - h/2 - 2 ms. The phases vary, so the count's variance
    // adds trials x (rate h)^2 / 12 to the Poisson one.
    const [h, L] = [5000, 10000];
    const expected = trials * rate * (L - h / 2 - 2 + 5 + 1);
    const sd = Math.sqrt(expected + (trials * (rate * h) ** 2) / 12);
    expect(Math.abs(count(r, 'discarded_writes') - expected)).toBeLessThan(4 * sd);
    // The promotion waits out the promoted replica's own promise, which ends after the old lease.
    expect((reportMetric(r, 'split_brain_trials') as ProportionMetric).estimate.count).toBe(0);
    const recovery = (reportMetric(r, 'recovery_ms') as DurationMetric).summary;
    expect(recovery.min as number).toBeGreaterThan(L - h);
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
