// Quick calibrations against real PostgreSQL 15 streaming replication: run where PostgreSQL 15
// is installed (always in CI, where .ci/run installs it), skip elsewhere with a message saying
// what to install.
import { describe, expect, it } from 'vitest';
import { parsePostgresSetting } from './calibrate-params.js';
import { calibratePostgresCommit } from './calibrate-postgres.js';
import { calibratePostgresFailover } from './calibrate-postgres-failover.js';
import { calibratePostgresLag } from './calibrate-postgres-lag.js';
import { postgresInstalled, segmentsCreatedBy } from './postgres.js';
import { survivors } from './processes.js';

const installed = postgresInstalled();
if (!installed) {
  if (process.env.CI)
    throw new Error('CI needs PostgreSQL 15 for the calibration test: apt-get install postgresql');
  console.warn(
    'lib/testbed/postgres-calibration.test.ts skipped: /usr/lib/postgresql/15/bin absent (apt-get install postgresql)',
  );
}

describe.skipIf(!installed)('calibrate postgres (real PostgreSQL on 127.0.0.1)', () => {
  it('commits at delay 5 ms: FIRST 1 waits a link round trip more than local, no process survives', async () => {
    const started: number[] = [];
    const delay = 5;
    const r = await calibratePostgresCommit({
      settings: ['sync=first1,commit=local', 'sync=first1,commit=on', 'sync=none,commit=on'].map((t) =>
        parsePostgresSetting(`${t},delay=${delay}`, 'postgres-commit'),
      ),
      trials: 8,
      modelTrials: 200,
      seed: 3,
      onProcess: (pid) => started.push(pid),
    });
    expect(r.version).toMatch(/^15\./);
    const [local, on, none] = r.comparisons;
    // A synchronous commit at `on` cannot return before the WAL crossed the proxy to s1 and s1's
    // reply crossed back: each way at least the proxy's delay (a bound, whatever the load).
    for (const x of on.measured_samples) expect(x).toBeGreaterThanOrEqual(2 * delay);
    // With no synchronous standby, `on` waits for the local flush only: no proxy crossing.
    expect(none.measured.p50.value).toBeLessThan(2 * delay);
    expect(local.measured.p50.value).toBeLessThan(2 * delay);
    // The model's commits at `on` include the same two crossings.
    expect(on.model.samples).toBe(200);
    expect(Math.min(...on.model_samples)).toBeGreaterThanOrEqual(2 * delay);
    expect(started.length).toBeGreaterThan(6); // two clusters (reference, delay 5): wrappers, postmasters, backends
    expect(survivors(started)).toEqual([]);
  }, 240_000);

  it('one asynchronous failover: the promoted standby accepts writes, every lost write was acknowledged, no process survives', async () => {
    const started: number[] = [];
    const r = await calibratePostgresFailover({
      settings: [parsePostgresSetting('sync=none,delay=2,rate=100', 'postgres-failover')],
      trials: 1,
      modelTrials: 50,
      seed: 3,
      onProcess: (pid) => started.push(pid),
    });
    const c = r.comparisons[0];
    expect(c.unrecovered).toBe(0);
    const t = c.trials[0];
    expect(t.ackedWrites).toBeGreaterThan(0);
    expect(t.ackedWritesLost).toBeGreaterThanOrEqual(0);
    expect(t.ackedWritesLost).toBeLessThanOrEqual(t.ackedWrites);
    // Promotion comes after the watcher saw the primary gone, recovery after the promotion.
    expect(t.promoteMs!).toBeGreaterThan(t.detectMs!);
    expect(t.recoveryMs!).toBeGreaterThan(t.promoteMs!);
    expect(['s1', 's2']).toContain(t.promoted);
    // The proxies held the WAL at least their delay; the WAL sender's lag was measured.
    expect(t.proxyDelayMs!).toBeGreaterThanOrEqual(2);
    expect(t.sendLagMs!).toBeGreaterThanOrEqual(0);
    expect(c.ship_delay_ms).toBeGreaterThanOrEqual(2);
    expect(c.model.samples).toBeGreaterThan(40);
    expect(survivors(started)).toEqual([]);
  }, 240_000);

  it('replication lag at delays 0 and 10 ms: no marker visible before the delay, more delay more lag, nothing survives', async () => {
    const started: number[] = [];
    const r = await calibratePostgresLag({
      settings: ['delay=0,rate=200', 'delay=10,rate=200'].map((t) => parsePostgresSetting(t, 'postgres-lag')),
      trials: 60,
      modelTrials: 300,
      seed: 3,
      onProcess: (pid) => started.push(pid),
    });
    const lag = r.comparisons.filter((c) => c.metric === 'replication_lag_ms');
    expect(lag.map((c) => c.setting.delay_ms)).toEqual([0, 10]);
    for (const c of lag) {
      // The WAL of a write leaves the primary after the client sent it and crosses the proxy
      // once: no standby can show it sooner than the injected one-way delay (a bound, whatever
      // the load).
      expect(c.min_send_to_visible_ms).toBeGreaterThanOrEqual(c.setting.delay_ms);
      expect(c.measured.samples).toBeGreaterThanOrEqual(2 * 50);
      expect(c.model.samples).toBeGreaterThan(300);
    }
    // 10 ms more one-way delay: the measured median grows by more than half of it (the apply cost
    // and the poll are the same on both; the bound leaves room for the load's noise).
    expect(lag[1].measured.p50.value - lag[0].measured.p50.value).toBeGreaterThan(5);
    expect(survivors(started)).toEqual([]);
    // SIGKILL leaves a postmaster's shared memory segment; close removes it.
    expect(segmentsCreatedBy(started)).toEqual([]);
  }, 240_000);
});
