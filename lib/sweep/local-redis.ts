/**
 * A throwaway redis-server on a free loopback port (no persistence), for the distributed-sweep
 * tests and `npm run bench:distributed`, and for trying a distributed sweep on one machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where Debian's redis-server lives; .ci/run installs it. */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** Whether redis-server is installed; throws under CI=true when it is not (CI must never skip the distributed tests). */
export function redisAvailable(): boolean {
  if (existsSync(REDIS_SERVER)) return true;
  if (process.env.CI === 'true')
    throw new Error(`${REDIS_SERVER} is missing; .ci/run must install redis-server`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A running redis-server (no persistence) and its URL. */
export interface RedisFixture {
  url: string;
  port: number;
  stop(): void;
}

/**
 * Starts redis-server on a free loopback port and waits until it answers.
 *
 * @example
 * const redis = await startRedis();
 * try { await runSweep(spec, { backend: redis.url }); } finally { redis.stop(); }
 */
export async function startRedis(): Promise<RedisFixture> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout?.trim() === 'PONG')
      return { url: `redis://127.0.0.1:${port}`, port, stop: () => child.kill('SIGKILL') };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer on port ${port}`);
}
