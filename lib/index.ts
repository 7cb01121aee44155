/**
 * replilab: the public API, grouped by area.
 *
 * Loadable with `import` and, on Node >= 20.19, with `require` (no top-level await anywhere
 * below), so the tslab notebook kernel can use the built library.
 *
 * @example
 * import { runStaleness, resolveLatency } from 'replilab';
 * const result = await runStaleness({ n: 3, r: 1, w: 1, legs: resolveLatency('lnkd-disk'),
 *   tGridMs: [0, 5, 10, 50], trials: 100000, seed: 1 });
 */

// Errors: bad input names its parameter.
export { ParameterError } from './errors.js';

// Random streams: seeded and derived from (seed, cell, batch).
export * from './random/index.js';

// Latency models: distributions, the text form, presets and empirical traces.
export * from './latency/index.js';

// The discrete-event kernel.
export * from './sim/index.js';

// Statistics: Wilson intervals and the quantile sketch.
export * from './stats/index.js';

// Workloads: key choice (uniform, Zipf) and client operation streams.
export * from './workload/index.js';

// History checkers: stale reads, k-staleness, session guarantees, lost writes, siblings.
export * from './check/index.js';

// The three replication families.
export * from './strategies/leaderless/index.js';
// A sibling's version (value and dot) is the root's Version; the checkers' is lib/check's.
export type { Version } from './strategies/versions/siblings.js';
export * from './strategies/leader-follower/index.js';
export * from './strategies/multi-leader/index.js';

// Systems: real systems as named scenarios built from system-defaults.json (Dynamo, Riak,
// Cassandra, Voldemort, PostgreSQL, Patroni, MySQL, MongoDB, etcd, Raft, DynamoDB, collaborative
// editing, offline calendars, GitHub's 2012 and 2018 incidents), each parameter with its source.
export * from './scenarios/index.js';

// Sweeps: an experiment over a grid of cells, on worker threads or across machines, into one CSV.
export * from './sweep/index.js';

// Charts: Vega-Lite v5 specs, SVG/PNG export, notebook display.
export * from './charts/index.js';

// Tables: run results and lab CSVs (with their manifests) as Arquero tables, estimates with their
// intervals, HTML display in a notebook.
export * from './tables/index.js';

// Experiments: one parameter schema each; validate and run as the command line does.
export * from './experiments/index.js';
