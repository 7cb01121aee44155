import { describe, expect, it } from 'vitest';
import { NO_EVENT } from './event-queue.js';
import { Nodes } from './nodes.js';
import { Simulation } from './simulation.js';

const TIMER = 0;

describe('Nodes', () => {
  it("kills a crashed node's timers, also after it recovers", () => {
    const sim = new Simulation();
    const nodes = new Nodes(sim, 3);
    const fired: string[] = [];
    nodes.on(TIMER, (node, a) => fired.push(`${sim.now}:${node}:${a}`));
    nodes.schedule(0, 10, TIMER, 1);
    nodes.schedule(1, 10, TIMER, 2);
    nodes.schedule(1, 30, TIMER, 3);
    sim.run(5);
    expect(nodes.crash(1)).toBe(true);
    expect(nodes.crash(1)).toBe(false);
    expect(nodes.schedule(1, 1, TIMER, 4)).toBe(NO_EVENT); // a dead process sets no timers
    sim.run(20);
    expect(nodes.recover(1)).toBe(true);
    nodes.schedule(1, 5, TIMER, 5); // the new incarnation's timer fires
    sim.run();
    expect(fired).toEqual(['10:0:1', '25:1:5']);
    expect(nodes.discarded).toBe(2);
    expect(nodes.incarnation(1)).toBe(2);
  });

  it('tells listeners, counts nodes up, and resets', () => {
    const sim = new Simulation();
    const nodes = new Nodes(sim, 4);
    const events: string[] = [];
    nodes.onCrash((node, t) => events.push(`crash ${node} @${t}`));
    nodes.onRecover((node, t) => events.push(`recover ${node} @${t}`));
    sim.on(1, (node) => nodes.crash(node));
    sim.on(2, (node) => nodes.recover(node));
    sim.scheduleAt(3, 1, 2);
    sim.scheduleAt(4, 1, 0);
    sim.scheduleAt(8, 2, 2);
    sim.run(5);
    expect(nodes.upCount).toBe(2);
    expect(nodes.isUp(2)).toBe(false);
    sim.run();
    expect(events).toEqual(['crash 2 @3', 'crash 0 @4', 'recover 2 @8']);
    sim.reset();
    expect(nodes.upCount).toBe(4);
    expect(nodes.isUp(0)).toBe(true);
    expect(nodes.incarnation(2)).toBe(0);
    expect(() => nodes.crash(4)).toThrow(RangeError);
  });
});
