/**
 * Sweeps across machines on BullMQ (a Redis-backed job queue): the coordinator (`runSweep` with a
 * `backend`) enqueues each batch task as a job; any number of workers (`runRedisWorker`, the CLI's
 * `replilab worker`) take jobs and run them on their own worker threads. The coordinator merges
 * the summaries with the same scheduler as a local run, strictly in task order, so the CSV is
 * byte-identical to `replilab sweep` without a backend.
 *
 * Jobs are named by (sweep key, cell, batch): the sweep key hashes everything that determines the
 * results (the resume fingerprint and the package version), so a coordinator restarted with
 * `--resume` finds the jobs its predecessor enqueued, finished or not, instead of duplicating them.
 * A worker killed mid-job stops renewing its lock; BullMQ's stalled-job check gives the job to
 * another worker. Summaries cross Redis as v8-serialized bytes (base64), which keep typed arrays
 * and Maps exactly as structured clone does between threads.
 *
 * The backend's credentials stay in the connection options (see redis-connection.ts): logs and
 * errors name it by its address. A worker checks every job it takes (batch-job.ts) and refuses,
 * without running it, one that is malformed, oversized or for another version; the refusal is
 * the job's failure, so the coordinator reports it as the cell's.
 *
 * Reference: BullMQ documentation, "Stalled Jobs" and "Job Ids" (https://docs.bullmq.io).
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { ParameterError } from '../errors.js';
import { checkBatchJob, type BatchJobData } from './batch-job.js';
import type { BatchTask } from '../experiments/batch-task.js';
import { packageVersion } from '../output/manifest.js';
import { BatchPool, type BatchRunner } from '../experiments/worker-pool.js';
import { resolveBackend, type RedisBackend, type ResolvedBackend } from './redis-connection.js';

export { parseBackendUrl } from './redis-connection.js';

/** The queue name both sides use unless told otherwise. */
export const DEFAULT_QUEUE = 'replilab';

/** Jobs a coordinator keeps enqueued but not yet merged, unless told otherwise. */
export const DEFAULT_JOBS_IN_FLIGHT = 64;

/** How long a worker's job lock lasts without renewal before the job counts as stalled, ms. */
export const DEFAULT_STALL_MS = 30_000;

/** Finished jobs nobody collected (a coordinator that died, batches adaptive precision discarded) expire after this, s. */
const KEEP_FINISHED_S = 24 * 3600;

/**
 * A queue name: letters, digits, `.`, `_` and `-` (BullMQ keys are `bull:NAME:...`).
 *
 * @example
 * parseQueueName('replilab', '--queue'); // 'replilab'
 */
export function parseQueueName(text: string, flag = 'queue'): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(text))
    throw new ParameterError(flag, JSON.stringify(text), 'letters, digits, ".", "_" and "-" (at most 64)');
  return text;
}

/** Backoff of reconnection attempts, ms: 100, 200, 400, ... up to 5 s. */
function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt - 1, 6), 5000);
}

/** The last connection error of each connection, for the message when it never becomes ready. */
const lastErrors = new WeakMap<Redis, Error>();

/**
 * An ioredis connection that retries forever with backoff (BullMQ needs `maxRetriesPerRequest:
 * null`) and reports an outage once when it starts and once when it ends.
 */
function connect(backend: ResolvedBackend, log: (line: string) => void, role: string): Redis {
  let down = false;
  const redis = new Redis({
    ...backend.connection,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => {
      if (attempt === 1 || attempt % 20 === 0)
        log(
          `redis (${role}) at ${backend.address}: connection lost${describeError(lastErrors.get(redis))}; retrying with backoff (attempt ${attempt}, next in ${reconnectDelayMs(attempt)} ms)`,
        );
      down = true;
      return reconnectDelayMs(attempt);
    },
  } satisfies RedisOptions);
  // Reported through retryStrategy and ready(), not as unhandled errors. Only the message is
  // ever shown: ioredis attaches the failed command, whose arguments can hold the password.
  redis.on('error', (error: Error) => lastErrors.set(redis, error));
  redis.on('ready', () => {
    if (down) log(`redis (${role}) at ${backend.address}: reconnected`);
    down = false;
  });
  return redis;
}

function describeError(error: Error | undefined): string {
  return error ? ` (${error.message.split('\n')[0]})` : '';
}

/**
 * Errors that retrying cannot mend: a refused password, or a certificate that does not verify.
 * At the start they fail the run at once instead of after the whole connect timeout.
 */
function isRefusal(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return (
    /^(NOAUTH|WRONGPASS|NOPERM)\b/.test(error.message) ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(code)
  );
}

/**
 * Waits until `redis` is ready, or throws a clear error naming the backend by its address: at
 * once when Redis refuses the credentials or the certificate, else after `timeoutMs`.
 */
async function ready(redis: Redis, address: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `cannot reach Redis at ${address} within ${timeoutMs / 1000} s${describeError(lastErrors.get(redis))} (is redis-server running?)`,
          ),
        ),
      timeoutMs,
    );
    const onReady = () => finish();
    const onError = (error: Error) => {
      if (isRefusal(error))
        finish(
          new Error(`cannot reach Redis at ${address}: it refused the connection${describeError(error)}`),
        );
    };
    redis.once('ready', onReady);
    redis.on('error', onError);
  });
}

/** A summary as text for Redis: v8 serialization (typed arrays, Maps and nested objects survive). */
export function encodeSummary(summary: unknown): string {
  return serialize(summary).toString('base64');
}

/** The inverse of {@link encodeSummary}. */
export function decodeSummary<S>(text: string): S {
  return deserialize(Buffer.from(text, 'base64')) as S;
}

/**
 * The sweep key: a short hash of what determines a sweep's results (its resume fingerprint) and
 * the package version. Jobs are `KEY-CELL-BATCH`.
 *
 * @example
 * sweepKey({ seed: 1, cells: [] }); // e.g. '3f2a9c0d1b7e4a65'
 */
export function sweepKey(fingerprint: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ fingerprint, version: packageVersion() }))
    .digest('hex')
    .slice(0, 16);
}

/** How a coordinator reaches the workers: the backend (URL, password, TLS) and the queue. */
export interface RedisBatchPoolOptions extends RedisBackend {
  /** The sweep's key ({@link sweepKey}): names its jobs. */
  key: string;
  /** Queue name (default {@link DEFAULT_QUEUE}). */
  queue?: string;
  /** Jobs enqueued and not yet merged, at most (default {@link DEFAULT_JOBS_IN_FLIGHT}). */
  jobsInFlight?: number;
  /** Where connection problems are reported. */
  log?: (line: string) => void;
  /** How long to wait for Redis at the start, ms (default 10 s). */
  connectTimeoutMs?: number;
}

/**
 * The coordinator's side: a {@link BatchRunner} whose tasks run as BullMQ jobs on whatever
 * workers serve the queue. Create it with {@link openRedisBatchPool}.
 *
 * @example
 * const pool = await openRedisBatchPool({ url: 'redis://127.0.0.1:6379', key: sweepKey(fp) });
 * try { summary = await pool.run(task); } finally { await pool.close(); }
 */
export class RedisBatchPool implements BatchRunner {
  readonly concurrency: number;
  readonly inline = false;

  constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly key: string,
    jobsInFlight: number,
    private readonly connections: Redis[],
  ) {
    this.concurrency = jobsInFlight;
  }

  runHere<S>(): S {
    throw new Error('a Redis batch pool runs no task in this thread');
  }

  async run<S>(task: BatchTask): Promise<S> {
    const jobId = `${this.key}-${task.cell}-${task.batch}`;
    const data: BatchJobData = { version: packageVersion(), task };
    // Adding an id that exists returns the existing job (a resumed coordinator reuses its
    // predecessor's jobs, finished or not).
    await this.queue.add('batch', data, {
      jobId,
      attempts: 1,
      removeOnComplete: { age: KEEP_FINISHED_S },
      removeOnFail: { age: KEEP_FINISHED_S },
    });
    const job = (await this.queue.getJob(jobId)) as Job<BatchJobData, string>;
    if ((await job.getState()) === 'failed' && /stalled/i.test(job.failedReason ?? ''))
      await job.retry('failed');
    const encoded = await job.waitUntilFinished(this.events);
    await job.remove().catch(() => {}); // collected: the key space holds only work in progress
    return decodeSummary<S>(encoded);
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    for (const connection of this.connections) connection.disconnect();
  }
}

/**
 * Connects a coordinator to Redis and returns its {@link RedisBatchPool}.
 *
 * @throws Error when Redis cannot be reached within `connectTimeoutMs`
 */
export async function openRedisBatchPool(options: RedisBatchPoolOptions): Promise<RedisBatchPool> {
  const log = options.log ?? (() => {});
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const backend = resolveBackend(options);
  const queueConnection = connect(backend, log, 'coordinator');
  const eventsConnection = connect(backend, log, 'coordinator events');
  try {
    await ready(queueConnection, backend.address, options.connectTimeoutMs ?? 10_000);
    const queue = new Queue(queueName, { connection: queueConnection });
    const events = new QueueEvents(queueName, { connection: eventsConnection });
    // Every job in flight waits on these emitters.
    const jobsInFlight = options.jobsInFlight ?? DEFAULT_JOBS_IN_FLIGHT;
    queue.setMaxListeners(2 * jobsInFlight + 16);
    events.setMaxListeners(2 * jobsInFlight + 16);
    await events.waitUntilReady();
    return new RedisBatchPool(queue, events, options.key, jobsInFlight, [queueConnection, eventsConnection]);
  } catch (error) {
    queueConnection.disconnect();
    eventsConnection.disconnect();
    throw error;
  }
}

/** How a worker serves a queue: the backend (URL, password, TLS), the queue and its threads. */
export interface RedisWorkerOptions extends RedisBackend {
  queue?: string;
  /** Worker threads: jobs run at once on this machine. */
  threads: number;
  /** Lock duration and stalled-check interval, ms (default {@link DEFAULT_STALL_MS}). */
  stallMs?: number;
  /** Heap limit of each worker thread, MB. */
  workerMemoryMb?: number;
  log?: (line: string) => void;
  /** Called after each job this worker finished (for progress lines). */
  onJobDone?: (jobId: string) => void;
  /** Called for each job this worker refused without running it (malformed, oversized, another version). */
  onJobRefused?: (jobId: string, reason: string) => void;
  connectTimeoutMs?: number;
}

/** A running worker: `close()` finishes the jobs in hand and disconnects. */
export interface RedisWorker {
  /** The backend's address, without user or password (for log lines). */
  readonly address: string;
  close(): Promise<void>;
  /** Jobs finished by this worker so far. */
  jobsDone(): number;
}

/**
 * Serves batch jobs from a queue on this machine's worker threads until closed. Every job is
 * checked first ({@link checkBatchJob}): one that is malformed, oversized or for another package
 * version (its results would not be the same code's) fails with a message saying why, is not
 * retried, and never reaches a thread.
 *
 * @example
 * const worker = await runRedisWorker({ url: 'redis://127.0.0.1:6379', threads: 2 });
 * process.once('SIGINT', () => worker.close());
 */
export async function runRedisWorker(options: RedisWorkerOptions): Promise<RedisWorker> {
  const log = options.log ?? (() => {});
  const backend = resolveBackend(options);
  const connection = connect(backend, log, 'worker');
  await ready(connection, backend.address, options.connectTimeoutMs ?? 10_000).catch((error) => {
    connection.disconnect();
    throw error;
  });
  const pool = new BatchPool({
    threads: options.threads,
    workerMemoryMb: options.workerMemoryMb,
    alwaysWorkerThreads: true,
  });
  const version = packageVersion();
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  let done = 0;
  const worker = new Worker<unknown, string>(
    options.queue ?? DEFAULT_QUEUE,
    async (job) => {
      const check =
        job.name === 'batch'
          ? checkBatchJob(job.data, version)
          : ({
              ok: false,
              reason: `the job: named ${JSON.stringify(job.name.slice(0, 64))}, not "batch"`,
            } as const);
      if (!check.ok) {
        const id = printable(job.id ?? '');
        options.onJobRefused?.(id, check.reason);
        // Unrecoverable: a refused job fails at once, whatever attempts it asked for.
        throw new UnrecoverableError(`job ${id} refused by a worker: ${check.reason}`);
      }
      return encodeSummary(await pool.run(check.job.task));
    },
    {
      connection,
      concurrency: options.threads,
      lockDuration: stallMs,
      stalledInterval: stallMs,
      maxStalledCount: 10,
    },
  );
  worker.on('error', () => {}); // connection errors are reported by the connection's retry strategy
  worker.on('completed', (job) => {
    done++;
    options.onJobDone?.(printable(job.id ?? ''));
  });
  await worker.waitUntilReady();
  return {
    address: backend.address,
    async close() {
      await worker.close();
      await pool.close();
      connection.disconnect();
    },
    jobsDone: () => done,
  };
}

/** A job id or name as it may appear in a log line: as is when plain, else quoted and cut short. */
function printable(text: string): string {
  return /^[\w.:-]{1,128}$/.test(text) ? text : JSON.stringify(text.slice(0, 128));
}
