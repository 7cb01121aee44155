import { describe, expect, it } from 'vitest';
import { proportion } from '../../check/index.js';
import { refusedParameter } from '../../errors.testkit.js';
import { runBootstrap } from './bootstrap.js';
import { runLogFormats } from './log-formats.js';
import {
  COUNTERS,
  decodeSlot,
  DRAWS,
  encodeSlot,
  ITEMS,
  STAMPS,
  TABLES,
  type RowStore,
} from './row-store.js';

describe('runLogFormats', () => {
  const [statement, wal, row] = runLogFormats({}, 1);

  it('statement-based replay diverges (autoincrement under concurrency, now(), rand()); WAL and row-based do not', () => {
    expect(statement.format).toBe('statement');
    expect(statement.divergent_by_cause.autoincrement).toBeGreaterThan(0);
    expect(statement.divergent_by_cause.now).toBeGreaterThan(0);
    expect(statement.divergent_by_cause.rand).toBeGreaterThan(1500); // every rand() row: about 0.1 x 20000
    expect(statement.divergent_by_cause.update).toBe(0); // deterministic increments, replayed in commit order
    expect(wal.divergent_rows + row.divergent_rows).toBeLessThan(statement.divergent_rows);
  });

  // The oracle: the transactions' start and commit times alone. The leader numbers inserts in
  // start order, a naive statement replayer in commit order; an id holds another row on the
  // follower exactly when the insert's rank differs between the two orders. rand() with a shared
  // seed is the same: the k-th draw in start order against the k-th in commit order.
  const rankMismatches = (
    txs: readonly { kind: string; startMs: number; commitMs: number }[],
    kind: string,
  ) => {
    const mine = txs.filter((tx) => tx.kind === kind);
    const byCommit = mine.slice().sort((a, b) => a.commitMs - b.commitMs);
    return byCommit.filter((tx, rank) => mine[rank] !== tx).length;
  };

  it('autoincrement and shared-seed rand() rows differ exactly where commit order differs from execution order (brute-force oracle)', () => {
    const [st] = runLogFormats({ transactions: 4000, randSeed: 'shared' }, 11, { record: true });
    const txs = st.recorded!.transactions;
    expect(st.divergent_by_cause.autoincrement).toBe(rankMismatches(txs, 'insert'));
    expect(st.divergent_by_cause.rand).toBe(rankMismatches(txs, 'rand'));
    expect(st.divergent_by_cause.autoincrement).toBeGreaterThan(0);
    // Per-node streams: every rand() row differs.
    const [perNode] = runLogFormats({ transactions: 4000 }, 11);
    expect(perNode.divergent_by_cause.rand).toBe(txs.filter((tx) => tx.kind === 'rand').length);
  });

  it('autoincrement divergence rises with concurrency as rho / (1 + rho) (a swap with either neighbour, first order in rho)', () => {
    // Inserts only, Poisson starts at rate lambda, exp(m) durations: an insert swaps with the next
    // one when that one starts and commits before it, P = lambda / (2 (lambda + mu)); with the
    // previous one likewise; either makes its rank differ. rho = lambda m.
    const n = 20000;
    for (const rho of [0.01, 0.04]) {
      const [st] = runLogFormats(
        {
          transactions: n,
          ratePerMs: rho,
          duration: 'exp(1)',
          mix: { insert: 1, now: 0, rand: 0, update: 0 },
        },
        12,
      );
      const p = proportion({ count: st.divergent_by_cause.autoincrement, of: n });
      const expected = rho / (1 + rho);
      expect(p.low).toBeLessThan(expected * 1.05); // second-order terms: a few % of rho at these rates
      expect(p.high).toBeGreaterThan(expected * 0.95);
    }
  });

  it('WAL and row-based followers hold what replaying the shipped log gives, byte for byte and row for row (brute-force oracle)', () => {
    const [, w, r] = runLogFormats({ transactions: 3000 }, 13, { record: true });
    // WAL: the bytes of every slot as the log writes them, in log order.
    const bytes = new Map<string, string>();
    for (const rec of w.recorded!.log) {
      if (rec.format !== 'wal') throw new Error('not a WAL record');
      for (const s of rec.slots) bytes.set(`${s.table}/${s.slot}`, Buffer.from(s.bytes).toString('hex'));
    }
    const slotsOf = (store: RowStore) => {
      const out = new Map<string, string>();
      store.slots.forEach((slots, t) =>
        slots.forEach((b, slot) => b && out.set(`${t}/${slot}`, Buffer.from(b).toString('hex'))),
      );
      return out;
    };
    expect(slotsOf(w.recorded!.follower)).toEqual(bytes);
    expect(slotsOf(w.recorded!.leader)).toEqual(bytes);
    // Row-based: the rows as the log sets them.
    const rows = TABLES.map(() => new Map<number, number>());
    for (const rec of r.recorded!.log) {
      if (rec.format !== 'row') throw new Error('not a row record');
      for (const x of rec.rows) rows[x.table].set(x.key, x.value);
    }
    TABLES.forEach((_, t) => {
      expect(r.recorded!.follower.table(t)).toEqual(rows[t]);
      expect(r.recorded!.leader.table(t)).toEqual(rows[t]);
    });
    // The leader's tables from the transactions alone: one item per insert (ids 1..n), one stamp
    // per now(), one draw per rand(), each counter incremented rows-per-update times per update
    // covering it.
    const txs = w.recorded!.transactions;
    const count = (kind: string) => txs.filter((tx) => tx.kind === kind).length;
    expect([...rows[ITEMS].keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: count('insert') }, (_, i) => i + 1),
    );
    expect(rows[STAMPS].size).toBe(count('now'));
    expect(rows[DRAWS].size).toBe(count('rand'));
    expect([...rows[COUNTERS].values()].reduce((a, b) => a + b, 0)).toBe(10 * count('update'));
    // The tables' comparison counts what the oracle found: nothing.
    expect(w.divergent_rows).toBe(0);
    expect(r.divergent_rows).toBe(0);
  });

  it('WAL of another storage-format version is refused: the follower stops, row-based carries on', () => {
    const [st, w, r] = runLogFormats({ transactions: 2000, followerStorageVersion: 2 }, 14, { record: true });
    expect(w.rejected_records).toBe(1);
    expect(w.applied_records).toBe(0);
    // Nothing applied: every row of the leader is missing on the follower.
    expect(w.divergent_rows).toBe(w.recorded!.leader.rowCount);
    expect(w.recorded!.follower.rowCount).toBe(0);
    expect(r.rejected_records).toBe(0);
    expect(r.applied_records).toBe(2000);
    expect(st.applied_records).toBe(2000);
    // And the same versions on both sides: the follower applies all of it.
    const same = runLogFormats(
      { transactions: 2000, leaderStorageVersion: 2, followerStorageVersion: 2 },
      14,
    )[1];
    expect(same.rejected_records).toBe(0);
    expect(same.applied_records).toBe(2000);
  });

  it('a row image written in one version and read in another gives other numbers (why a node refuses foreign WAL)', () => {
    const image = encodeSlot(1, 42, 1234.5);
    expect(decodeSlot(1, image)).toEqual({ key: 42, value: 1234.5 });
    expect(decodeSlot(2, image)).not.toEqual({ key: 42, value: 1234.5 });
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

  it('now() diverges with probability (lag + clock offset) / resolution: the follower reads its own clock', () => {
    const offset = 300;
    const r = runLogFormats(
      {
        mix: { insert: 0, now: 1, rand: 0, update: 0 },
        duration: 'const(0.001)',
        shipDelay: 'const(100)',
        ratePerMs: 0.01,
        followerClockOffsetMs: offset,
        transactions: 10000,
      },
      3,
    )[0];
    const p = proportion({ count: r.divergent_by_cause.now, of: 10000 });
    const expected = (100 + 0.001 + offset) / 1000;
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
