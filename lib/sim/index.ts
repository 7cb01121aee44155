/**
 * The deterministic discrete-event kernel every replication family runs on: a stable event queue,
 * a virtual clock, a network with delays, loss and partitions, crash-recovery nodes, skewed clocks
 * and fault schedules.
 */
export { EventQueue, NO_EVENT, type EventId } from './event-queue.js';
export {
  Simulation,
  MAX_EVENT_KIND,
  PROGRESS_EVERY_EVENTS,
  type ProgressCallback,
  FIRST_ALLOCATED_KIND,
  type EventHandler,
  type EventTracer,
} from './simulation.js';
export { Nodes, type LocalHandler, type NodeListener } from './nodes.js';
export {
  Network,
  NetworkCounters,
  type NetworkOptions,
  type MessageHandler,
  type DropReason,
} from './network.js';
export { Clocks } from './clock.js';
export { Faults, type ChurnOptions } from './faults.js';
export type { TraceEvent } from './trace-event.js';
