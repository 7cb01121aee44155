import { describe, expect, it } from 'vitest';
import { loss } from './calibrate-sentinel.js';
import { parsePostgresSetting } from './calibrate-params.js';
import { deriveStream } from '../random/index.js';
import { meanOfNInterval, pgFailoverModel, poissonArrivals } from './calibrate-postgres-failover.js';

// The model side of `calibrate postgres-failover`, without PostgreSQL.
describe('the postgres-failover model mapping', () => {
  it("the measured writer's last d ms before the kill hold a Poisson count of mean rate x d, as at a random moment", () => {
    // The kill is at its own time (killAfter), not at an arrival: the writes the trial issues in
    // the last d = 10 ms before it are as many as a stationary Poisson stream puts in any 10 ms,
    // 200/s x 10 ms = 2 on average. (Killing at the first arrival after killAfter instead would
    // leave the straddling gap, of mean 1/rate = 5 ms, at the end: about 1.1.)
    const rng = deriveStream(3, 0, 0);
    const counts: number[] = [];
    for (let t = 0; t < 4000; t++) {
      const killAfter = 500 + rng.nextDouble() * 500;
      let n = 0;
      for (const at of poissonArrivals(rng, 200, killAfter)) if (at > killAfter - 10) n++;
      counts.push(n);
    }
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    // Poisson(2): sd sqrt(2), so the mean of 4000 has sd 0.022; 4 sd.
    expect(Math.abs(mean - 2)).toBeLessThan(0.09);
  });

  it('an asynchronous failover loses about rate x replication delay acknowledged writes (Poisson writer)', () => {
    // Writes are acknowledged at the leader's flush and leave it a replication delay d later; the
    // crash, at a moment independent of the (stationary) write stream, loses the ones acknowledged
    // in the last d ms: a Poisson count of mean rate x d (here 0.2 per ms x 5 ms = 1).
    const setting = parsePostgresSetting('sync=none,commit=on,delay=5,rate=200', 'postgres-failover');
    const m = pgFailoverModel(setting, {
      loopbackMs: 0.03,
      diskMs: 0.2,
      shipDelayMs: 5,
      trials: 400,
      seed: 7,
    });
    const l = loss(m.lost, m.acked);
    expect(l.perFailover.low).toBeLessThan(1);
    expect(l.perFailover.high).toBeGreaterThan(1);
    // Poisson: the variance equals the mean (a 99.9% band for the sample variance of 400 draws).
    const variance = m.lost.reduce((s, x) => s + (x - l.mean) ** 2, 0) / (m.lost.length - 1);
    expect(Math.abs(variance - 1)).toBeLessThan(0.35);
  });

  it('with the replication delay as network latency instead, nothing acknowledged is lost', () => {
    // What the mapping used to do: WAL already sent still arrives after the crash, and the
    // promotion waits for detection (10 ms), longer than the delay.
    const setting = parsePostgresSetting('sync=none,commit=on,delay=5,rate=200', 'postgres-failover');
    const m = pgFailoverModel(setting, { loopbackMs: 5, diskMs: 0.2, shipDelayMs: 0, trials: 100, seed: 7 });
    expect(m.lost.every((x) => x === 0)).toBe(true);
    expect(m.acked.every((x) => x > 0)).toBe(true);
  });

  it('a synchronous standby (FIRST 1) loses nothing', () => {
    const setting = parsePostgresSetting('sync=first1,commit=on,delay=5,rate=200', 'postgres-failover');
    const m = pgFailoverModel(setting, {
      loopbackMs: 0.03,
      diskMs: 0.2,
      shipDelayMs: 5,
      trials: 200,
      seed: 7,
    });
    expect(m.lost.every((x) => x === 0)).toBe(true);
    expect(m.acked.reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
  });

  it('the interval of a mean of n failovers is the binomial one for 0/1 losses', () => {
    // Half the model's failovers lose one write: the sum of 30 is Binomial(30, 1/2), whose 2.5% and
    // 97.5% quantiles are 10 and 20 (P(X <= 9) = 0.021, P(X <= 10) = 0.049; P(X <= 19) = 0.951,
    // P(X <= 20) = 0.979).
    expect(meanOfNInterval([0, 1, 0, 1], 30)).toEqual({ low: 10 / 30, high: 20 / 30 });
    expect(meanOfNInterval([0, 0, 0], 30)).toEqual({ low: 0, high: 0 });
  });
});
