import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, expectRefused, requireBuiltCli, runCli } from './cli.testkit.js';

const dir = mkdtempSync(join(tmpdir(), 'replilab-calibrate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(requireBuiltCli);

/** Pids of processes named etcd (by /proc/PID/comm). */
function etcdPids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/comm`, 'utf8').trim() === 'etcd';
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('replilab calibrate: bad input', () => {
  const out = () => join(dir, 'c.csv');
  it('an unknown system, --trials 0, a bad --setting, a bad --latency: one line naming it, exit 2, nothing written', () => {
    expectRefused(runCli(['calibrate', 'mongodb', '--out', out()]), 'system', [out()]);
    expectRefused(runCli(['calibrate', 'etcd', '--trials', '0', '--out', out()]), '--trials', [out()]);
    expectRefused(
      runCli(['calibrate', 'etcd', '--setting', 'heartbeat=100,election-timeout=200', '--out', out()]),
      '--setting',
      [out()],
    );
    expectRefused(runCli(['calibrate', 'etcd', '--latency', 'nonsense(', '--out', out()]), '--latency', [
      out(),
    ]);
    expectRefused(runCli(['calibrate', 'etcd', '--out', join(dir, 'c.txt')]), '--out', [join(dir, 'c.txt')]);
  });

  it('redis-sentinel: a setting not down-after=MS, or below 200 ms, or an etcd setting: one line naming --setting, exit 2', () => {
    for (const setting of ['down-after=150', 'down-after=abc', 'heartbeat=100,election-timeout=1000'])
      expectRefused(
        runCli(['calibrate', 'redis-sentinel', '--setting', setting, '--out', out()]),
        '--setting',
        [out()],
      );
  });

  it("patroni: a setting against Patroni's rule (ttl < loop_wait + 2 retry_timeout), not whole seconds, or another system's: one line naming --setting, exit 2", () => {
    for (const setting of [
      'ttl=20,loop_wait=10,retry_timeout=10',
      'ttl=30,loop_wait=0,retry_timeout=10',
      'ttl=30.5,loop_wait=10,retry_timeout=10',
      'down-after=1000',
    ])
      expectRefused(runCli(['calibrate', 'patroni', '--setting', setting, '--out', out()]), '--setting', [
        out(),
      ]);
  });

  it('postgres-commit and postgres-failover: an unknown setting key, a bad value, --trials 0: one line naming it, exit 2, nothing written', () => {
    for (const [system, setting, names] of [
      ['postgres-commit', 'sync=first1,bogus=1', '--setting bogus'],
      ['postgres-commit', 'sync=first2', '--setting sync'],
      ['postgres-commit', 'commit=maybe', '--setting commit'],
      ['postgres-commit', 'delay=-1', '--setting delay'],
      ['postgres-commit', 'rate=100', '--setting rate'],
      ['postgres-failover', 'sync=any1', '--setting sync'],
      ['postgres-failover', 'rate=0', '--setting rate'],
      ['postgres-failover', 'delay', '--setting'],
    ] as const)
      expectRefused(runCli(['calibrate', system, '--setting', setting, '--out', out()]), names, [out()]);
    expectRefused(runCli(['calibrate', 'postgres-commit', '--trials', '0', '--out', out()]), '--trials', [
      out(),
    ]);
  });

  it('postgres-lag: a key it does not read, a bad rate or delay: one line naming it, exit 2, nothing written', () => {
    for (const [setting, names] of [
      ['sync=first1', '--setting sync'],
      ['delay=5,rate=0', '--setting rate'],
      ['delay=2000', '--setting delay'],
    ] as const)
      expectRefused(runCli(['calibrate', 'postgres-lag', '--setting', setting, '--out', out()]), names, [
        out(),
      ]);
  });

  it('a taken --port-base: one line, exit 2, no etcd started by it survives', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const before = new Set(etcdPids());
    try {
      const run = runCli(['calibrate', 'etcd', '--quick', '--port-base', String(port - 4), '--out', out()]);
      expectRefused(run, '--port-base', [out()]);
      expect(etcdPids().filter((p) => !before.has(p))).toEqual([]);
    } finally {
      server.close();
    }
    expect(existsSync(out())).toBe(false);
  }, 60_000);

  it('without etcd on PATH: one line naming the Debian package, exit 2', () => {
    const run = spawnSync(process.execPath, [CLI, 'calibrate', 'etcd', '--quick', '--out', out()], {
      encoding: 'utf8',
      env: { ...process.env, PATH: dir },
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('etcd-server')]);
    expect(existsSync(out())).toBe(false);
  });
});
