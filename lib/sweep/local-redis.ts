/**
 * A throwaway redis-server on a free loopback port (no persistence), for the distributed-sweep
 * tests and `npm run bench:distributed`, and for trying a distributed sweep on one machine;
 * optionally with a password, and TLS-only (Debian's redis-server is built with TLS).
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
  /** `redis://127.0.0.1:PORT`, or `rediss://` when it serves TLS; never with the password. */
  url: string;
  port: number;
  stop(): void;
}

/** How the throwaway server guards itself. */
export interface LocalRedisOptions {
  /** Clients must give this password (`--requirepass`). */
  password?: string;
  /** Serve TLS only, with these PEM files. */
  tls?: {
    /** The server's certificate and key. */
    cert: string;
    key: string;
    /** The CA that client certificates must chain to. */
    ca: string;
    /** Refuse clients without a certificate signed by `ca` (Redis's default). */
    authClients: boolean;
    /** A client certificate and key for the readiness check when `authClients`. */
    clientCert?: string;
    clientKey?: string;
  };
}

/**
 * Starts redis-server on a free loopback port and waits until it answers. The server is
 * stopped when this process exits, should the caller not get to `stop()`.
 *
 * @example
 * const redis = await startRedis();
 * try { await runSweep(spec, { backend: redis.url }); } finally { redis.stop(); }
 */
export async function startRedis(options: LocalRedisOptions = {}): Promise<RedisFixture> {
  const port = await freePort();
  const { password, tls } = options;
  const listen = tls
    ? [
        ...['--port', '0', '--tls-port', String(port)],
        ...['--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca],
        ...['--tls-auth-clients', tls.authClients ? 'yes' : 'no'],
      ]
    : ['--port', String(port)];
  // The configuration file "-" is stdin: the password goes there, not into the command line.
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['-', ...listen, ...['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']],
    { stdio: ['pipe', 'ignore', 'ignore'] },
  );
  child.stdin!.end(password !== undefined ? `requirepass ${JSON.stringify(password)}\n` : '');
  const stop = () => {
    process.off('exit', stop);
    child.kill('SIGKILL');
  };
  process.on('exit', stop);
  const cliTls = tls
    ? [
        ...['--tls', '--cacert', tls.ca],
        ...(tls.clientCert && tls.clientKey ? ['--cert', tls.clientCert, '--key', tls.clientKey] : []),
      ]
    : [];
  for (let i = 0; i < 100; i++) {
    // REDISCLI_AUTH rather than -a: the password stays out of redis-cli's command line.
    const ping = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...cliTls, 'ping'], {
      encoding: 'utf8',
      env: { ...process.env, ...(password !== undefined ? { REDISCLI_AUTH: password } : {}) },
    });
    if (ping.stdout?.trim() === 'PONG')
      return { url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`, port, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  stop();
  throw new Error(`redis-server did not answer on port ${port}`);
}
