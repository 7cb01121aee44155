/**
 * The payload of a distributed sweep's job, and the check a worker applies to every job it takes
 * from the queue. The queue is shared: whatever is in it is input like any other, so a job must
 * have the shape the coordinator writes, stay within the sizes real sweeps use, and come from the
 * same package version, before any of it reaches a model.
 */
import { z } from 'zod';
import type { BatchTask } from '../experiments/batch-task.js';
import { batchModelNames } from '../experiments/batch-models.js';

/** A job's payload: the task, and the package version that must run it. */
export interface BatchJobData {
  version: string;
  task: BatchTask;
}

/**
 * Largest job payload a worker accepts, bytes of JSON. The biggest real tasks carry a curve of
 * up to 100,000 read offsets (about 2 MB); anything beyond is not a job a coordinator wrote.
 */
export const MAX_JOB_BYTES = 4 * 1024 * 1024;

/**
 * Most trials one job may ask for: 16 times the largest batch any experiment plans (65,536), so
 * a forged job cannot keep a worker busy for hours or exhaust its memory.
 */
export const MAX_BATCH_TRIALS = 1 << 20;

const index = z.int().nonnegative();

const batchJobSchema = z.strictObject({
  version: z.string().max(64),
  task: z.strictObject({
    model: z.enum(batchModelNames()),
    // Each model checks its own parameters; here they must be plain data, as the coordinator sends them.
    params: z.record(z.string(), z.json()),
    seed: index,
    cell: index,
    batch: index,
    trials: z.int().min(1).max(MAX_BATCH_TRIALS),
  }),
});

/** The outcome of {@link checkBatchJob}: the job, or why it is refused (one line). */
export type BatchJobCheck = { ok: true; job: BatchJobData } | { ok: false; reason: string };

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.length > 0 ? issue.path.join('.') : 'the job'}: ${issue.message}`;
}

/**
 * Checks a job's payload as a worker takes it: its size, the version it is for (this worker's
 * `version`), then its shape. A refusal names the first problem found.
 *
 * @example
 * const check = checkBatchJob(job.data, packageVersion());
 * if (!check.ok) throw new Error(`job ${job.id} refused: ${check.reason}`);
 */
export function checkBatchJob(data: unknown, version: string): BatchJobCheck {
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(data) ?? '');
  } catch {
    return { ok: false, reason: 'the job: not plain data (nested too deeply, or cyclic)' };
  }
  if (bytes > MAX_JOB_BYTES)
    return { ok: false, reason: `the job: ${bytes} bytes; at most ${MAX_JOB_BYTES} bytes` };
  const claimed = (data as { version?: unknown } | null)?.version;
  if (typeof claimed === 'string' && claimed !== version)
    return {
      ok: false,
      reason: `the job is for replilab ${JSON.stringify(claimed.slice(0, 64))}; this worker runs ${version}: run the same version everywhere`,
    };
  let parsed: ReturnType<typeof batchJobSchema.safeParse>;
  try {
    parsed = batchJobSchema.safeParse(data);
  } catch {
    return { ok: false, reason: 'task.params: nested too deeply' };
  }
  if (!parsed.success) {
    const [first, ...more] = parsed.error.issues;
    return {
      ok: false,
      reason: `${describeIssue(first)}${more.length > 0 ? ` (and ${more.length} more problem${more.length === 1 ? '' : 's'})` : ''}`,
    };
  }
  return { ok: true, job: parsed.data };
}
