// Patroni's and MongoDB's documented failover arithmetic against the simulated recovery times.
import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../errors.testkit.js';
import {
  patroniDetectionWindow,
  patroniHaNoticeMs,
  patroniNoticeMs,
  raftDetectionWindow,
  type PatroniTiming,
} from './failover-arithmetic.js';
import { runFailoverTrials } from './failover-trials.js';
import { prepareSystemScenario, reportMetric, runSystemScenario } from './run-scenario.js';
import type { DurationMetric } from './scenario-metric.js';

const d = 1; // constant one-way delay, ms
const s = 2; // constant disk write, ms
const exact = ['latency=const(1)', 'disk=const(2)'];
/** The documentation's reading (the scenario's rule before ha_notice=watch became its default). */
const loopRule = ['ha_notice=loop'];

/** A duration metric's summary from a report. */
function durations(
  report: Awaited<ReturnType<typeof runSystemScenario>>,
  name: string,
): DurationMetric['summary'] {
  return (reportMetric(report, name) as DurationMetric).summary;
}

describe('Patroni, ha_notice=loop: lease expiry in [ttl - loop_wait, ttl] after the crash, plus up to loop_wait to notice, then promotion', () => {
  const ttl = 30000;
  const loopWait = 10000;
  const window = patroniDetectionWindow({ ttlMs: ttl, loopWaitMs: loopWait, retryTimeoutMs: 10000 });

  it('the arithmetic: window [20 s, 40 s], mean 30 s (ttl - loop_wait/2 + loop_wait/2), sd loop_wait / sqrt 6', () => {
    expect(window).toEqual({ minMs: 20000, maxMs: 40000, meanMs: 30000, sdMs: loopWait / Math.sqrt(6) });
  });

  it('each trial (constant delays): recovery = ttl - renewal phase + HA-loop notice + d (heartbeat to the DCS) + 4d + disk (promotion)', () => {
    const trials = 100;
    const outcomes = runFailoverTrials(
      {
        election: 'coordinator',
        heartbeatMs: loopWait,
        timeoutMs: ttl,
        latency: `const(${d})`,
        disk: `const(${s})`,
        nodes: 3,
        faultDurationMs: 2 * (ttl + loopWait),
        warmupHeartbeats: 2,
        observeMs: 2 * loopWait + 1000,
        writeRate: 0.01,
      },
      trials,
      5,
      (t) => ({ timeoutMs: ttl + patroniNoticeMs(loopWait, 5, t) }),
    );
    for (const [t, o] of outcomes.entries()) {
      const notice = patroniNoticeMs(loopWait, 5, t);
      expect(o.phaseMs).toBeGreaterThanOrEqual(0);
      expect(o.phaseMs).toBeLessThan(loopWait);
      expect(o.detectionMs).toBeCloseTo(ttl - o.phaseMs + notice + d, 6);
      expect(o.recoveryMs).toBeCloseTo(ttl - o.phaseMs + notice + d + 4 * d + s, 6);
    }
  }, 30_000);

  it("the scenario's recovery distribution (400 trials, constant delays): inside the window, mean within 4 standard errors of ttl + 5d + disk, symmetric about it", async () => {
    const trials = 400;
    const report = await runSystemScenario('patroni', { set: [...exact, ...loopRule], trials, seed: 2 });
    const r = durations(report, 'recovery_ms');
    const promotion = 5 * d + s;
    expect(r.samples).toBe(trials);
    expect(r.min as number).toBeGreaterThanOrEqual(window.minMs + promotion);
    expect(r.max as number).toBeLessThanOrEqual(window.maxMs + promotion);
    const se = window.sdMs / Math.sqrt(trials); // 204 ms
    expect(Math.abs((r.mean as number) - (window.meanMs + promotion))).toBeLessThan(4 * se);
    // The sum of two independent uniforms is triangular and symmetric: half the trials recover before its mean.
    expect(r.p50 as number).toBeGreaterThan(window.meanMs + promotion - 4 * se * Math.sqrt(Math.PI / 2));
    expect(r.p50 as number).toBeLessThan(window.meanMs + promotion + 4 * se * Math.sqrt(Math.PI / 2));
    // The window is covered: recoveries in its outer quarters on both sides (each holds 1/8 of the triangle).
    const q = (loopWait * 2) / 4;
    expect(r.min as number).toBeLessThan(window.minMs + promotion + q);
    expect(r.max as number).toBeGreaterThan(window.maxMs + promotion - q);
    expect(reportMetric(report, 'arithmetic_recovery_mean_ms')).toMatchObject({
      value: window.meanMs + promotion,
    });
  }, 60_000);

  it("with the lab's default exponential delays the window still holds, and the mean is ttl plus the mean promotion steps", async () => {
    const trials = 300;
    const report = await runSystemScenario('patroni', { set: loopRule, trials, seed: 3 });
    const r = durations(report, 'recovery_ms');
    expect(r.min as number).toBeGreaterThanOrEqual(window.minMs);
    const promotionMean = 5 * 1 + 1; // five exp(1) one-way delays, const(1) disk
    // The exponential delays add variance 5 ms^2: negligible beside the uniforms'.
    expect(Math.abs((r.mean as number) - (window.meanMs + promotionMean))).toBeLessThan(
      (4 * window.sdMs) / Math.sqrt(trials),
    );
  }, 60_000);

  it("a longer ttl shifts the whole distribution by the difference; Patroni's rule refuses ttl < loop_wait + 2 retry_timeout", async () => {
    const base = durations(
      await runSystemScenario('patroni', { set: exact, trials: 50, seed: 4 }),
      'recovery_ms',
    );
    const longer = durations(
      await runSystemScenario('patroni', { set: [...exact, 'ttl_s=45'], trials: 50, seed: 4 }),
      'recovery_ms',
    );
    // Same seed, same phases and notices: every trial moves by exactly 15 s, so the mean does.
    expect((longer.mean as number) - (base.mean as number)).toBeCloseTo(15000, 3);
    expect(refusedParameter(() => prepareSystemScenario('patroni', { set: ['ttl_s=25'] }))).toBe(
      '--set ttl_s',
    );
    expect(refusedParameter(() => prepareSystemScenario('patroni', { set: ['loop_wait_s=15'] }))).toBe(
      '--set ttl_s',
    );
    expect(
      refusedParameter(() =>
        prepareSystemScenario('patroni', { set: ['ttl_s=60', 'loop_wait_s=20', 'retry_timeout_s=20'] }),
      ),
    ).toBeNull();
  }, 60_000);
});

describe('Patroni, ha_notice=watch (the default): the replicas act at the key deletion, after the expiry sweep, plus promote_ms', () => {
  const ttl = 30000;
  const loopWait = 10000;
  const sweep = 500;
  const promote = 550;
  const timing: PatroniTiming = {
    ttlMs: ttl,
    loopWaitMs: loopWait,
    retryTimeoutMs: 10000,
    notice: { rule: 'watch', leaseSweepMs: sweep, promoteMs: promote },
  };
  const window = patroniDetectionWindow(timing);

  it('the arithmetic: window [ttl - loop_wait + promote, ttl + sweep + promote], mean ttl - loop_wait/2 + sweep/2 + promote', () => {
    expect(window.minMs).toBe(20550);
    expect(window.maxMs).toBe(31050);
    expect(window.meanMs).toBe(25800);
    // Two independent uniforms, of widths loop_wait and sweep: variances w^2 / 12 add.
    expect(window.sdMs).toBeCloseTo(Math.sqrt((10000 ** 2 + 500 ** 2) / 12), 9);
  });

  it('each trial (constant delays): recovery = ttl - renewal phase + sweep wait + promote_ms + d + 4d + disk', () => {
    const outcomes = runFailoverTrials(
      {
        election: 'coordinator',
        heartbeatMs: loopWait,
        timeoutMs: ttl,
        latency: `const(${d})`,
        disk: `const(${s})`,
        nodes: 3,
        faultDurationMs: 2 * (ttl + loopWait),
        warmupHeartbeats: 2,
        observeMs: 2 * loopWait + 1000,
        writeRate: 0.01,
      },
      50,
      6,
      (t) => ({ timeoutMs: ttl + patroniHaNoticeMs(timing, 6, t) }),
    );
    for (const [t, o] of outcomes.entries()) {
      const wait = patroniNoticeMs(sweep, 6, t);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(sweep);
      expect(o.recoveryMs).toBeCloseTo(ttl - o.phaseMs + wait + promote + d + 4 * d + s, 6);
    }
  }, 30_000);

  it("the scenario's recovery distribution (400 trials, constant delays): inside the window, mean within 4 standard errors of its mean + 5d + disk", async () => {
    const trials = 400;
    const report = await runSystemScenario('patroni', { set: exact, trials, seed: 2 });
    const r = durations(report, 'recovery_ms');
    const promotion = 5 * d + s;
    expect(r.samples).toBe(trials);
    expect(r.min as number).toBeGreaterThanOrEqual(window.minMs + promotion);
    expect(r.max as number).toBeLessThanOrEqual(window.maxMs + promotion);
    expect(Math.abs((r.mean as number) - (window.meanMs + promotion))).toBeLessThan(
      (4 * window.sdMs) / Math.sqrt(trials),
    );
  }, 60_000);
});

describe('MongoDB: heartbeats every 2 s, election timeout 10 s', () => {
  const h = 2000;
  const T = 10000;
  const range: [number, number] = [T, T * 1.15];
  const window = raftDetectionWindow({ electionTimeoutMs: range, heartbeatMs: h, followers: 2 });

  it('the arithmetic: first candidacy in [T - h, 1.15 T], mean T + 0.15 T / 3 - h/2 (minimum of two uniform timeouts, uniform crash phase)', () => {
    expect(window.minMs).toBe(8000);
    expect(window.maxMs).toBe(11500);
    expect(window.meanMs).toBeCloseTo(10000 + 1500 / 3 - 1000, 9);
  });

  it('simulated (400 trials, no writes, constant delays): each detection within [T - phase, 1.15 T - phase] + d; mean within 4 standard errors; one-round elections recover 2 disk + 3d later; median <= 12 s', async () => {
    const trials = 400;
    const prepared = prepareSystemScenario('mongodb', {
      set: [...exact, 'write_rate=0'],
      trials,
      seed: 6,
    });
    expect(prepared.experiments).toHaveLength(1);
    const outcomes = runFailoverTrials(
      {
        election: 'raft',
        electionTimeoutMs: range,
        heartbeatMs: h,
        latency: `const(${d})`,
        disk: `const(${s})`,
        nodes: 3,
        asyncFollowers: 1,
        faultDurationMs: 4 * range[1],
        warmupHeartbeats: 3,
        observeMs: 2 * h + 1000,
        writeRate: 0,
      },
      trials,
      6,
    );
    const detections: number[] = [];
    let oneRound = 0;
    for (const o of outcomes) {
      const detection = o.detectionMs as number;
      detections.push(detection);
      expect(detection).toBeGreaterThanOrEqual(range[0] - o.phaseMs + d - 1e-9);
      expect(detection).toBeLessThanOrEqual(range[1] - o.phaseMs + d + 1e-9);
      if (o.electionRounds === 1) {
        oneRound++;
        expect(o.recoveryMs).toBeCloseTo(detection + 2 * s + 3 * d, 6);
      }
    }
    expect(oneRound).toBeGreaterThan(0.9 * trials);
    const mean = detections.reduce((a, b) => a + b, 0) / trials;
    expect(Math.abs(mean - (window.meanMs + d))).toBeLessThan((4 * window.sdMs) / Math.sqrt(trials));
    // The scenario runs exactly these trials (same config, same seed).
    const report = await runSystemScenario('mongodb', {
      set: [...exact, 'write_rate=0'],
      trials,
      seed: 6,
    });
    const r = durations(report, 'detection_ms');
    expect(r.mean as number).toBeCloseTo(mean, 6);
    expect(durations(report, 'recovery_ms').p50 as number).toBeLessThanOrEqual(12000); // MongoDB manual: median <= 12 s
  }, 60_000);

  it('with writes (appends reset the timers too) the window [T - h, 1.15 T + d] still holds and the median stays under 12 s', async () => {
    const report = await runSystemScenario('mongodb', { trials: 200, seed: 7 });
    const detection = durations(report, 'detection_ms');
    expect(detection.min as number).toBeGreaterThanOrEqual(window.minMs);
    expect(detection.max as number).toBeLessThanOrEqual(window.maxMs + 20); // + the last contact's exp(1) delay (P(> 20 ms) = e^-20)
    expect(durations(report, 'recovery_ms').p50 as number).toBeLessThanOrEqual(12000);
  }, 60_000);
});
