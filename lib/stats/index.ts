export { wilsonInterval, Z_95, type ProportionEstimate } from './wilson.js';
export { meanInterval } from './mean-interval.js';
export { LogHistogram, LOG_HISTOGRAM_RELATIVE_ERROR, type LogHistogramData } from './log-histogram.js';
export {
  latencySummary,
  FULL_SUMMARY,
  LATENCY_SUMMARY_FIELDS,
  MEDIAN_AND_TAIL,
  type FullSummaryField,
  type LatencySummary,
  type LatencySummaryField,
} from './latency-summary.js';
export {
  BatchMeans,
  combineMeanEstimates,
  MEAN_BATCHES,
  T_975_29,
  type MeanEstimate,
} from './batch-means.js';
export { kolmogorovQ, ksOneSample, ksTwoSample, type KsResult } from './ks.js';
export {
  sampleQuantile,
  summarizeSample,
  type QuantileEstimate,
  type SampleSummary,
} from './sample-quantiles.js';
