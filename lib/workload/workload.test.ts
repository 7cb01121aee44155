import { describe, expect, it } from 'vitest';
import { deriveStream } from '../random/index.js';
import { ParameterError } from '../errors.js';
import { exponential } from '../latency/index.js';
import { createWorkload, type WorkloadConfig, type WorkloadOp } from './workload.js';

const open = (over: Partial<WorkloadConfig> = {}): WorkloadConfig => ({
  clients: 8,
  arrivals: { kind: 'open', ratePerMs: 0.05 },
  writeRatio: 0.3,
  keys: 100,
  zipf: 0.99,
  ...over,
});

const copy = (op: WorkloadOp): WorkloadOp => ({ ...op });

describe('createWorkload: open loop', () => {
  it('is deterministic: same seed, same sequence; another seed, another', () => {
    const run = (seed: number) => {
      const wl = createWorkload(open({ sessionLength: 5 }), deriveStream(seed, 2, 3));
      return Array.from({ length: 500 }, () => copy(wl.next()));
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('issues operations in time order, with Poisson arrivals of rate C * ratePerMs', () => {
    const wl = createWorkload(open(), deriveStream(1));
    const n = 200_000;
    let last = 0;
    let sum = 0;
    let sumSq = 0;
    let disorder = 0;
    const perClient = new Float64Array(8);
    for (let i = 0; i < n; i++) {
      const op = wl.next();
      const gap = op.timeMs - last;
      if (gap < 0) disorder++;
      sum += gap;
      sumSq += gap * gap;
      last = op.timeMs;
      perClient[op.client]++;
    }
    expect(disorder).toBe(0);
    const mean = 1 / (8 * 0.05); // 2.5 ms
    // The exponential has sd = mean: the sample mean within 4.5 standard errors, and sd ~ mean.
    expect(Math.abs(sum / n - mean)).toBeLessThanOrEqual((4.5 * mean) / Math.sqrt(n));
    const sd = Math.sqrt(sumSq / n - (sum / n) ** 2);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.02);
    // Each client gets 1/C of the operations (binomial band).
    for (const c of perClient) expect(Math.abs(c - n / 8)).toBeLessThanOrEqual(4.5 * Math.sqrt((n * 7) / 64));
  });

  it('writes with probability writeRatio (binomial band), with unique consecutive write ids', () => {
    for (const ratio of [0, 0.05, 0.5, 1]) {
      const wl = createWorkload(open({ writeRatio: ratio }), deriveStream(4));
      const n = 100_000;
      let writes = 0;
      let badIds = 0;
      for (let i = 0; i < n; i++) {
        const op = wl.next();
        if (op.op === 'write') {
          if (op.writeId !== writes) badIds++;
          writes++;
        } else if (op.writeId !== -1) badIds++;
      }
      expect(badIds).toBe(0);
      expect(wl.writes).toBe(writes);
      expect(wl.operations).toBe(n);
      expect(Math.abs(writes - n * ratio)).toBeLessThanOrEqual(4.5 * Math.sqrt(n * ratio * (1 - ratio)));
    }
  });

  it('draws keys from the configured chooser', () => {
    const wl = createWorkload(open({ keys: 10, zipf: 1 }), deriveStream(5));
    expect(wl.keyChooser.toString()).toBe('zipf(10,1)');
    const n = 100_000;
    let zeros = 0;
    for (let i = 0; i < n; i++) if (wl.next().key === 0) zeros++;
    const p = wl.keyChooser.probability(0);
    expect(Math.abs(zeros - n * p)).toBeLessThanOrEqual(4.5 * Math.sqrt(n * p * (1 - p)));
  });

  it('sessions: one per client by default; geometric with mean sessionLength otherwise', () => {
    const one = createWorkload(open(), deriveStream(6));
    const seen = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const op = one.next();
      const s = seen.get(op.client);
      if (s === undefined) seen.set(op.client, op.session);
      else expect(op.session).toBe(s);
    }
    expect(new Set(seen.values()).size).toBe(8);

    const wl = createWorkload(open({ sessionLength: 4 }), deriveStream(7));
    const n = 200_000;
    const owner = new Map<number, number>();
    let sessions = 0;
    for (let i = 0; i < n; i++) {
      const op = wl.next();
      const o = owner.get(op.session);
      if (o === undefined) {
        expect(op.session).toBe(sessions++);
        owner.set(op.session, op.client);
      } else expect(o).toBe(op.client);
    }
    // Each operation after a client's first starts a new session with probability 1/4.
    const p = 1 / 4;
    const trials = n - 8;
    expect(Math.abs(sessions - 8 - trials * p)).toBeLessThanOrEqual(4.5 * Math.sqrt(trials * p * (1 - p)));
  });

  it('reuses one op object (no allocation per operation)', () => {
    const wl = createWorkload(open(), deriveStream(1));
    expect(wl.next()).toBe(wl.next());
  });
});

describe('createWorkload: closed loop', () => {
  it('issues each client its next operation one think time after the previous ended', () => {
    const wl = createWorkload(
      { clients: 3, arrivals: { kind: 'closed', think: 'exp(0.1)' }, writeRatio: 0.5, keys: 10 },
      deriveStream(8),
    );
    expect(wl.kind).toBe('closed');
    const n = 100_000;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const now = i * 3;
      const op = wl.nextAfter(i % 3, now);
      expect(op.client).toBe(i % 3);
      sum += op.timeMs - now;
    }
    // think ~ exp(0.1): mean 10, sd 10.
    expect(Math.abs(sum / n - 10)).toBeLessThanOrEqual((4.5 * 10) / Math.sqrt(n));
  });

  it('accepts a distribution object and is deterministic', () => {
    const run = () => {
      const wl = createWorkload(
        {
          clients: 2,
          arrivals: { kind: 'closed', think: exponential(1) },
          writeRatio: 0.5,
          keys: 1000,
          zipf: 1.2,
          sessionLength: 3,
        },
        deriveStream(9),
      );
      return Array.from({ length: 200 }, (_, i) => copy(wl.nextAfter(i % 2, i)));
    };
    expect(run()).toEqual(run());
  });

  it('next() and nextAfter() refuse the wrong loop kind', () => {
    expect(() => createWorkload(open(), deriveStream(1)).nextAfter(0, 0)).toThrow(/open-loop/);
    const cl = createWorkload(
      { clients: 2, arrivals: { kind: 'closed', think: 'const(1)' }, writeRatio: 0, keys: 1 },
      deriveStream(1),
    );
    expect(() => cl.next()).toThrow(/closed-loop/);
    expect(() => cl.nextAfter(2, 0)).toThrow(ParameterError);
  });
});

describe('createWorkload: validation', () => {
  it('refuses bad configs with one line naming the field', () => {
    const bad: [Partial<WorkloadConfig>, string][] = [
      [{ clients: 0 }, 'clients'],
      [{ clients: 2.5 }, 'clients'],
      [{ writeRatio: 1.5 }, 'writeRatio'],
      [{ writeRatio: -0.1 }, 'writeRatio'],
      [{ writeRatio: Number.NaN }, 'writeRatio'],
      [{ keys: 0 }, 'keys'],
      [{ zipf: -1 }, 'zipf'],
      [{ sessionLength: 0.5 }, 'sessionLength'],
      [{ arrivals: { kind: 'open', ratePerMs: 0 } }, 'arrivals.ratePerMs'],
      [{ arrivals: { kind: 'open', ratePerMs: Infinity } }, 'arrivals.ratePerMs'],
      [{ arrivals: { kind: 'closed', think: 'bogus(1)' } }, 'arrivals.think'],
      [{ arrivals: { kind: 'poisson' } as unknown as WorkloadConfig['arrivals'] }, 'arrivals.kind'],
      [{ startMs: Number.NaN }, 'startMs'],
    ];
    for (const [over, field] of bad) {
      let error: unknown;
      try {
        createWorkload(open(over), deriveStream(1));
      } catch (e) {
        error = e;
      }
      expect(error, field).toBeInstanceOf(ParameterError);
      expect((error as ParameterError).parameter, JSON.stringify(over)).toBe(field);
      expect((error as Error).message).not.toContain('\n');
    }
    expect(() => createWorkload(open({ writeRatio: 2 }), deriveStream(1))).toThrow(
      'writeRatio: got 2; allowed: a number from 0 to 1',
    );
  });
});
