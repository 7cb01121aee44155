/**
 * The leaderless model's faults, planned on lib/sim's Faults and Network: crash-recovery churn,
 * scheduled and random partitions, and slow nodes. Each process draws from its
 * own stream derived from the run's seed, never from the simulation's shared stream, so a seed
 * fixes the fault schedule whatever the traffic: a strict and a sloppy run of one seed, or two
 * quorum settings, face the same crashes and the same cuts.
 */
import { deriveStream } from '../../random/index.js';
import { Faults, type Network, type Nodes, type Simulation } from '../../sim/index.js';
import type { ResolvedLeaderlessConfig } from './cluster-config.js';
import {
  CHURN_CRASH,
  CHURN_RECOVER,
  CHURN_STREAMS,
  PARTITION_STREAM,
  STORE_LOSS_STREAMS,
} from './message-kinds.js';

/** What {@link planClusterFaults} needs from the run. */
export interface ClusterFaultDeps {
  cfg: ResolvedLeaderlessConfig;
  sim: Simulation;
  nodes: Nodes;
  net: Network;
  seed: number;
  /** Whether the workload is over: random partitions start no new cut after it. */
  workloadDone: () => boolean;
  /** Rebuilds a node whose store a crash destroyed (`storeLoss`), just before it is back up. */
  restoreStore: (node: number) => void;
}

/**
 * Plans every fault of the config on the run's simulation and returns the Faults object (whose
 * `partitionsInForce` and `lastHealMs` tell anti-entropy when the network healed).
 *
 * Crashes: node i's up and down times come from deriveStream(seed, 0, CHURN_STREAMS + i).
 * Store loss at a crash: deriveStream(seed, 0, STORE_LOSS_STREAMS + i). Random partitions:
 * deriveStream(seed, 0, PARTITION_STREAM). Slow nodes draw their extra delay
 * with the message's own delay (the simulation's stream).
 *
 * @example
 * const faults = planClusterFaults({ cfg, sim, nodes, net, seed, workloadDone, restoreStore: (node) => restore.restore(node) });
 * faults.partitionsInForce; // 0 before the first cut
 */
export function planClusterFaults(deps: ClusterFaultDeps): Faults {
  const { cfg, sim, nodes, net, seed, workloadDone, restoreStore } = deps;
  const faults = new Faults(sim, nodes, net);
  const nodeCount = cfg.nodes;
  if (cfg.churn !== null) {
    const { ttf, ttr } = cfg.churn;
    const churnRng = Array.from({ length: nodeCount }, (_, node) =>
      deriveStream(seed, 0, CHURN_STREAMS + node),
    );
    const lossRng =
      cfg.storeLoss > 0
        ? Array.from({ length: nodeCount }, (_, node) => deriveStream(seed, 0, STORE_LOSS_STREAMS + node))
        : [];
    // Event argument a = 1: the crash destroyed the store (drawn at the crash, restored at recovery).
    sim.on(
      CHURN_CRASH,
      (node) => {
        nodes.crash(node);
        const storeLost = cfg.storeLoss > 0 && lossRng[node].nextDouble() < cfg.storeLoss ? 1 : 0;
        sim.schedule(ttr.sample(churnRng[node]), CHURN_RECOVER, node, storeLost);
      },
      'churn: crash',
    );
    sim.on(
      CHURN_RECOVER,
      (node, storeLost) => {
        if (storeLost === 1) restoreStore(node);
        nodes.recover(node);
        sim.schedule(ttf.sample(churnRng[node]), CHURN_CRASH, node);
      },
      'churn: recover',
    );
    for (let node = 0; node < nodeCount; node++)
      sim.scheduleAt(ttf.sample(churnRng[node]), CHURN_CRASH, node);
  }
  for (const p of cfg.partitions) {
    for (let i = 0; i < p.groups.length; i++) {
      for (let j = i + 1; j < p.groups.length; j++)
        faults.partitionAt(p.startMs, p.endMs, p.groups[i], p.groups[j]);
    }
  }
  if (cfg.randomCuts !== null) {
    faults.randomPartitions({
      nodes: Array.from({ length: nodeCount }, (_, node) => node),
      isolate: cfg.randomCuts.isolate,
      every: cfg.randomCuts.every,
      duration: cfg.randomCuts.duration,
      rng: deriveStream(seed, 0, PARTITION_STREAM),
      active: () => !workloadDone(),
    });
  }
  if (cfg.slowNodes !== null && cfg.slowDelay !== null) {
    for (const node of cfg.slowNodes.nodes) net.setNodeDelay(node, cfg.slowDelay);
  }
  return faults;
}
