import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_TRIALS, MAX_JOB_BYTES, checkBatchJob } from './batch-job.js';
import { packageVersion } from './manifest.js';
import { loadSweepSpec } from './spec.js';

const VERSION = packageVersion();
const task = {
  model: 'selftest',
  params: { k: 2, x: 1, work: 1, fail: false },
  seed: 1,
  cell: 0,
  batch: 0,
  trials: 1000,
};
const job = (changes: Record<string, unknown> = {}, taskChanges: Record<string, unknown> = {}) => ({
  version: VERSION,
  task: { ...task, ...taskChanges },
  ...changes,
});

describe('batch jobs: what a worker accepts from the queue', () => {
  it("accepts every job of the project's sweep files, with and without adaptive precision caps", () => {
    const dir = join(process.cwd(), 'experiments/sweeps');
    let checked = 0;
    for (const file of readdirSync(dir)) {
      const sweep = loadSweepSpec(join(dir, file));
      for (const cell of sweep.cells) {
        const trials = sweep.spec.max_trials ?? sweep.spec.trials;
        const plan = sweep.experiment.plan(cell.options, { seed: sweep.spec.seed, cell: cell.index, trials });
        for (let b = 0; b < plan.tasks; b++) {
          const check = checkBatchJob(
            JSON.parse(JSON.stringify({ version: VERSION, task: plan.task(b) })),
            VERSION,
          );
          expect(check.ok, `${file} cell ${cell.index} batch ${b}: ${check.ok ? '' : check.reason}`).toBe(
            true,
          );
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('returns the job it checked', () => {
    expect(checkBatchJob(job(), VERSION)).toEqual({ ok: true, job: job() });
  });

  it('refuses malformed jobs, naming what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [null, /^the job: .*expected object/],
      ['batch', /^the job: .*expected object/],
      [[job()], /^the job: .*expected object/],
      [{ version: VERSION }, /^task: /],
      [job({ extra: 1 }), /Unrecognized key.*"extra"/],
      [job({}, { model: 'rm -rf' }), /^task\.model: .*staleness/],
      [job({}, { params: 'k=2' }), /^task\.params: /],
      [job({}, { params: [1, 2] }), /^task\.params: /],
      [job({}, { seed: -1 }), /^task\.seed: /],
      [job({}, { seed: 1.5 }), /^task\.seed: /],
      [job({}, { cell: '0' }), /^task\.cell: /],
      [job({}, { batch: 2 ** 60 }), /^task\.batch: /],
      [job({}, { trials: 0 }), /^task\.trials: /],
      [job({}, { trials: MAX_BATCH_TRIALS + 1 }), new RegExp(`^task\\.trials: .*${MAX_BATCH_TRIALS}`)],
      [job({}, { trials: undefined }), /^task\.trials: /],
      [job({ version: 7 }), /^version: /],
      [job({}, { seed: -1, trials: 0 }), /\(and 1 more problem\)$/],
    ];
    for (const [data, reason] of cases) {
      const check = checkBatchJob(data, VERSION);
      expect(check.ok, JSON.stringify(data)).toBe(false);
      if (!check.ok) {
        expect(check.reason).toMatch(reason);
        expect(check.reason.split('\n')).toHaveLength(1);
      }
    }
  });

  it('refuses an oversized job before looking inside it', () => {
    const check = checkBatchJob(job({}, { params: { blob: 'x'.repeat(MAX_JOB_BYTES) } }), VERSION);
    expect(check).toEqual({
      ok: false,
      reason: `the job: ${MAX_JOB_BYTES + JSON.stringify(job({}, { params: { blob: '' } })).length} bytes; at most ${MAX_JOB_BYTES} bytes`,
    });
  });

  it('refuses a job for another version with a message saying so', () => {
    const check = checkBatchJob(job({ version: '0.0.1-other' }), '9.9.9');
    expect(check).toEqual({
      ok: false,
      reason:
        'the job is for replilab "0.0.1-other"; this worker runs 9.9.9: run the same version everywhere',
    });
  });

  it('refuses a cyclic or deeply nested payload without throwing', () => {
    const cyclic: Record<string, unknown> = { version: VERSION };
    cyclic.task = cyclic;
    expect(checkBatchJob(cyclic, VERSION)).toMatchObject({ ok: false, reason: /not plain data/ });
    let deep: unknown = [];
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(checkBatchJob(job({}, { params: { deep } }), VERSION)).toMatchObject({ ok: false });
  });
});
