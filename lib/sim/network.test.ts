import { describe, expect, it } from 'vitest';
import type { LatencyDistribution } from '../latency/distribution.js';
import { deriveStream } from '../random/index.js';
import { Network } from './network.js';
import { Nodes } from './nodes.js';
import { Simulation } from './simulation.js';

function constant(value: number): LatencyDistribution {
  return {
    kind: 'const',
    sample: () => value,
    mean: () => value,
    cdf: (x: number) => (x >= value ? 1 : 0),
    quantile: () => value,
    toString: () => `const(${value})`,
  };
}

const PING = 0;
const DATA = 1;

/** A 3-node network recording (time, to, from, kind, a) of every delivery. */
function world(options: { loss?: number; nodes?: boolean } = {}) {
  const sim = new Simulation(deriveStream(1));
  const nodes = options.nodes ? new Nodes(sim, 3) : undefined;
  const net = new Network(sim, { size: 3, delay: constant(1), loss: options.loss, nodes });
  const log: number[][] = [];
  net.on(PING, (to, from, a) => log.push([sim.now, to, from, PING, a]));
  net.on(DATA, (to, from, a) => log.push([sim.now, to, from, DATA, a]));
  return { sim, net, log, nodes };
}

describe('Network', () => {
  it('resolves delays: (link, kind) > link > kind > default, per direction', () => {
    const { net } = world();
    const at = (from: number, to: number, kind: number) => net.delayFor(from, to, kind).mean();
    expect(at(0, 1, PING)).toBe(1);
    net.setKindDelay(DATA, constant(2));
    expect([at(0, 1, PING), at(0, 1, DATA)]).toEqual([1, 2]);
    net.setLinkDelay(0, 1, constant(3));
    expect([at(0, 1, PING), at(0, 1, DATA), at(1, 0, DATA)]).toEqual([3, 3, 2]);
    net.setLinkDelay(0, 1, constant(4), DATA);
    expect([at(0, 1, PING), at(0, 1, DATA), at(1, 0, DATA), at(0, 2, DATA)]).toEqual([3, 4, 2, 2]);
    net.setLinkDelay(0, 1, undefined, DATA);
    expect(at(0, 1, DATA)).toBe(3);
    net.setLinkDelay(0, 1, undefined);
    expect(at(0, 1, DATA)).toBe(2);
    net.setKindDelay(DATA, undefined);
    net.setDefaultDelay(constant(5));
    expect(at(0, 1, DATA)).toBe(5);
  });

  it('delivers after the resolved delay, with the sender and arguments', () => {
    const { sim, net, log } = world();
    net.setLinkDelay(0, 2, constant(7), DATA);
    net.send(0, 2, DATA, 42);
    net.send(0, 2, PING, 43);
    net.send(2, 0, DATA, 44);
    sim.run();
    expect(log).toEqual([
      [1, 2, 0, PING, 43],
      [1, 0, 2, DATA, 44],
      [7, 2, 0, DATA, 42],
    ]);
    expect(net.counters.delivered).toBe(3);
    expect(net.counters.inFlight).toBe(0);
  });

  it('drops messages across a partition at send time, both ways, until healed', () => {
    const { sim, net, log } = world();
    const p = net.partition([0], [1, 2]);
    expect(net.isCut(0, 1) && net.isCut(2, 0) && !net.isCut(1, 2)).toBe(true);
    net.send(0, 1, PING);
    net.send(2, 0, PING);
    net.send(1, 2, PING, 1);
    // A message already in flight when the partition starts still arrives.
    net.heal(p);
    net.send(0, 1, PING, 2);
    net.partition([0], [1]);
    sim.run();
    expect(log.map((entry) => entry[4])).toEqual([1, 2]);
    expect(net.counters.partition).toBe(2);
    expect(net.counters.droppedFor('partition')).toBe(2);
  });

  it('stacks partitions: a link heals when every partition cutting it has healed', () => {
    const { net } = world();
    const p1 = net.partition([0], [1]);
    const p2 = net.partition([0, 2], [1]);
    net.heal(p1);
    expect(net.isCut(1, 0)).toBe(true);
    expect(net.heal(p1)).toBe(false);
    net.heal(p2);
    expect(net.isCut(1, 0)).toBe(false);
    net.partition([0], [1]);
    net.heal();
    expect(net.isCut(0, 1)).toBe(false);
  });

  it('drops messages to a node that is down on arrival, and from a down sender', () => {
    const { sim, net, log, nodes } = world({ nodes: true });
    net.send(0, 1, PING, 1); // arrives at 1, node 1 down from 0.5 to 1.5
    sim.scheduleAt(0.5, 9, 1);
    sim.on(9, (node) => nodes!.crash(node));
    sim.run(1.2);
    nodes!.recover(1);
    net.send(0, 1, PING, 2); // arrives at 2.2: delivered
    nodes!.crash(0);
    net.send(0, 2, PING, 3); // sender down
    sim.run();
    expect(log.map((entry) => entry[4])).toEqual([2]);
    expect(net.counters.receiverDown).toBe(1);
    expect(net.counters.senderDown).toBe(1);
    expect(net.counters.sent).toBe(3);
    expect(net.counters.delivered + net.counters.dropped).toBe(3);
  });

  it('tells the dropped handler (not the handler) of a message arriving at a down node', () => {
    const sim = new Simulation(deriveStream(1), 16);
    const nodes = new Nodes(sim, 2);
    const net = new Network(sim, { size: 2, delay: constant(1), nodes });
    const got: string[] = [];
    net.on(
      5,
      (to, from, a) => got.push(`handled ${from}->${to} ${a}`),
      'ping',
      (to, from, a) => got.push(`dropped ${from}->${to} ${a}`),
    );
    net.send(0, 1, 5, 7);
    nodes.crash(1);
    sim.run();
    nodes.recover(1);
    net.send(0, 1, 5, 8);
    sim.run();
    expect(got).toEqual(['dropped 0->1 7', 'handled 0->1 8']);
  });

  it('loses messages at the configured rate (binomial 4.5-sigma band)', () => {
    const trials = 40000;
    for (const [global, link] of [
      [0.1, undefined],
      [0.3, 0.02],
    ] as const) {
      const { sim, net } = world({ loss: global });
      if (link !== undefined) net.setLinkLoss(0, 1, link);
      for (let i = 0; i < trials; i++) net.send(0, 1, PING);
      for (let i = 0; i < trials; i++) net.send(1, 0, PING);
      sim.run();
      const p01 = link ?? global;
      // Losses on 0->1 and 1->0 are counted together; their expectations add.
      const mean = trials * p01 + trials * global;
      const sd = Math.sqrt(trials * p01 * (1 - p01) + trials * global * (1 - global));
      expect(Math.abs(net.counters.loss - mean)).toBeLessThan(4.5 * sd);
      expect(net.counters.delivered).toBe(2 * trials - net.counters.loss);
    }
  });

  it('a slow node gets every message an extra delay later; others keep their delays and draws', () => {
    const { sim, net, log } = world();
    net.setNodeDelay(2, constant(5));
    net.send(0, 2, DATA, 1);
    net.send(2, 0, DATA, 2);
    net.send(0, 1, PING, 3);
    sim.run();
    expect(log).toEqual([
      [1, 0, 2, DATA, 2],
      [1, 1, 0, PING, 3],
      [6, 2, 0, DATA, 1],
    ]);
    net.setNodeDelay(2, undefined);
    net.send(0, 2, DATA, 4);
    sim.run();
    expect(log.at(-1)).toEqual([7, 2, 0, DATA, 4]);
    // A message to a normal node draws exactly as without any slow node.
    const a = world();
    const b = world();
    b.net.setNodeDelay(2, constant(5));
    a.net.send(0, 1, PING);
    b.net.send(0, 1, PING);
    expect(a.sim.rng.nextDouble()).toBe(b.sim.rng.nextDouble());
  });

  it('zero loss leaves the random stream untouched', () => {
    const a = world();
    const b = world({ loss: 0 });
    b.net.setLinkLoss(0, 1, 0);
    a.net.send(0, 1, PING);
    b.net.send(0, 1, PING);
    expect(a.sim.rng.nextDouble()).toBe(b.sim.rng.nextDouble());
  });

  it('a network with its own stream draws from it, not from the simulation', () => {
    const sim = new Simulation(deriveStream(1));
    const own = new Network(sim, {
      size: 2,
      delay: { ...constant(1), sample: (rng) => rng.nextDouble() },
      loss: 0.5,
      rng: deriveStream(2),
    });
    own.on(PING, () => {});
    for (let i = 0; i < 10; i++) own.send(0, 1, PING);
    expect(sim.rng.nextDouble()).toBe(deriveStream(1).nextDouble());
    expect(own.counters.loss).toBeGreaterThan(0);
  });

  it('reset heals partitions and zeroes counters but keeps delay settings', () => {
    const { sim, net, log } = world();
    net.setKindDelay(PING, constant(3));
    net.partition([0], [1]);
    net.send(0, 1, PING);
    net.send(0, 2, PING, 5);
    sim.reset();
    expect(net.isCut(0, 1)).toBe(false);
    expect(net.counters.sent).toBe(0);
    sim.run();
    expect(log).toEqual([]); // the in-flight message went with the queue
    net.send(0, 1, PING, 6);
    sim.run();
    expect(log).toEqual([[3, 1, 0, PING, 6]]);
  });

  it('refuses bad node ids and probabilities', () => {
    const { net } = world();
    expect(() => net.send(0, 3, PING)).toThrow(RangeError);
    expect(() => net.setLoss(1.5)).toThrow(RangeError);
    expect(() => net.setLinkLoss(0, 1, NaN)).toThrow(RangeError);
    expect(() => net.partition([0], [7])).toThrow(RangeError);
  });
});
