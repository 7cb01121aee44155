import { describe, expect, it } from 'vitest';
import { proportion } from '../../check/index.js';
import { refusedParameter } from '../../errors.testkit.js';
import { runBootstrap } from './bootstrap.js';
import { runLogFormats } from './log-formats.js';

describe('runLogFormats', () => {
  const [statement, wal, row] = runLogFormats({}, 1);

  it('statement-based replay diverges (autoincrement under concurrency, now(), rand()); WAL and row-based never do', () => {
    expect(statement.format).toBe('statement');
    expect(statement.divergent_by_cause.autoincrement).toBeGreaterThan(0);
    expect(statement.divergent_by_cause.now).toBeGreaterThan(0);
    expect(statement.divergent_by_cause.rand).toBeGreaterThan(1500); // every rand() row: about 0.1 x 20000
    expect(wal.divergent_rows).toBe(0);
    expect(row.divergent_rows).toBe(0);
  });

  it('autoincrement ids diverge only when transactions commit out of execution order', () => {
    const constant = runLogFormats({ duration: 'const(2)' }, 2)[0];
    expect(constant.divergent_by_cause.autoincrement).toBe(0); // equal durations: commit order = start order
    const serial = runLogFormats({ ratePerMs: 0.001, duration: 'exp(1)', transactions: 3000 }, 2)[0];
    const concurrent = runLogFormats({ ratePerMs: 1, duration: 'exp(1)', transactions: 3000 }, 2)[0];
    expect(serial.divergent_by_cause.autoincrement).toBeLessThan(
      concurrent.divergent_by_cause.autoincrement / 20,
    );
  });

  it('now() diverges with probability lag / resolution (uniform phase of the start in the clock tick)', () => {
    const L = 200;
    const R = 1000;
    const r = runLogFormats(
      {
        mix: { insert: 0, now: 1, rand: 0, update: 0 },
        duration: 'const(0.001)',
        shipDelay: `const(${L})`,
        ratePerMs: 0.01,
        clockResolutionMs: R,
        transactions: 20000,
      },
      3,
    )[0];
    const p = proportion({ count: r.divergent_by_cause.now, of: 20000 });
    const expected = (L + 0.001) / R;
    expect(p.low).toBeLessThan(expected);
    expect(p.high).toBeGreaterThan(expected);
  });

  it("apply cost per transaction matches each format's mean: E[duration], rows x row cost, rows x page bytes / throughput", () => {
    const meanRows = 0.7 * 1 + 0.3 * 10; // inserts, now, rand: 1 row; updates: 10
    // 20000 transactions: 4 standard errors of each mean.
    expect(Math.abs(statement.apply_ms_per_tx - 2)).toBeLessThan((4 * 2) / Math.sqrt(20000));
    const rowsSd = Math.sqrt(0.3 * 0.7) * 9;
    expect(Math.abs(row.apply_ms_per_tx - 0.05 * meanRows)).toBeLessThan(
      (4 * 0.05 * rowsSd) / Math.sqrt(20000),
    );
    expect(Math.abs(wal.apply_ms_per_tx - 0.08192 * meanRows)).toBeLessThan(
      (4 * 0.08192 * rowsSd) / Math.sqrt(20000),
    );
    expect(statement.log_bytes_per_tx).toBe(200);
    expect(row.log_bytes_per_tx).toBeLessThan(wal.log_bytes_per_tx);
  });

  it('a single-threaded statement replayer falls behind once the rate passes 1 / E[duration]; row-based keeps up', () => {
    const [st, , rw] = runLogFormats({ ratePerMs: 0.6, transactions: 10000 }, 4); // 600 tx/s > 500 tx/s capacity
    expect(st.keeps_up).toBe(false);
    expect(rw.keeps_up).toBe(true);
    expect(st.lag_ms.max as number).toBeGreaterThan(1000);
    expect(rw.lag_ms.max as number).toBeLessThan(100);
  });

  it('refuses a bad mix naming the field', () => {
    expect(
      refusedParameter(() => runLogFormats({ mix: { insert: 0.5, now: 0.2, rand: 0.1, update: 0.1 } }, 1)),
    ).toBe('mix');
    expect(refusedParameter(() => runLogFormats({ ratePerMs: 0 }, 1))).toBe('ratePerMs');
  });
});

describe('runBootstrap', () => {
  it('mean catch-up time matches backlog / (apply - write rate) (M/M/1 busy period)', () => {
    for (const [write, apply] of [
      [500, 1000],
      [900, 1000],
      [100, 1000],
    ]) {
      const r = runBootstrap(
        { snapshotMb: 1000, bandwidthMbPerS: 100, writeRatePerS: write, applyRatePerS: apply, trials: 400 },
        5,
      );
      const closed = (write * 10) / (apply - write);
      expect(r.catch_up_closed_form_s).toBeCloseTo(closed, 9);
      expect(r.never_caught_up.count).toBe(0);
      expect(r.catch_up_s.ci_low as number).toBeLessThan(closed);
      expect(r.catch_up_s.ci_high as number).toBeGreaterThan(closed);
    }
  }, 60_000);

  it("with constant rates it is the fluid limit, to within one entry's time", () => {
    const r = runBootstrap(
      {
        snapshotMb: 500,
        bandwidthMbPerS: 50,
        writeRatePerS: 300,
        applyRatePerS: 800,
        arrivals: 'constant',
        trials: 3,
      },
      6,
    );
    expect(r.copy_s).toBe(10);
    expect(Math.abs((r.catch_up_s.mean as number) - 3000 / 500)).toBeLessThan(1 / 300 + 1 / 800);
  });

  it('never catches up when writes reach the apply rate; the backlog grows at write - apply', () => {
    const r = runBootstrap(
      {
        snapshotMb: 100,
        bandwidthMbPerS: 100,
        writeRatePerS: 1200,
        applyRatePerS: 1000,
        trials: 20,
        horizonS: 600,
      },
      7,
    );
    expect(r.never_caught_up.count).toBe(20);
    expect(r.catch_up_s.mean).toBeNull();
    expect(r.catch_up_closed_form_s).toBeNull();
    expect(r.backlog_growth_per_s).toBe(200);
  }, 30_000);

  it('refuses bad input naming the field', () => {
    expect(refusedParameter(() => runBootstrap({ writeRatePerS: -1 }, 1))).toBe('writeRatePerS');
    expect(refusedParameter(() => runBootstrap({ bandwidthMbPerS: 0 }, 1))).toBe('bandwidthMbPerS');
  });
});
