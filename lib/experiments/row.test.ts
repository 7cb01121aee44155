import { describe, expect, it } from 'vitest';
import { metricCells, parameterCells, resultCsvRow, snakeCase } from './row.js';

describe('resultCsvRow', () => {
  it('parameters first (snake_case, objects as JSON), metrics flattened with interval bounds, then trials and seed', () => {
    const { columns, row } = resultCsvRow({
      parameters: {
        electionTimeoutMs: [150, 300],
        fault: 'pause',
        fencing: false,
        dcFailure: null,
        trials: 200,
      },
      metrics: {
        trials: 200,
        recovery_ms: { p50: 12.5, samples: 190 },
        no_leader_trials: 10,
        by_dc: [1, 2],
        intervals: {
          no_leader_trials: { count: 10, of: 200, p: 0.05, low: 0.03, high: 0.09 },
          split_brain_trials: { count: 4, of: 200, p: 0.02, low: 0.01, high: 0.05 },
        },
      },
      trials: 200,
      seed: 7,
    });
    expect(columns).toEqual([
      'election_timeout_ms',
      'fault',
      'fencing',
      'dc_failure',
      'recovery_ms_p50',
      'recovery_ms_samples',
      'no_leader_trials',
      'by_dc',
      'no_leader_trials_ci_low',
      'no_leader_trials_ci_high',
      'split_brain_trials',
      'split_brain_trials_of',
      'split_brain_trials_ci_low',
      'split_brain_trials_ci_high',
      'trials',
      'seed',
    ]);
    expect(row).toMatchObject({
      election_timeout_ms: '[150,300]',
      fencing: false,
      dc_failure: null,
      recovery_ms_p50: 12.5,
      by_dc: '[1,2]',
      split_brain_trials: 4,
      split_brain_trials_of: 200,
      trials: 200,
      seed: 7,
    });
  });

  it('special forms and skipped fields', () => {
    expect(
      parameterCells(
        { arrivals: { kind: 'open', ratePerMs: 0.1 } },
        { special: { arrivals: (a: { kind: string }) => ({ arrivals: a.kind }) } },
      ),
    ).toEqual({ arrivals: 'open' });
    expect(metricCells({ ops: 5, reads: 3 }, { skip: ['ops'] })).toEqual({ reads: 3 });
    expect(snakeCase('hintedHandoffIntervalMs')).toBe('hinted_handoff_interval_ms');
  });
});
