// The latency area: distributions of message delays (ms), their text form, presets and traces.
export type { LatencyDistribution } from './distribution.js';
export type { WarsLegs, WarsLegName } from './wars-legs.js';
export { constant } from './constant.js';
export { uniform } from './uniform.js';
export { exponential } from './exponential.js';
export { truncatedNormal } from './truncated-normal.js';
export { lognormal } from './lognormal.js';
export { pareto } from './pareto.js';
export { mixture, type MixtureComponent } from './mixture.js';
export { shifted } from './shifted.js';
export { empirical } from './empirical.js';
export { empiricalFromFile } from './trace-file.js';
export { parseLatency } from './parse.js';
export {
  latencyPreset,
  latencyPresetNames,
  measuredReference,
  resolveLatency,
  type LatencyPreset,
  type MeasuredLatencies,
  type MeasuredReference,
} from './presets.js';
export { normalCdf, normalQuantile } from './standard-normal.js';
export { fillSamples, type BulkSampler } from './bulk.js';
