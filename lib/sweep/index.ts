/**
 * Sweeps: an experiment over a grid of parameter cells, with replicates and one seed, on worker
 * threads or across machines (BullMQ on Redis), resumable, into one CSV with its manifest.
 * `import ... from 'replilab/sweep'`. The engine's parts (batch pools, the scheduler, pooling,
 * the journal, job encoding) are internal.
 */
export {
  runSweep,
  type RunSweepOptions,
  type SweepResult,
  type SweepCellResult,
  type SweepFailure,
  type SweepProgress,
  type SweepManifest,
} from './run-sweep.js';
export {
  loadSweepSpec,
  validateSweepSpec,
  describeValues,
  MAX_SWEEP_CELLS,
  type SweepSpec,
  type ResolvedSweep,
  type SweepCell,
} from './spec.js';
export { sweepExperiment, sweepExperimentNames } from './experiments.js';
export type { SweepExperiment, SweepValue, ExperimentParameter } from './experiment.js';
export { sweepFileSchema } from './sweep-schema.js';
export { notebookProgress, describeProgress } from './notebook-progress.js';
export { defaultThreads } from './pool.js';
export { irwinHallCdf, runSelftest, type SelftestResult } from './selftest.js';

// Outputs: the CSV and manifest every run writes.
export { writeCsv, type CsvValue } from './csv-output.js';
export { describeRun, manifestPathFor, writeManifest, packageVersion, type Manifest } from './manifest.js';
export { writeExperimentOutputs, type ExperimentOutputs, type FigureRequest } from './write-outputs.js';

// Across machines: a worker, the backend's address without credentials, a throwaway local server.
export { runRedisWorker, type RedisWorkerOptions, type RedisWorker } from './redis-backend.js';
export {
  resolveBackend,
  backendAddress,
  redactUrl,
  type RedisBackend,
  type RedisTls,
  type ResolvedBackend,
} from './redis-connection.js';
export { startRedis, type RedisFixture, type LocalRedisOptions } from './local-redis.js';
