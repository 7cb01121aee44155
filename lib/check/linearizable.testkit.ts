// Test support: histories of a linearizable multi-register store (one register per key).
import type { RandomStream } from '../random/index.js';
import type { History, ReadRecord, WriteRecord } from './history.js';

export interface RegisterHistoryOptions {
  clients: number;
  keys: number;
  operations: number;
  writeRatio: number;
  /** Probability that a write is never acknowledged (half of those still take effect). */
  failRatio: number;
}

/**
 * Each client runs its operations one after another (a random gap, then a random duration; a
 * failed write's client gives up after its timeout). Every operation that takes effect has a
 * linearization point uniform inside its interval; applying them in that order to one register
 * per key gives each read its value. Each write's LWW timestamp is its linearization point, so
 * the store's order is the linearization order.
 */
export function linearizableRegisterHistory(rng: RandomStream, o: RegisterHistoryOptions): History {
  type Step = {
    at: number;
    write?: WriteRecord;
    read?: {
      client: number;
      session: number;
      key: number;
      invokeMs: number;
      returnMs: number;
      returned: number[];
    };
  };
  const steps: Step[] = [];
  const writes: WriteRecord[] = [];
  const clock = new Float64Array(o.clients);
  let nextId = 0;
  for (let i = 0; i < o.operations; i++) {
    const client = rng.nextInt(o.clients);
    const invokeMs = clock[client] + rng.nextDouble() * 2;
    const duration = 0.1 + rng.nextDouble() * 5;
    const end = invokeMs + duration;
    clock[client] = end;
    const key = rng.nextInt(o.keys);
    const at = invokeMs + rng.nextDouble() * duration;
    if (rng.nextDouble() < o.writeRatio) {
      const failed = rng.nextDouble() < o.failRatio;
      const w: WriteRecord = {
        id: nextId++,
        client,
        session: client,
        key,
        invokeMs,
        ackMs: failed ? null : end,
        timestamp: at,
      };
      writes.push(w);
      if (!failed || rng.nextDouble() < 0.5) steps.push({ at, write: w });
      else w.timestamp = Number.NaN; // never applied: never read, never survives
    } else {
      steps.push({ at, read: { client, session: client, key, invokeMs, returnMs: end, returned: [] } });
    }
  }
  steps.sort((a, b) => a.at - b.at);
  const register = new Map<number, number>();
  const reads: ReadRecord[] = [];
  for (const s of steps) {
    if (s.write) register.set(s.write.key, s.write.id);
    else if (s.read) {
      const v = register.get(s.read.key);
      if (v !== undefined) s.read.returned.push(v);
      reads.push(s.read);
    }
  }
  const finalState = new Map<number, readonly number[]>();
  for (const [key, id] of register) finalState.set(key, [id]);
  return { writes, reads, finalState };
}
