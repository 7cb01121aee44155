/**
 * A TCP proxy on 127.0.0.1 that delays every chunk it forwards by a draw from one of the lab's
 * latency distributions: the link between two real servers made to look like the model's network
 * (the kernel here has no netem). Bytes keep their order per connection and direction: a chunk is
 * written no earlier than its own due time and no earlier than the chunk before it (FIFO, like one
 * TCP stream; a short draw after a long one waits for it).
 *
 * Timers: Node's setTimeout fires up to about a millisecond late, so a delivery waits on a timer
 * until ~1 ms before its due time and then on the event loop's check phase (setImmediate) for the
 * rest (with `precise: false`, on the timer alone). The delays actually applied (write time minus
 * read time, this process's monotonic clock) are recorded for tests and manifests.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { LatencyDistribution } from '../latency/index.js';
import type { RandomStream } from '../random/index.js';

/** Options of {@link startDelayProxy}. */
export interface DelayProxyOptions {
  /** Where connections are forwarded (127.0.0.1). */
  targetPort: number;
  /** Port to listen on; 0 or absent: a free one. */
  listenPort?: number;
  /** The per-chunk delay, ms. */
  delay: LatencyDistribution;
  /** The stream the delays are drawn from (one proxy, one stream: deterministic draws in arrival order). */
  rng: RandomStream;
  /** Keep at most this many applied delays (the first ones); default 100000. */
  recordLimit?: number;
  /**
   * true (default): the last millisecond before a due time is waited on the event loop's check
   * phase, so a delivery is late by microseconds but the proxy keeps a core busy while a chunk is
   * pending. false: on the timer alone, late by up to about a millisecond (recorded in `applied`)
   * and no CPU spent waiting: for measurements on a small machine whose cores the servers need.
   */
  precise?: boolean;
}

/** A running proxy. */
export interface DelayProxy {
  readonly port: number;
  readonly targetPort: number;
  /** Applied delays, ms, in delivery order (at most `recordLimit`). */
  readonly applied: number[];
  /** Chunks forwarded in both directions. */
  chunks(): number;
  /** Stops accepting, destroys every connection. */
  close(): Promise<void>;
}

interface Pending {
  chunk: Buffer;
  readAt: number;
  due: number;
}

/** Starts a delay proxy; resolves once it listens. */
export function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const applied: number[] = [];
  const limit = options.recordLimit ?? 100_000;
  const precise = options.precise ?? true;
  const sockets = new Set<Socket>();
  let forwarded = 0;

  const pipe = (from: Socket, to: Socket) => {
    const queue: Pending[] = [];
    let lastDue = 0;
    let waiting = false;
    let ended = false;
    const deliver = (item: Pending, now: number) => {
      if (!to.destroyed) to.write(item.chunk);
      forwarded++;
      if (applied.length < limit) applied.push(now - item.readAt);
    };
    const flush = () => {
      waiting = false;
      let now = performance.now();
      while (queue.length > 0 && queue[0].due <= now) {
        deliver(queue.shift()!, now);
        now = performance.now();
      }
      if (queue.length > 0) arm(queue[0].due - now);
      else if (ended) to.end();
    };
    const arm = (waitMs: number) => {
      if (waiting) return;
      waiting = true;
      if (!precise) setTimeout(flush, Math.max(0, Math.ceil(waitMs)));
      else if (waitMs > 1.5) setTimeout(flush, Math.floor(waitMs - 1));
      else setImmediate(flush);
    };
    from.on('data', (chunk: Buffer) => {
      const now = performance.now();
      const due = Math.max(now + options.delay.sample(options.rng), lastDue);
      lastDue = due;
      const item = { chunk, readAt: now, due };
      if (queue.length === 0 && due <= now) deliver(item, now);
      else {
        queue.push(item);
        arm(due - now);
      }
    });
    from.on('end', () => {
      ended = true;
      if (queue.length === 0) to.end();
    });
  };

  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = createConnection({ host: '127.0.0.1', port: options.targetPort });
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    pipe(client, upstream);
    pipe(upstream, client);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        port,
        targetPort: options.targetPort,
        applied,
        chunks: () => forwarded,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            sockets.clear();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A TCP echo server on 127.0.0.1 (for round-trip measurements). */
export function startEchoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('data', (d) => s.write(d));
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Round trips of a one-byte ping to a TCP echo at `port` (127.0.0.1), `count` of them one after
 * the other on one connection (after 20 unrecorded warm-up pings), in ms.
 */
export async function measureRoundTrips(port: number, count: number): Promise<number[]> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const rtts: number[] = [];
  const ping = () =>
    new Promise<number>((resolve) => {
      const t = performance.now();
      socket.once('data', () => resolve(performance.now() - t));
      socket.write('x');
    });
  for (let i = 0; i < 20; i++) await ping();
  for (let i = 0; i < count; i++) rtts.push(await ping());
  socket.destroy();
  return rtts;
}

/** The loopback's own round trip (bare 127.0.0.1 TCP ping-pong through an echo in this process), ms. */
export async function loopbackRoundTrips(count = 200): Promise<number[]> {
  const echo = await startEchoServer();
  try {
    return await measureRoundTrips(echo.port, count);
  } finally {
    await echo.close();
  }
}
