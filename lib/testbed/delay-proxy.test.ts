import { createConnection } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { parseLatency } from '../latency/index.js';
import { deriveStream } from '../random/index.js';
import { ksOneSample } from '../stats/index.js';
import { loopbackRoundTrips, measureRoundTrips, startDelayProxy, startEchoServer } from './delay-proxy.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('delay proxy', () => {
  it('the delays it applies pass a KS test against the configured lognormal (p > 0.01)', async () => {
    const echo = await startEchoServer();
    // Median 33 ms: the timer's lateness (a fraction of a ms idle, a few ms on a loaded machine) is
    // small beside it, so the test checks the proxy's draws and FIFO, not the host's scheduler.
    const dist = parseLatency('lognormal(3.5,0.5)');
    const proxy = await startDelayProxy({ targetPort: echo.port, delay: dist, rng: deriveStream(5, 0, 0) });
    try {
      // 8 connections x 20 ping-pongs, one chunk in flight per connection (no FIFO coupling).
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          const s = createConnection({ host: '127.0.0.1', port: proxy.port });
          s.setNoDelay(true);
          await new Promise((r) => s.once('connect', r));
          for (let i = 0; i < 20; i++)
            await new Promise<void>((resolve) => {
              s.once('data', () => resolve());
              s.write('p');
            });
          s.destroy();
        }),
      );
      expect(proxy.applied.length).toBe(320);
      const ks = ksOneSample(proxy.applied, (x) => dist.cdf(x));
      expect(ks.pValue).toBeGreaterThan(0.01);
    } finally {
      await proxy.close();
      await echo.close();
    }
  }, 30_000);

  it.each([true, false])(
    'keeps byte order per connection under random delays (precise %s)',
    async (precise) => {
      const echo = await startEchoServer();
      const proxy = await startDelayProxy({
        targetPort: echo.port,
        delay: parseLatency('uniform(0,5)'),
        rng: deriveStream(6, 0, 0),
        precise,
      });
      try {
        const s = createConnection({ host: '127.0.0.1', port: proxy.port });
        await new Promise((r) => s.once('connect', r));
        const received: Buffer[] = [];
        let bytes = 0;
        const total = 200 * 4;
        const done = new Promise<void>((resolve) =>
          s.on('data', (d: Buffer) => {
            received.push(d);
            bytes += d.length;
            if (bytes >= total) resolve();
          }),
        );
        for (let i = 0; i < 200; i++) {
          const b = Buffer.alloc(4);
          b.writeUInt32BE(i);
          s.write(b);
          if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
        }
        await done;
        const all = Buffer.concat(received);
        const order = Array.from({ length: 200 }, (_, i) => all.readUInt32BE(4 * i));
        expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i));
        s.destroy();
      } finally {
        await proxy.close();
        await echo.close();
      }
    },
    30_000,
  );

  it('on its timer alone (precise: false) it delivers no chunk before its delay', async () => {
    const echo = await startEchoServer();
    const proxy = await startDelayProxy({
      targetPort: echo.port,
      delay: parseLatency('const(3)'),
      rng: deriveStream(8, 0, 0),
      precise: false,
    });
    try {
      const rtts = await measureRoundTrips(proxy.port, 30);
      // 20 warm-up and 30 measured pings, each crossing the proxy twice.
      expect(proxy.applied.length).toBe(100);
      expect(Math.min(...proxy.applied)).toBeGreaterThanOrEqual(3);
      expect(Math.min(...rtts)).toBeGreaterThanOrEqual(6);
    } finally {
      await proxy.close();
      await echo.close();
    }
  }, 30_000);

  it('with const(0) it adds less than 0.2 ms to the median round trip over bare loopback', async () => {
    const echo = await startEchoServer();
    const proxy = await startDelayProxy({
      targetPort: echo.port,
      delay: parseLatency('const(0)'),
      rng: deriveStream(7, 0, 0),
    });
    try {
      const t = performance.now();
      const bare = await loopbackRoundTrips(300);
      const through = await measureRoundTrips(proxy.port, 300);
      expect(performance.now() - t).toBeLessThan(20_000);
      // Bare loopback RTT is tens of microseconds; the proxy adds two hops in this process.
      expect(median(through) - median(bare)).toBeLessThan(0.2);
    } finally {
      await proxy.close();
      await echo.close();
    }
  }, 30_000);
});
