import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSummary, encodeSummary, parseBackendUrl, runRedisWorker, sweepKey } from './redis-backend.js';
import { redisAvailable, startRedis, type RedisFixture } from './local-redis.js';
import { runSweep } from './run-sweep.js';
import type { SweepSpec } from './spec.js';

// Worker threads and the CLI run from dist/: npm test builds first.
const CLI = join(process.cwd(), 'dist/lib/cli/main.js');
const tempDir = () => mkdtempSync(join(tmpdir(), 'replilab-redis-'));

describe('redis backend: pieces', () => {
  it('summaries survive the trip through Redis exactly (typed arrays, nested objects)', () => {
    const summary = {
      trials: 3,
      consistent: Float64Array.from([1, 2.5, -0]),
      counts: new Uint32Array([7]),
      h: { bins: [1, 2] },
    };
    const back = decodeSummary<typeof summary>(encodeSummary(summary));
    expect(back.consistent).toBeInstanceOf(Float64Array);
    expect([...back.consistent]).toEqual([1, 2.5, -0]);
    expect(back).toEqual(summary);
  });

  it('refuses a backend that is not a Redis URL, naming the flag', () => {
    expect(parseBackendUrl('redis://127.0.0.1:6379', '--backend')).toBe('redis://127.0.0.1:6379');
    expect(() => parseBackendUrl('http://127.0.0.1:6379', '--backend')).toThrow(
      '--backend: got "http://127.0.0.1:6379"',
    );
    expect(() => parseBackendUrl('127.0.0.1:6379', '--backend')).toThrow('allowed: a Redis URL');
    expect(() => parseBackendUrl('redis://h:99999', '--backend')).toThrow('--backend');
  });

  it('the sweep key changes with anything that changes results', () => {
    expect(sweepKey({ seed: 1 })).toBe(sweepKey({ seed: 1 }));
    expect(sweepKey({ seed: 1 })).not.toBe(sweepKey({ seed: 2 }));
    expect(sweepKey({ seed: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
});

const available = redisAvailable();

describe.skipIf(!available)('redis backend: against a real redis-server', () => {
  let redis: RedisFixture;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  const spec: SweepSpec = {
    experiment: 'selftest',
    seed: 5,
    trials: 40_000,
    grid: { k: [2, 3, 4], x: [0.7, 1.4] },
    fixed: { work: 2 },
  };

  it('library: the CSV through an in-process worker is byte-identical to a local run (fixed and adaptive precision)', async () => {
    const worker = await runRedisWorker({ url: redis.url, queue: 'lib', threads: 2, stallMs: 2000 });
    try {
      const local = await runSweep(spec, { threads: 1 });
      const remote = await runSweep(spec, { backend: redis.url, queue: 'lib' });
      expect(remote.csv).toBe(local.csv);
      const adaptive = { ...spec, trials: 400_000, ci_width: 0.01 };
      const localAdaptive = await runSweep(adaptive, { threads: 2 });
      const remoteAdaptive = await runSweep(adaptive, { backend: redis.url, queue: 'lib', jobsInFlight: 5 });
      expect(remoteAdaptive.csv).toBe(localAdaptive.csv);
      expect(worker.jobsDone()).toBeGreaterThan(0);
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('library: a throwing cell is reported with its replay command; the others finish', async () => {
    const worker = await runRedisWorker({ url: redis.url, queue: 'fail', threads: 1, stallMs: 2000 });
    try {
      const failing: SweepSpec = {
        experiment: 'selftest',
        seed: 1,
        trials: 20_000,
        cells: [{ k: 2 }, { k: 3, fail: true }, { k: 4 }],
      };
      const result = await runSweep(failing, { backend: redis.url, queue: 'fail' });
      expect(result.cells.map((c) => c.cell)).toEqual([0, 2]);
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]).toMatchObject({ cell: 1, seed: 1 });
      expect(result.failures[0].message).toMatch(/fail/);
      expect(result.failures[0].replay).toContain('cell: 1');
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('an unreachable Redis fails the run before any file is written', async () => {
    const dir = tempDir();
    const out = join(dir, 'x.csv');
    await expect(
      runSweep(spec, { backend: 'redis://127.0.0.1:1', outPath: out, connectTimeoutMs: 500 }),
    ).rejects.toThrow(/cannot reach Redis at redis:\/\/127.0.0.1:1/);
    expect(readdirSync(dir)).toEqual([]);
  });

  /** A sweep of 36 batches of about 40 ms each on one core: long enough to kill things mid-run. */
  const slowSweep = (dir: string) => {
    const file = join(dir, 'slow.yaml');
    writeFileSync(
      file,
      'experiment: selftest\nseed: 9\ntrials: 65536\ngrid:\n  k: [2, 3, 4]\n  x: [0.5, 1, 1.5]\nfixed:\n  work: 24\n',
    );
    return file;
  };
  const startWorker = (queue: string, log: string[]): ChildProcess => {
    const child = spawn(
      process.execPath,
      [CLI, 'worker', '--backend', redis.url, '--queue', queue, '--threads', '1', '--stall-ms', '1000'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr
      .setEncoding('utf8')
      .on('data', (text: string) => log.push(...text.split('\n').filter(Boolean)));
    return child;
  };
  const stopAll = async (children: ChildProcess[]) => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) resolve();
            else {
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }
          }),
      ),
    );
  };
  const waitFor = async (condition: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };

  it('CLI: three worker processes, one killed mid-run: the CSV equals the local one byte for byte', async () => {
    const dir = tempDir();
    const file = slowSweep(dir);
    const local = spawnSync(
      process.execPath,
      [CLI, 'sweep', file, '--out', join(dir, 'local.csv'), '--threads', '1'],
      { encoding: 'utf8' },
    );
    expect(local.status, local.stderr).toBe(0);
    const logs: string[][] = [[], [], []];
    const workers = logs.map((log) => startWorker('kill-worker', log));
    try {
      const coordinator = spawn(
        process.execPath,
        [
          CLI,
          'sweep',
          file,
          '--out',
          join(dir, 'dist.csv'),
          '--backend',
          redis.url,
          '--queue',
          'kill-worker',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let coordinatorErr = '';
      coordinator.stderr.setEncoding('utf8').on('data', (text: string) => {
        coordinatorErr += text;
      });
      const exited = new Promise<number | null>((resolve) => coordinator.on('exit', (code) => resolve(code)));
      // Kill worker 0 once it has finished a job and taken the next (kill -9: no clean-up).
      await waitFor(() => logs[0].some((line) => line.includes(' done ')), 20_000);
      workers[0].kill('SIGKILL');
      expect(await exited, coordinatorErr).toBe(0);
      expect(readFileSync(join(dir, 'dist.csv')).equals(readFileSync(join(dir, 'local.csv')))).toBe(true);
      const manifest = JSON.parse(readFileSync(join(dir, 'dist.manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ complete: true, backend: redis.url, cellsComputed: 9 });
      // The survivors did the rest. (Worker 0's count can miss the job it finished just before the
      // kill, whose line it never wrote: the CSV above is the proof that no job was lost.)
      const done = logs.map((log) => log.filter((line) => line.includes(' done ')).length);
      expect(done[1] + done[2]).toBeGreaterThan(0);
    } finally {
      await stopAll(workers);
    }
  }, 120_000);

  it('CLI: a coordinator killed mid-run and rerun with --resume ends byte-identical, reusing finished jobs', async () => {
    const dir = tempDir();
    const file = slowSweep(dir);
    const local = spawnSync(
      process.execPath,
      [CLI, 'sweep', file, '--out', join(dir, 'local.csv'), '--threads', '1'],
      { encoding: 'utf8' },
    );
    expect(local.status).toBe(0);
    const logs: string[][] = [[], []];
    const workers = logs.map((log) => startWorker('kill-coordinator', log));
    try {
      const out = join(dir, 'dist.csv');
      const journal = join(dir, 'dist.partial.jsonl');
      const args = ['sweep', file, '--out', out, '--backend', redis.url, '--queue', 'kill-coordinator'];
      const first = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => first.on('exit', () => resolve()));
      const cellsIn = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length - 2 : 0);
      await waitFor(() => cellsIn() >= 2, 20_000);
      first.kill('SIGKILL');
      await exited;
      expect(existsSync(out)).toBe(false);
      const resumed = spawnSync(process.execPath, [CLI, ...args, '--resume'], { encoding: 'utf8' });
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/resuming: \d+ of 9 cells already done/);
      expect(readFileSync(out).equals(readFileSync(join(dir, 'local.csv')))).toBe(true);
    } finally {
      await stopAll(workers);
    }
  }, 120_000);

  it('CLI: bad --backend and --queue without --backend are refused naming the flag (exit 2, nothing written)', () => {
    const dir = tempDir();
    const file = slowSweep(dir);
    const out = join(dir, 'x.csv');
    for (const [args, flag] of [
      [['--backend', 'localhost'], '--backend'],
      [['--queue', 'q'], '--queue'],
      [['--backend', redis.url, '--queue', 'a b'], '--queue'],
    ] as const) {
      const run = spawnSync(process.execPath, [CLI, 'sweep', file, '--out', out, ...args], {
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(flag);
      expect(existsSync(out)).toBe(false);
    }
    const worker = spawnSync(process.execPath, [CLI, 'worker'], { encoding: 'utf8' });
    expect(worker.status).toBe(2);
    expect(worker.stderr).toContain('--backend');
  });
});
