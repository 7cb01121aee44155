import {
  MULTI_LEADER_DEFAULTS,
  type MultiLeaderConfig,
} from '../strategies/multi-leader/multi-leader-config.js';
import type { MultiLeaderResult } from '../strategies/multi-leader/run-multi-leader.js';
import type { CsvValue } from '../sweep/csv-output.js';
import { resultCsvRow } from '../sweep/result-row.js';

/**
 * The CSV row of a multi-leader (`replilab conflicts`) run, or of a sweep cell pooling `trials`
 * runs: the config that ran (a latency matrix, a datacenter failure and per-datacenter lists as
 * JSON), then the metrics (the divergence time series as JSON), then trials and seed.
 *
 * @example
 * const { columns, row } = conflictsCsvRow(runMultiLeader({ datacenters: 2 }, 1), 1, { datacenters: 2 });
 */
export function conflictsCsvRow(
  result: MultiLeaderResult,
  seed: number,
  config: Partial<MultiLeaderConfig>,
  trials = 1,
): { columns: string[]; row: Record<string, CsvValue> } {
  const parameters = { ...MULTI_LEADER_DEFAULTS, ...config } as unknown as Record<string, unknown>;
  return resultCsvRow({ parameters, metrics: result as unknown as Record<string, unknown>, trials, seed });
}
