/**
 * `npm run bench:distributed`: throughput of a distributed sweep (BullMQ on redis) with 1 and 2 worker
 * processes (one thread each) on this machine, through a throwaway redis-server on a free port.
 * Target: 2 worker processes at least 1.7x one, on a CPU-bound sweep. Prints figures; no test
 * depends on timing. Needs Debian's redis-server (/usr/bin/redis-server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runSweep } from '../lib/sweep/run-sweep.js';
import type { SweepSpec } from '../lib/sweep/spec.js';
import { REDIS_SERVER, startRedis } from '../lib/sweep/local-redis.js';

if (!existsSync(REDIS_SERVER)) {
  console.log(`distributed sweep: skipped (${REDIS_SERVER} is not installed: apt-get install redis-server)`);
  process.exit(0);
}

const CLI = join(process.cwd(), 'dist/lib/cli/main.js');
// 16 cells x 4 batches of about 60 ms: about 4 s on one core, in jobs far longer than a Redis round trip.
const spec: SweepSpec = {
  experiment: 'selftest',
  seed: 1,
  trials: 4 * 16384,
  grid: { k: [2, 3, 4, 5, 6, 7, 8, 9], x: [1, 2] },
  fixed: { work: 48 },
};

function startWorkers(url: string, queue: string, count: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ChildProcess>((resolve) => {
          const child = spawn(
            process.execPath,
            [CLI, 'worker', '--backend', url, '--queue', queue, '--threads', '1', '--quiet'],
            { stdio: ['ignore', 'ignore', 'pipe'] },
          );
          child.stderr.setEncoding('utf8').on('data', (text: string) => {
            if (text.includes('serving queue')) resolve(child);
          });
        }),
    ),
  );
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const redis = await startRedis();
try {
  const times = new Map<number, number[]>([
    [1, []],
    [2, []],
  ]);
  for (let repeat = 0; repeat < 3; repeat++) {
    for (const count of [1, 2]) {
      const queue = `bench-${repeat}-${count}`;
      const workers = await startWorkers(redis.url, queue, count);
      try {
        const started = performance.now();
        await runSweep(spec, { backend: redis.url, queue });
        times.get(count)!.push(performance.now() - started);
      } finally {
        await stop(workers);
      }
    }
  }
  const one = median(times.get(1)!);
  const two = median(times.get(2)!);
  console.log(
    `distributed sweep (BullMQ on a local redis-server), CPU-bound selftest sweep of ${16 * 4} jobs, median of 3:`,
  );
  console.log(
    `  1 worker process ${one.toFixed(0)} ms, 2 worker processes ${two.toFixed(0)} ms: ${(one / two).toFixed(2)}x (target >= 1.7x)`,
  );
} finally {
  redis.stop();
}
