/**
 * Replication log formats: what a follower ends up with, and what applying the log costs it,
 * when the leader ships statements, write-ahead-log pages or logical row changes.
 *
 * Leader and follower are nodes of the event kernel, each holding its own rows (a
 * {@link RowStore}: autoincrement items, now() stamps, rand() draws, counters). The leader runs
 * transactions concurrently: each starts at a Poisson arrival, executes at once (now() reads the
 * leader's clock, truncated to `clockResolutionMs`; rand() draws from the leader's stream;
 * an insert takes the next id of the leader's autoincrement counter, InnoDB's interleaved lock
 * mode), runs for a random time and commits: its rows are written, and its log record, at the
 * next log position, goes over the simulated network to the follower:
 * - `statement`: the statement (the follower re-executes it, naively: no SET TIMESTAMP, INSERT_ID
 *   or RAND_SEED events, the fixes MySQL added), so now() reads the follower's clock when it
 *   applies, rand() draws from the follower's stream (`randSeed: 'shared'`: the same seed as the
 *   leader's, drawn in apply order), and the id comes from the follower's counter in commit order;
 * - `wal`: the slot images the commit wrote, tagged with the leader's storage-format version: the
 *   follower writes those bytes if its own version is the same, and otherwise stops replaying
 *   (as a PostgreSQL standby does), so everything after stays missing;
 * - `row`: the rows' values (a logical log), which the follower writes in its own layout.
 * The follower applies records in log order (it holds back one that overtook another on the
 * network) on one apply thread. Divergence is counted after the run by comparing the two nodes'
 * tables, row by row, each decoded in its node's own layout.
 *
 * Applying costs the follower: statement-based re-executes each transaction (its leader
 * execution time, without the leader's concurrency), row-based applies each changed row
 * (`rowApplyMs`), WAL shipping writes each changed page (`walBytesPerRow` at
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
import { Clocks, Network, Simulation } from '../../sim/index.js';
import { latencySummary, LogHistogram, type LatencySummary } from '../../stats/index.js';
import {
  COUNTERS,
  differingRows,
  DRAWS,
  ITEMS,
  RowStore,
  STAMPS,
  type LogRecord,
  type RowImage,
  type SlotImage,
  type Statement,
} from './row-store.js';
import {
  choiceField,
  distributionField,
  positiveField,
  refuseUnknownFields,
  wholeField,
} from './validate.js';

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
  /** Rows of the counters table updates pick from, an integer >= 1. Default 1000. */
  counters: number;
  /** The follower's clock offset from the leader's, ms (any finite number). Default 0. */
  followerClockOffsetMs: number;
  /** Storage-format version of the leader's and of the follower's engine (integers >= 1). Default 1 and 1. */
  leaderStorageVersion: number;
  followerStorageVersion: number;
  /** rand()'s stream on the follower: its own (`'per-node'`) or seeded as the leader's (`'shared'`, drawn in apply order). Default `'per-node'`. */
  randSeed: 'per-node' | 'shared';
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
  counters: 1000,
  followerClockOffsetMs: 0,
  leaderStorageVersion: 1,
  followerStorageVersion: 1,
  randSeed: 'per-node',
} satisfies LogFormatConfig);

/** What one format did to the follower. */
export interface LogFormatOutcome {
  format: LogFormat;
  /** Rows written (an update counts its rows). */
  rows: number;
  /** Transactions of each statement kind (the denominators of the causes below). */
  statements: StatementMix;
  /**
   * Rows that differ between the leader's and the follower's tables after the run (missing on
   * one side or another value), in all and by table: `autoincrement` (the items table, keyed by
   * id), `now` (stamps), `rand` (draws), `update` (counters).
   */
  divergent_rows: number;
  divergent_by_cause: { autoincrement: number; now: number; rand: number; update: number };
  /** Records the follower applied, and the ones it refused (WAL of another storage-format version: it stops there). */
  applied_records: number;
  rejected_records: number;
  /** Log volume shipped, bytes per transaction. */
  log_bytes_per_tx: number;
  /** Mean apply cost per transaction on the follower, ms. */
  apply_ms_per_tx: number;
  /** Apply capacity of the follower, transactions per second (1000 / apply_ms_per_tx). */
  apply_capacity_per_s: number;
  /** Whether the follower keeps up: the leader's transaction rate is below its apply capacity. */
  keeps_up: boolean;
  /** Replication lag: from a transaction's commit to its apply on the follower (applied records). */
  lag_ms: LatencySummary;
  /** With `{ record: true }` only: both nodes' storage, the log as shipped, and the transactions. */
  recorded?: LogFormatRecording;
}

/** What a recorded run keeps (memory grows with the run: for tests and small runs). */
export interface LogFormatRecording {
  leader: RowStore;
  follower: RowStore;
  /** The records in log order. */
  log: LogRecord[];
  /** The transactions in start order: kind, start and commit times. */
  transactions: readonly { kind: Statement['kind']; startMs: number; commitMs: number }[];
}

interface Transaction {
  startMs: number;
  commitMs: number;
  durationMs: number;
  kind: keyof StatementMix;
  rows: number;
  /** update: the first counter it changes. */
  key: number;
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
  wholeField('counters', c.counters, 1);
  if (!(typeof c.followerClockOffsetMs === 'number' && Number.isFinite(c.followerClockOffsetMs)))
    throw new ParameterError(
      'followerClockOffsetMs',
      String(c.followerClockOffsetMs),
      'a finite number of ms',
    );
  wholeField('leaderStorageVersion', c.leaderStorageVersion, 1, 1_000_000);
  wholeField('followerStorageVersion', c.followerStorageVersion, 1, 1_000_000);
  choiceField('randSeed', c.randSeed, ['per-node', 'shared'] as const);
  return { ...c, durationDist, shipDist };
}

/** The message kind of a log record (each run owns its simulation). */
const RECORD = 0;

/**
 * Runs the leader's transactions once per format, each on its own simulation with the same
 * transactions and the same network delays. A pure function of (config, seed): the transactions
 * draw from deriveStream(seed, 0, 0), the network from (seed, 0, 1), the follower's rand() from
 * (seed, 0, 2) and the leader's from (seed, 0, 3).
 *
 * @param config - any subset of {@link LogFormatConfig}
 * @param seed - the seed of every stream
 * @param options - `record`: keep both nodes' storage and the log in `recorded`
 * @example
 * const [statement, wal, row] = runLogFormats({}, 1);
 * statement.divergent_rows; // > 0: autoincrement order, now() and rand()
 * runLogFormats({ followerStorageVersion: 2 }, 1)[1].rejected_records; // 1: the follower stops at the first WAL record
 */
export function runLogFormats(
  config: Partial<LogFormatConfig>,
  seed: number,
  options: { record?: boolean } = {},
): LogFormatOutcome[] {
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
    txs.push({
      startMs: t,
      commitMs: t + durationMs,
      durationMs,
      kind,
      rows: kind === 'update' ? cfg.rowsPerUpdate : 1,
      key: kind === 'update' ? rng.nextInt(cfg.counters) : i,
    });
  }
  const rows = txs.reduce((sum, tx) => sum + tx.rows, 0);
  const statements: StatementMix = { insert: 0, now: 0, rand: 0, update: 0 };
  for (const tx of txs) statements[tx.kind]++;
  return LOG_FORMATS.map((format) => {
    const outcome = replicate(cfg, txs, format, seed, options.record === true);
    return { format, rows, statements, ...outcome };
  });
}

/** One format's run: the leader executes and ships, the follower applies; then the tables are compared. */
function replicate(
  cfg: ResolvedLogFormatConfig,
  txs: readonly Transaction[],
  format: LogFormat,
  seed: number,
  record: boolean,
): Omit<LogFormatOutcome, 'format' | 'rows' | 'statements'> {
  const sim = new Simulation(deriveStream(seed, 0, 1));
  const net = new Network(sim, { size: 2, delay: cfg.shipDist });
  const clocks = new Clocks(2);
  clocks.set(1, cfg.followerClockOffsetMs);
  const LEADER = 0;
  const FOLLOWER = 1;
  const leaderRand = deriveStream(seed, 0, 3);
  const followerRand = cfg.randSeed === 'shared' ? deriveStream(seed, 0, 3) : deriveStream(seed, 0, 2);
  const leader = new RowStore(cfg.leaderStorageVersion);
  const follower = new RowStore(cfg.followerStorageVersion);
  const nowValue = (node: number) =>
    Math.floor(clocks.local(node, sim.now) / cfg.clockResolutionMs) * cfg.clockResolutionMs;

  // The leader: what each transaction computed when it executed (id, now(), rand()).
  const executed = new Float64Array(txs.length);
  let leaderCounter = 0;
  let leaderLsn = 0;
  /** Records shipped and not yet applied, by log position, with their commit time. */
  const inFlight = new Map<number, { record: LogRecord; commitMs: number; tx: Transaction }>();
  const log: LogRecord[] = [];
  const START = sim.addKind('start', (i) => {
    const tx = txs[i];
    executed[i] =
      tx.kind === 'insert'
        ? ++leaderCounter
        : tx.kind === 'now'
          ? nowValue(LEADER)
          : tx.kind === 'rand'
            ? leaderRand.nextDouble()
            : 0;
    sim.scheduleAt(tx.commitMs, COMMIT, i);
  });
  const COMMIT = sim.addKind('commit', (i) => {
    const tx = txs[i];
    const changed: RowImage[] = [];
    if (tx.kind === 'update') {
      for (let r = 0; r < tx.rows; r++) {
        const key = (tx.key + r) % cfg.counters;
        changed.push({ table: COUNTERS, key, value: (leader.read(COUNTERS, key) ?? 0) + 1 });
      }
    } else {
      const table = tx.kind === 'insert' ? ITEMS : tx.kind === 'now' ? STAMPS : DRAWS;
      // An insert's row is keyed by its id and holds the transaction's payload (its number).
      changed.push(
        tx.kind === 'insert'
          ? { table, key: executed[i], value: i }
          : { table, key: tx.key, value: executed[i] },
      );
    }
    const images: SlotImage[] = changed.map((row) => leader.write(row.table, row.key, row.value));
    const lsn = ++leaderLsn;
    const rec: LogRecord =
      format === 'statement'
        ? { lsn, format, statement: { kind: tx.kind, key: tx.kind === 'insert' ? i : tx.key, rows: tx.rows } }
        : format === 'wal'
          ? { lsn, format, version: leader.version, slots: images }
          : { lsn, format, rows: changed };
    if (record) log.push(rec);
    inFlight.set(lsn, { record: rec, commitMs: sim.now, tx });
    net.send(LEADER, FOLLOWER, RECORD, lsn);
  });

  // The follower: records in log order, one at a time.
  const arrived = new Set<number>();
  let nextLsn = 1;
  let busy = false;
  let halted = false;
  let followerCounter = 0;
  let applied = 0;
  let rejected = 0;
  let costSum = 0;
  let bytes = 0;
  const lag = new LogHistogram();
  const applyStatement = (s: Statement) => {
    if (s.kind === 'insert') follower.write(ITEMS, ++followerCounter, s.key);
    else if (s.kind === 'now') follower.write(STAMPS, s.key, nowValue(FOLLOWER));
    else if (s.kind === 'rand') follower.write(DRAWS, s.key, followerRand.nextDouble());
    else
      for (let r = 0; r < s.rows; r++) {
        const key = (s.key + r) % cfg.counters;
        follower.write(COUNTERS, key, (follower.read(COUNTERS, key) ?? 0) + 1);
      }
  };
  const tryApply = () => {
    if (busy || halted || !arrived.has(nextLsn)) return;
    const entry = inFlight.get(nextLsn)!;
    const rec = entry.record;
    if (rec.format === 'wal' && rec.version !== follower.version) {
      halted = true;
      rejected++;
      return;
    }
    arrived.delete(nextLsn);
    inFlight.delete(nextLsn);
    if (rec.format === 'statement') applyStatement(rec.statement);
    else if (rec.format === 'wal') for (const image of rec.slots) follower.writeSlot(image);
    else for (const row of rec.rows) follower.write(row.table, row.key, row.value);
    const tx = entry.tx;
    const cost =
      format === 'statement'
        ? tx.durationMs
        : format === 'row'
          ? tx.rows * cfg.rowApplyMs
          : (tx.rows * cfg.walBytesPerRow) / cfg.walApplyBytesPerMs;
    busy = true;
    sim.schedule(cost, APPLIED, FOLLOWER, entry.commitMs);
  };
  const APPLIED = sim.addKind('applied', (_node, commitMs) => {
    lag.record(sim.now - commitMs);
    applied++;
    nextLsn++;
    busy = false;
    tryApply();
  });
  net.on(RECORD, (_to, _from, lsn) => {
    arrived.add(lsn);
    tryApply();
  });
  txs.forEach((tx, i) => sim.scheduleAt(tx.startMs, START, i));
  sim.run();

  for (const tx of txs) {
    costSum +=
      format === 'statement'
        ? tx.durationMs
        : format === 'row'
          ? tx.rows * cfg.rowApplyMs
          : (tx.rows * cfg.walBytesPerRow) / cfg.walApplyBytesPerMs;
    bytes +=
      format === 'statement'
        ? cfg.statementBytes
        : format === 'row'
          ? tx.rows * cfg.rowBytes
          : tx.rows * cfg.walBytesPerRow;
  }
  const [autoincrement, now, rand, update] = differingRows(leader, follower);
  const perTx = costSum / txs.length;
  const capacity = perTx === 0 ? Infinity : 1000 / perTx;
  return {
    divergent_rows: autoincrement + now + rand + update,
    divergent_by_cause: { autoincrement, now, rand, update },
    applied_records: applied,
    rejected_records: rejected,
    log_bytes_per_tx: bytes / txs.length,
    apply_ms_per_tx: perTx,
    apply_capacity_per_s: capacity,
    keeps_up: cfg.ratePerMs * 1000 < capacity,
    lag_ms: latencySummary(lag),
    ...(record
      ? {
          recorded: {
            leader,
            follower,
            log,
            transactions: txs.map(({ kind, startMs, commitMs }) => ({ kind, startMs, commitMs })),
          },
        }
      : {}),
  };
}
