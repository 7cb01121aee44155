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
    nodes.onCrash((node, t) => { downSince[node] = t; });
    nodes.onRecover((node, t) => { downTotal[node] += Math.min(t, horizon) - downSince[node]; });
    for (let node = 0; node < n; node++) faults.churn(node, exponential(1 / 40), exponential(1 / 10));
    sim.run(horizon);
    for (let node = 0; node < n; node++) if (!nodes.isUp(node)) downTotal[node] += horizon - downSince[node];
    const fractions = Array.from(downTotal, (d) => d / horizon);
    const mean = fractions.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(fractions.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
    expect(Math.abs(mean - 0.2)).toBeLessThan(4.5 * sd / Math.sqrt(n) + 0.005); // + start-up bias (all start up)
  });

  it('forgets plans on reset', () => {
    const { sim, faults, log } = world();
    faults.outage(0, 5, 5);
    sim.reset();
    sim.run();
    expect(log).toEqual([]);
  });
});
