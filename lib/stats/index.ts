export { wilsonInterval, Z_95, type ProportionEstimate } from './wilson.js';
export { LogHistogram, LOG_HISTOGRAM_RELATIVE_ERROR, type LogHistogramData } from './log-histogram.js';
