/**
 * Replication log formats: what a follower ends up with, and what applying the
 * log costs it, when the leader ships statements, write-ahead-log pages or logical row changes.
 *
 * The leader runs transactions concurrently: each starts at a Poisson arrival, runs for a random
 * time and commits; the log holds them in commit order. Each transaction is one statement:
 * - `insert`: a row with an autoincrement id, taken when the statement executes (InnoDB's
 *   interleaved lock mode), so ids follow execution order while the log follows commit order;
 * - `now`: a row holding the leader's clock reading, truncated to `clockResolutionMs`;
 * - `rand`: a row holding a random number;
 * - `update`: a deterministic update of `rowsPerUpdate` rows.
 *
 * Statement-based replication replays the statements on the follower in log order, naively
 * (no SET TIMESTAMP, INSERT_ID or RAND_SEED events, the fixes MySQL added): the follower's
 * autoincrement counter numbers rows in commit order, now() reads the follower's clock when it
 * applies the statement, rand() draws its own number. Write-ahead-log shipping and logical
 * (row-based) replication ship the results, so the follower's rows equal the leader's.
 *
 * Applying costs the follower (one apply thread): statement-based re-executes each transaction
 * (its leader execution time, without the leader's concurrency), row-based applies each changed
 * row (`rowApplyMs`), WAL shipping writes each changed page (`walBytesPerRow` at
 * `walApplyBytesPerMs`). A follower keeps up only while the write rate stays below its apply
 * capacity, 1 / (mean apply cost).
 *
 * References: M. Kleppmann, Designing Data-Intensive Applications (2017), ch. 5, "Implementation
 * of Replication Logs"; MySQL 8.0 Reference Manual, 19.2.1.1 "Advantages and Disadvantages of
 * Statement-Based and Row-Based Replication" and 17.6.1.6 "AUTO_INCREMENT Handling in InnoDB".
 */
import { ParameterError } from '../../errors.js';
import type { LatencyDistribution } from '../../latency/index.js';
import { deriveStream } from '../../random/index.js';
import { latencySummary, LogHistogram, type LatencySummary } from '../../stats/index.js';
import { distributionField, positiveField, refuseUnknownFields, wholeField } from './validate.js';

/** The three log formats. */
export type LogFormat = 'statement' | 'wal' | 'row';

/** The log formats, in a fixed order. */
export const LOG_FORMATS: readonly LogFormat[] = ['statement', 'wal', 'row'];

/** Shares of the statement kinds (each >= 0, summing to 1). */
export interface StatementMix {
  insert: number;
  now: number;
  rand: number;
  update: number;
}

/** One log-format experiment. Defaults in {@link LOG_FORMAT_DEFAULTS}. */
export interface LogFormatConfig {
  /** Transactions, an integer >= 1. Default 20000. */
  transactions: number;
  /** Transactions per ms started at the leader (Poisson), > 0. Default 0.2. */
  ratePerMs: number;
  /** Leader execution time of a transaction, a distribution (ms). Default `exp(0.5)` (mean 2 ms). */
  duration: string;
  /** Statement kinds. Default `{ insert: 0.4, now: 0.2, rand: 0.1, update: 0.3 }`. */
  mix: StatementMix;
  /** Rows an update changes, an integer >= 1. Default 10. */
  rowsPerUpdate: number;
  /** now()'s resolution, ms (> 0): DATETIME has 1 s. Default 1000. */
  clockResolutionMs: number;
  /** Delay from a commit to its log entry reaching the follower, a distribution (ms). Default `const(1)`. */
  shipDelay: string;
  /** Row-based: follower's cost per changed row, ms (>= 0). Default 0.05. */
  rowApplyMs: number;
  /** WAL shipping: bytes written per changed row (a page), >= 0. Default 8192. */
  walBytesPerRow: number;
  /** WAL shipping: follower's page-write throughput, bytes per ms, > 0. Default 100000 (100 MB/s). */
  walApplyBytesPerMs: number;
  /** Statement-based: bytes per statement in the log. Default 200. */
  statementBytes: number;
  /** Row-based: bytes per row image in the log. Default 150. */
  rowBytes: number;
}

/** The defaults of every {@link LogFormatConfig} field. */
export const LOG_FORMAT_DEFAULTS: Readonly<LogFormatConfig> = Object.freeze({
  transactions: 20000,
  ratePerMs: 0.2,
  duration: 'exp(0.5)',
  mix: { insert: 0.4, now: 0.2, rand: 0.1, update: 0.3 },
  rowsPerUpdate: 10,
  clockResolutionMs: 1000,
  shipDelay: 'const(1)',
  rowApplyMs: 0.05,
  walBytesPerRow: 8192,
  walApplyBytesPerMs: 100000,
  statementBytes: 200,
  rowBytes: 150,
} satisfies LogFormatConfig);

/** What one format did to the follower. */
export interface LogFormatOutcome {
  format: LogFormat;
  /** Rows written (an update counts its rows). */
  rows: number;
  /** Transactions of each statement kind (the denominators of the causes below). */
  statements: StatementMix;
  /** Rows whose value or id differs between leader and follower, in all and by cause. */
  divergent_rows: number;
  divergent_by_cause: { autoincrement: number; now: number; rand: number };
  /** Log volume shipped, bytes per transaction. */
  log_bytes_per_tx: number;
  /** Mean apply cost per transaction on the follower, ms. */
  apply_ms_per_tx: number;
  /** Apply capacity of the follower, transactions per second (1000 / apply_ms_per_tx). */
  apply_capacity_per_s: number;
  /** Whether the follower keeps up: the leader's transaction rate is below its apply capacity. */
  keeps_up: boolean;
  /** Replication lag: from a transaction's commit to its apply on the follower. */
  lag_ms: LatencySummary;
}

interface Transaction {
  startMs: number;
  /** The value rand() returned on the leader (rand statements). */
  randValue: number;
  commitMs: number;
  durationMs: number;
  kind: keyof StatementMix;
  rows: number;
}

/** A validated config with distributions parsed. */
interface ResolvedLogFormatConfig extends LogFormatConfig {
  durationDist: LatencyDistribution;
  shipDist: LatencyDistribution;
}

function validate(config: Partial<LogFormatConfig>): ResolvedLogFormatConfig {
  refuseUnknownFields(config, LOG_FORMAT_DEFAULTS);
  const c: LogFormatConfig = { ...LOG_FORMAT_DEFAULTS, ...config };
  wholeField('transactions', c.transactions, 1);
  positiveField('ratePerMs', c.ratePerMs, 'transactions per ms');
  const durationDist = distributionField('duration', c.duration);
  const kinds = ['insert', 'now', 'rand', 'update'] as const;
  const mix = c.mix as Partial<StatementMix> | null;
  const shares = kinds.map((k) => mix?.[k]);
  if (
    mix === null ||
    typeof mix !== 'object' ||
    shares.some((x) => !(typeof x === 'number' && x >= 0)) ||
    Math.abs((shares as number[]).reduce((a, b) => a + b, 0) - 1) > 1e-9 ||
    Object.keys(mix).some((k) => !(kinds as readonly string[]).includes(k))
  ) {
    throw new ParameterError(
      'mix',
      JSON.stringify(c.mix),
      '{ insert, now, rand, update }: shares >= 0 summing to 1',
    );
  }
  wholeField('rowsPerUpdate', c.rowsPerUpdate, 1);
  positiveField('clockResolutionMs', c.clockResolutionMs);
  const shipDist = distributionField('shipDelay', c.shipDelay);
  positiveField('rowApplyMs', c.rowApplyMs, 'ms', true);
  positiveField('walBytesPerRow', c.walBytesPerRow, 'bytes', true);
  positiveField('walApplyBytesPerMs', c.walApplyBytesPerMs, 'bytes per ms');
  positiveField('statementBytes', c.statementBytes, 'bytes', true);
  positiveField('rowBytes', c.rowBytes, 'bytes', true);
  return { ...c, durationDist, shipDist };
}

/**
 * Runs the leader's transactions once and replays the log under each format. A pure function of
 * (config, seed): the transactions draw from deriveStream(seed, 0, 0), the follower's rand() and
 * the ship delays from (seed, 0, 1).
 *
 * @param config - any subset of {@link LogFormatConfig}
 * @param seed - the seed of every stream
 * @example
 * const [statement, wal, row] = runLogFormats({}, 1);
 * statement.divergent_rows; // > 0: autoincrement order, now() and rand()
 * wal.divergent_rows;       // 0
 */
export function runLogFormats(config: Partial<LogFormatConfig>, seed: number): LogFormatOutcome[] {
  const cfg = validate(config);
  const rng = deriveStream(seed, 0, 0);
  const txs: Transaction[] = [];
  let t = 0;
  for (let i = 0; i < cfg.transactions; i++) {
    t += -Math.log(rng.nextOpenDouble()) / cfg.ratePerMs;
    const durationMs = cfg.durationDist.sample(rng);
    const u = rng.nextDouble();
    const kind =
      u < cfg.mix.insert
        ? 'insert'
        : u < cfg.mix.insert + cfg.mix.now
          ? 'now'
          : u < cfg.mix.insert + cfg.mix.now + cfg.mix.rand
            ? 'rand'
            : 'update';
    const randValue = kind === 'rand' ? rng.nextDouble() : 0;
    txs.push({
      startMs: t,
      randValue,
      commitMs: t + durationMs,
      durationMs,
      kind,
      rows: kind === 'update' ? cfg.rowsPerUpdate : 1,
    });
  }
  // Autoincrement ids at the leader: in execution (start) order among inserts.
  const leaderId = new Map<Transaction, number>();
  let next = 1;
  for (const tx of txs) if (tx.kind === 'insert') leaderId.set(tx, next++);
  const log = txs.slice().sort((a, b) => a.commitMs - b.commitMs);
  const followerRng = deriveStream(seed, 0, 1);
  const arrival = log.map((tx) => tx.commitMs + cfg.shipDist.sample(followerRng));
  for (let i = 1; i < arrival.length; i++) arrival[i] = Math.max(arrival[i], arrival[i - 1]); // the log arrives in order
  const rows = txs.reduce((sum, tx) => sum + tx.rows, 0);
  const statements: StatementMix = { insert: 0, now: 0, rand: 0, update: 0 };
  for (const tx of txs) statements[tx.kind]++;

  return LOG_FORMATS.map((format) => {
    const cost = (tx: Transaction): number =>
      format === 'statement'
        ? tx.durationMs
        : format === 'row'
          ? tx.rows * cfg.rowApplyMs
          : (tx.rows * cfg.walBytesPerRow) / cfg.walApplyBytesPerMs;
    const lag = new LogHistogram();
    const cause = { autoincrement: 0, now: 0, rand: 0 };
    let free = 0;
    let followerNext = 1;
    let costSum = 0;
    let bytes = 0;
    log.forEach((tx, i) => {
      const c = cost(tx);
      costSum += c;
      const applyStart = Math.max(free, arrival[i]);
      free = applyStart + c;
      lag.record(free - tx.commitMs);
      bytes +=
        format === 'statement'
          ? cfg.statementBytes
          : format === 'row'
            ? tx.rows * cfg.rowBytes
            : tx.rows * cfg.walBytesPerRow;
      if (format !== 'statement') return;
      // Naive replay: the follower's own counter, clock and random numbers.
      if (tx.kind === 'insert' && followerNext++ !== leaderId.get(tx)) cause.autoincrement++;
      if (
        tx.kind === 'now' &&
        Math.floor(tx.startMs / cfg.clockResolutionMs) !== Math.floor(applyStart / cfg.clockResolutionMs)
      )
        cause.now++;
      if (tx.kind === 'rand' && followerRng.nextDouble() !== tx.randValue) cause.rand++;
    });
    const perTx = costSum / log.length;
    const capacity = perTx === 0 ? Infinity : 1000 / perTx;
    return {
      format,
      rows,
      statements,
      divergent_rows: cause.autoincrement + cause.now + cause.rand,
      divergent_by_cause: cause,
      log_bytes_per_tx: bytes / log.length,
      apply_ms_per_tx: perTx,
      apply_capacity_per_s: capacity,
      keeps_up: cfg.ratePerMs * 1000 < capacity,
      lag_ms: latencySummary(lag),
    };
  });
}
