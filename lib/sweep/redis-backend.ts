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
 * Reference: BullMQ documentation, "Stalled Jobs" and "Job Ids" (https://docs.bullmq.io).
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { ParameterError } from '../errors.js';
import type { BatchTask } from './batch-task.js';
import { packageVersion } from './manifest.js';
import { BatchPool, type BatchRunner } from './pool.js';

/** The queue name both sides use unless told otherwise. */
export const DEFAULT_QUEUE = 'replilab';

/** Jobs a coordinator keeps enqueued but not yet merged, unless told otherwise. */
export const DEFAULT_JOBS_IN_FLIGHT = 64;

/** How long a worker's job lock lasts without renewal before the job counts as stalled, ms. */
export const DEFAULT_STALL_MS = 30_000;

/** Finished jobs nobody collected (a coordinator that died, batches adaptive precision discarded) expire after this, s. */
const KEEP_FINISHED_S = 24 * 3600;

/** A job's payload: the task, and the package version that must run it. */
interface BatchJobData {
  version: string;
  task: BatchTask;
}

/**
 * Checks a backend URL: `redis://HOST:PORT` (optionally `/DB`, user and password). Returns it.
 *
 * @throws ParameterError naming `flag` for anything else
 * @example
 * parseBackendUrl('redis://127.0.0.1:6379', '--backend'); // 'redis://127.0.0.1:6379'
 */
export function parseBackendUrl(text: string, flag = 'backend'): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ParameterError(flag, JSON.stringify(text), 'a Redis URL, e.g. redis://127.0.0.1:6379');
  }
  const port = url.port === '' ? 6379 : Number(url.port);
  if (
    url.protocol !== 'redis:' ||
    url.hostname === '' ||
    !(port >= 1 && port <= 65535) ||
    !/^(\/\d*)?$/.test(url.pathname)
  ) {
    throw new ParameterError(
      flag,
      JSON.stringify(text),
      'a Redis URL redis://HOST:PORT[/DB], e.g. redis://127.0.0.1:6379',
    );
  }
  return text;
}

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

/**
 * An ioredis connection that retries forever with backoff (BullMQ needs `maxRetriesPerRequest:
 * null`) and reports an outage once when it starts and once when it ends.
 */
function connect(url: string, log: (line: string) => void, role: string): Redis {
  let down = false;
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => {
      if (attempt === 1 || attempt % 20 === 0)
        log(
          `redis (${role}): connection lost; retrying with backoff (attempt ${attempt}, next in ${reconnectDelayMs(attempt)} ms)`,
        );
      down = true;
      return reconnectDelayMs(attempt);
    },
  });
  redis.on('error', () => {}); // reported through retryStrategy, not as unhandled errors
  redis.on('ready', () => {
    if (down) log(`redis (${role}): reconnected`);
    down = false;
  });
  return redis;
}

/** Waits until `redis` is ready, or throws a clear error after `timeoutMs`. */
async function ready(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(
        new Error(`cannot reach Redis at ${url} within ${timeoutMs / 1000} s (is redis-server running?)`),
      );
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
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

/** How a coordinator reaches the workers. */
export interface RedisBatchPoolOptions {
  /** `redis://HOST:PORT`. */
  url: string;
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
  const queueConnection = connect(options.url, log, 'coordinator');
  const eventsConnection = connect(options.url, log, 'coordinator events');
  try {
    await ready(queueConnection, options.url, options.connectTimeoutMs ?? 10_000);
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

/** How a worker serves a queue. */
export interface RedisWorkerOptions {
  url: string;
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
  connectTimeoutMs?: number;
}

/** A running worker: `close()` finishes the jobs in hand and disconnects. */
export interface RedisWorker {
  close(): Promise<void>;
  /** Jobs finished by this worker so far. */
  jobsDone(): number;
}

/**
 * Serves batch jobs from a queue on this machine's worker threads until closed. A job whose
 * package version differs from this worker's fails with a message saying so (the results would
 * not be the same code's).
 *
 * @example
 * const worker = await runRedisWorker({ url: 'redis://127.0.0.1:6379', threads: 2 });
 * process.once('SIGINT', () => worker.close());
 */
export async function runRedisWorker(options: RedisWorkerOptions): Promise<RedisWorker> {
  const log = options.log ?? (() => {});
  const connection = connect(options.url, log, 'worker');
  await ready(connection, options.url, options.connectTimeoutMs ?? 10_000).catch((error) => {
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
  const worker = new Worker<BatchJobData, string>(
    options.queue ?? DEFAULT_QUEUE,
    async (job) => {
      if (job.data.version !== version) {
        throw new Error(
          `job ${job.id} is for replilab ${job.data.version}; this worker runs ${version}: run the same version everywhere`,
        );
      }
      return encodeSummary(await pool.run(job.data.task));
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
    options.onJobDone?.(job.id ?? '');
  });
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await pool.close();
      connection.disconnect();
    },
    jobsDone: () => done,
  };
}
