/**
 * One event of a traced run, as replays write it and timelines draw it: a message (it has `from`)
 * goes from `from` at `sentMs` to `node` at `timeMs`; anything else is a local event at `node`.
 * Models narrow `kind` to their own event names.
 */
export interface TraceEvent {
  /** When it happened (a message: when it arrived), ms. */
  timeMs: number;
  /** What happened, e.g. "write-request", "commit". Timelines colour messages by kind. */
  kind: string;
  /** Where it happened (a message: its receiver). */
  node: number;
  /** A message's sender. */
  from?: number;
  /** A message's send time, ms. */
  sentMs?: number;
  /** A version carried or returned (shown as `v1` on read responses and in labels). */
  version?: number;
  /** A message's rank among its kind's arrivals (e.g. the W-th ack commits). */
  rank?: number;
  /** Happened after the outcome was decided: it cannot change it (timelines draw it dashed). */
  late?: boolean;
  /** Label of a local event; timelines make one from the kind when absent. */
  label?: string;
}
