import { describe, expect, it } from 'vitest';
import { constant, exponential } from '../latency/index.js';
import { deriveStream } from '../random/index.js';
import { Faults } from './faults.js';
import { Network } from './network.js';
import { Nodes } from './nodes.js';
import { Simulation } from './simulation.js';

function world() {
  const sim = new Simulation(deriveStream(5));
  const nodes = new Nodes(sim, 3);
  const net = new Network(sim, { size: 3, delay: constant(1), nodes });
  const faults = new Faults(sim, nodes, net);
  const log: string[] = [];
  nodes.onCrash((node, t) => log.push(`crash ${node} @${t}`));
  nodes.onRecover((node, t) => log.push(`recover ${node} @${t}`));
  return { sim, nodes, net, faults, log };
}

describe('Faults', () => {
  it('crashes and recovers at given times', () => {
    const { sim, faults, log } = world();
    faults.outage(1, 10, 5);
    faults.crashAt(2, 12);
    faults.recoverAt(2, 30);
    sim.run();
    expect(log).toEqual(['crash 1 @10', 'crash 2 @12', 'recover 1 @15', 'recover 2 @30']);
  });

  it('cuts links during a scheduled partition only', () => {
    const { sim, net, faults } = world();
    const delivered: number[] = [];
    net.on(0, (_to, _from, a) => delivered.push(a));
    sim.on(1, (_t, a) => net.send(0, 2, 0, a));
    faults.partitionAt(10, 20, [0], [2]);
    for (const t of [5, 10, 15, 20, 25]) sim.scheduleAt(t, 1, 0, t);
    sim.run();
    // At 10 the partition event was scheduled first, so it is in force; at 20 the heal is.
    expect(delivered).toEqual([5, 20, 25]);
    expect(net.counters.partition).toBe(2);
  });

  it('churns with constant phases, stopping new failures at untilMs', () => {
    const { sim, faults, log } = world();
    faults.churn(0, constant(10), constant(2), { untilMs: 30 });
    sim.run();
    expect(log).toEqual(['crash 0 @10', 'recover 0 @12', 'crash 0 @22', 'recover 0 @24']);
  });

  it('churn downtime matches MTTR / (MTTF + MTTR) (4.5-sigma band over independent nodes)', () => {
    // Renewal-reward: the long-run fraction of time down is MTTR / (MTTF + MTTR) = 0.2.
    const sim = new Simulation(deriveStream(9));
    const n = 200;
    const nodes = new Nodes(sim, n);
    const faults = new Faults(sim, nodes);
    const horizon = 2000;
    const downSince = new Float64Array(n);
    const downTotal = new Float64Array(n);
    nodes.onCrash((node, t) => {
      downSince[node] = t;
    });
    nodes.onRecover((node, t) => {
      downTotal[node] += Math.min(t, horizon) - downSince[node];
    });
    for (let node = 0; node < n; node++) faults.churn(node, exponential(1 / 40), exponential(1 / 10));
    sim.run(horizon);
    for (let node = 0; node < n; node++) if (!nodes.isUp(node)) downTotal[node] += horizon - downSince[node];
    const fractions = Array.from(downTotal, (d) => d / horizon);
    const mean = fractions.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(fractions.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
    expect(Math.abs(mean - 0.2)).toBeLessThan((4.5 * sd) / Math.sqrt(n) + 0.005); // + start-up bias (all start up)
  });

  it('random partitions: one cut at a time, of the given size, from its own stream, stopping when inactive', () => {
    const run = (stopAt: number) => {
      const sim = new Simulation(deriveStream(5));
      const nodes = new Nodes(sim, 6);
      const net = new Network(sim, { size: 6, delay: constant(1), nodes });
      const faults = new Faults(sim, nodes, net);
      const cuts: { at: number; isolated: number[]; inForce: number }[] = [];
      // Probe the links every ms, half a ms after the fault events: record each new cut once.
      const PROBE = 0;
      let wasCut = false;
      sim.on(PROBE, () => {
        const cut = faults.partitionsInForce > 0;
        if (cut && !wasCut) {
          // Nodes 0..4 are candidates; 5 stands for a client and is never cut.
          const isolated = [0, 1, 2, 3, 4].filter((node) =>
            [0, 1, 2, 3, 4].some((other) => net.isCut(node, other)),
          );
          cuts.push({ at: sim.now, isolated, inForce: faults.partitionsInForce });
        }
        wasCut = cut;
      });
      for (let t = 0; t <= 400; t++) sim.scheduleAt(t + 0.5, PROBE, 0);
      faults.randomPartitions({
        nodes: [0, 1, 2, 3, 4],
        isolate: 2,
        every: constant(20),
        duration: constant(10),
        rng: deriveStream(77),
        active: () => sim.now < stopAt,
      });
      sim.run();
      return { cuts, faults, net };
    };
    const { cuts, faults, net } = run(200);
    // Cuts start at 20, 50, 80, ... (20 up, 10 cut), the last one starting before 200.
    expect(cuts.map((c) => Math.floor(c.at))).toEqual([20, 50, 80, 110, 140, 170]);
    for (const c of cuts) {
      expect(c.inForce).toBe(1);
      // Two isolated nodes cut from the three others: every candidate has a cut link.
      expect(c.isolated).toHaveLength(5);
    }
    expect(faults.partitionsInForce).toBe(0);
    expect(faults.lastHealMs).toBe(180);
    for (let node = 0; node < 5; node++) expect(net.isCut(node, 5)).toBe(false);
    // The same stream gives the same cuts.
    expect(run(200).cuts).toEqual(cuts);
  });

  it('random partitions draw the isolated nodes uniformly', () => {
    const sim = new Simulation(deriveStream(5));
    const nodes = new Nodes(sim, 4);
    const net = new Network(sim, { size: 4, delay: constant(1), nodes });
    const faults = new Faults(sim, nodes, net);
    const counts = [0, 0, 0, 0];
    const PROBE = 0;
    sim.on(PROBE, () => {
      // With one node isolated, it is the one whose links to both others are cut.
      for (let node = 0; node < 4; node++)
        if (net.isCut(node, (node + 1) % 4) && net.isCut(node, (node + 2) % 4)) counts[node]++;
    });
    const rounds = 4000;
    for (let i = 0; i < rounds; i++) sim.scheduleAt(10 * i + 5.5, PROBE, 0);
    faults.randomPartitions({
      nodes: [0, 1, 2, 3],
      isolate: 1,
      every: constant(5),
      duration: constant(5),
      rng: deriveStream(3),
    });
    sim.run(10 * rounds);
    // Each node is isolated with probability 1/4 per round: binomial 4.5-sigma band.
    const sd = Math.sqrt(rounds * 0.25 * 0.75);
    for (const c of counts) expect(Math.abs(c - rounds / 4)).toBeLessThan(4.5 * sd);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(rounds);
  });

  it('refuses random partitions that cannot be drawn', () => {
    const { faults } = world();
    const base = { every: constant(1), duration: constant(1), rng: deriveStream(1) };
    expect(() => faults.randomPartitions({ ...base, nodes: [0], isolate: 1 })).toThrow('at least 2 nodes');
    expect(() => faults.randomPartitions({ ...base, nodes: [0, 1, 2], isolate: 3 })).toThrow(
      'isolate 1 to 2 nodes',
    );
    expect(() => faults.randomPartitions({ ...base, nodes: [0, 0, 1], isolate: 1 })).toThrow('distinct');
  });

  it('forgets plans on reset', () => {
    const { sim, faults, log } = world();
    faults.outage(0, 5, 5);
    sim.reset();
    sim.run();
    expect(log).toEqual([]);
  });
});
