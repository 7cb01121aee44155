import { describe, expect, it } from 'vitest';
import { exponential } from '../latency/index.js';
import { deriveStream } from '../random/index.js';
import { FIRST_ALLOCATED_KIND, Simulation } from './simulation.js';
import { Network } from './network.js';
import { Nodes } from './nodes.js';
import { Faults } from './faults.js';

describe('Simulation', () => {
  it('onProgress: calls its listener every N events dispatched, from 0 again after a reset, until removed', () => {
    const sim = new Simulation(deriveStream(1));
    sim.on(0, (_t, n) => {
      if (n < 99) sim.schedule(1, 0, 0, n + 1);
    });
    const at: number[] = [];
    sim.onProgress(10, () => at.push(sim.eventsProcessed));
    sim.schedule(0, 0, 0, 0);
    sim.run();
    expect(at).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    sim.reset();
    at.length = 0;
    sim.schedule(0, 0, 0, 75);
    sim.run();
    expect(at).toEqual([10, 20]);
    sim.onProgress(10, null);
    sim.reset();
    sim.schedule(0, 0, 0, 0);
    sim.run();
    expect(at).toEqual([10, 20]);
    expect(() => sim.onProgress(0, () => {})).toThrow(/whole number/);
  });

  it('dispatches by time, ties in scheduling order, and advances the clock', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.on(0, (target, a) => seen.push(`${sim.now}:${target}:${a}`));
    sim.schedule(5, 0, 1, 10);
    sim.schedule(2, 0, 2, 20);
    sim.schedule(5, 0, 3, 30);
    sim.scheduleAt(2, 0, 4, 40);
    expect(sim.run()).toBe(4);
    expect(seen).toEqual(['2:2:20', '2:4:40', '5:1:10', '5:3:30']);
    expect(sim.now).toBe(5);
    expect(sim.eventsProcessed).toBe(4);
  });

  it('runs until a time (inclusive), then advances the clock to it', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    sim.on(0, () => seen.push(sim.now));
    for (const t of [1, 3, 3, 7]) sim.scheduleAt(t, 0, 0);
    expect(sim.run(3)).toBe(3);
    expect(sim.now).toBe(3);
    expect(sim.run(5)).toBe(0);
    expect(sim.now).toBe(5);
    sim.schedule(1, 0, 0); // counts from 5
    sim.run();
    expect(seen).toEqual([1, 3, 3, 6, 7]);
  });

  it('stops after the current event, steps one event, cancels timeouts', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    sim.on(0, (_t, a) => {
      seen.push(a);
      if (a === 2) sim.stop();
    });
    for (let i = 1; i <= 5; i++) sim.schedule(i, 0, 0, i);
    const timeout = sim.schedule(3.5, 0, 0, 99);
    sim.run();
    expect(seen).toEqual([1, 2]);
    expect(sim.isStopped).toBe(true);
    expect(sim.cancel(timeout)).toBe(true);
    expect(sim.isPending(timeout)).toBe(false);
    expect(sim.step()).toBe(true);
    expect(seen).toEqual([1, 2, 3]);
    sim.run();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(sim.step()).toBe(false);
  });

  it('refuses time travel, bad delays, unknown kinds and double registration', () => {
    const sim = new Simulation();
    sim.on(0, () => {});
    sim.schedule(10, 0, 0);
    sim.run();
    expect(() => sim.schedule(-1, 0, 0)).toThrow(RangeError);
    expect(() => sim.schedule(NaN, 0, 0)).toThrow(RangeError);
    expect(() => sim.schedule(Infinity, 0, 0)).toThrow(RangeError);
    expect(() => sim.scheduleAt(9, 0, 0)).toThrow(RangeError);
    expect(() => sim.on(0, () => {})).toThrow(/already has a handler/);
    expect(() => sim.on(-1, () => {})).toThrow(RangeError);
    sim.schedule(1, 5, 0);
    expect(() => sim.run()).toThrow(/no handler for event kind 5/);
    expect(() => sim.rng.nextDouble()).toThrow(/no random stream/);
  });

  it('hands out private kinds above the fixed range', () => {
    const sim = new Simulation();
    const a = sim.addKind('a', () => {});
    const b = sim.addKind('b', () => {});
    expect([a, b]).toEqual([FIRST_ALLOCATED_KIND, FIRST_ALLOCATED_KIND + 1]);
    sim.on(0, () => {}); // fixed kinds are still free
    expect(sim.kindName(b)).toBe('b');
    expect(sim.kindName(7)).toBe('kind 7');
  });

  /**
   * A gossip model with random delays, loss, a crash and a partition: enough moving parts that
   * any hidden nondeterminism (iteration order, shared state across resets) shows up in the trace.
   */
  function gossipTrace(sim: Simulation, net: Network, seed: number): string[] {
    const trace: string[] = [];
    sim.setTracer((time, kind, target, a, b, c, d) =>
      trace.push(`${time}|${kind}|${target}|${a}|${b}|${c}|${d}`),
    );
    sim.reset(deriveStream(seed));
    const faults = faultsBySim.get(sim)!;
    faults.outage(2, 3, 4);
    faults.partitionAt(5, 9, [0, 1], [3, 4]);
    sim.run(60);
    trace.push(`counters ${JSON.stringify({ ...net.counters, dropped: net.counters.dropped })}`);
    return trace;
  }

  const faultsBySim = new Map<Simulation, Faults>();
  function gossipWorld(): { sim: Simulation; net: Network } {
    const sim = new Simulation();
    const nodes = new Nodes(sim, 5);
    const net = new Network(sim, { size: 5, delay: exponential(1), loss: 0.1, nodes });
    const GOSSIP = 0;
    const TICK = 1;
    net.on(GOSSIP, (to, _from, hops) => {
      if (hops < 3) net.send(to, sim.rng.nextInt(5), GOSSIP, hops + 1);
    });
    // Every node starts a rumour every 2 ms; a crash kills the ticker, recovery restarts it.
    nodes.on(TICK, (node) => {
      net.send(node, sim.rng.nextInt(5), GOSSIP, 0);
      nodes.schedule(node, 2, TICK);
    });
    nodes.onRecover((node) => nodes.schedule(node, 2, TICK));
    sim.onReset(() => {
      for (let node = 0; node < 5; node++) nodes.schedule(node, node * 0.1, TICK);
    });
    faultsBySim.set(sim, new Faults(sim, nodes, net));
    return { sim, net };
  }

  it('is deterministic: same seed, same event trace; reset reuses the world', () => {
    const first = gossipWorld();
    const second = gossipWorld();
    const a = gossipTrace(first.sim, first.net, 11);
    const b = gossipTrace(second.sim, second.net, 11);
    expect(a.length).toBeGreaterThan(100);
    // The faults really acted: messages were cut, lost and sent to a crashed node.
    const counters = JSON.parse(a[a.length - 1].slice('counters '.length)) as Record<string, number>;
    expect(counters.partition).toBeGreaterThan(0);
    expect(counters.loss).toBeGreaterThan(0);
    expect(counters.receiverDown + counters.senderDown).toBeGreaterThan(0);
    expect(b).toEqual(a);
    // The same simulation, reset between trials, reproduces itself and differs across seeds.
    const other = gossipTrace(first.sim, first.net, 12);
    expect(other).not.toEqual(a);
    expect(gossipTrace(first.sim, first.net, 11)).toEqual(a);
  });
});
