/**
 * A scenario report as text (the CLI's summary) and as one CSV row (parameters, then metrics,
 * then trials and seed, as in every CSV of the lab).
 */
import { parameterCells } from '../experiments/row.js';
import type { CsvValue } from '../output/csv.js';
import { sourceText, valueText } from './preset.js';
import type { ScenarioMetric } from './scenario-metric.js';
import type { ScenarioReport } from './run-scenario.js';

function duration(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (Math.abs(ms) >= 10000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

function percent(p: number): string {
  const x = 100 * p;
  return `${x === 0 || x >= 1 ? x.toFixed(2) : x.toPrecision(2)}%`;
}

/**
 * One metric as a line of text: proportions with count, share and Wilson 95% interval; durations
 * with mean, quantiles and the sample count.
 *
 * @example
 * metricText(proportionMetric('x', 'stale reads', { count: 3, of: 1000 })); // "stale reads: 3/1000 = 0.30% [0.10%, 0.88%]"
 */
export function metricText(m: ScenarioMetric): string {
  if (m.kind === 'proportion') {
    const e = m.estimate;
    return e.of === 0
      ? `${m.label}: 0/0 (none to count)`
      : `${m.label}: ${e.count}/${e.of} = ${percent(e.p)} [${percent(e.low)}, ${percent(e.high)}]`;
  }
  if (m.kind === 'duration') {
    const s = m.summary;
    if (s.samples === 0) return `${m.label}: no samples`;
    const min = s.min === null ? '' : `min ${duration(s.min)}, `;
    return `${m.label}: mean ${duration(s.mean)}, ${min}p50 ${duration(s.p50)}, p90 ${duration(s.p90)}, p99 ${duration(s.p99)}, max ${duration(s.max)} (${s.samples} samples)`;
  }
  if (m.kind === 'count') return `${m.label}: ${m.count} over ${m.over}`;
  const v = m.value;
  return `${m.label}: ${v === null ? 'n/a' : m.unit === 'ms' ? duration(v) : `${Number(v.toPrecision(6))} ${m.unit}`}`;
}

/**
 * The report as text: what ran, every parameter with its source, the metrics, the published
 * observation, and the model's assumptions.
 *
 * @example
 * process.stdout.write(reportText(await runSystemScenario('patroni')));
 */
export function reportText(r: ScenarioReport): string {
  const width = Math.max(...r.parameters.map((p) => `${p.key} = ${valueText(p.value)}`.length));
  return (
    [
      `${r.scenario} (${r.family}): ${r.description}`,
      `source: ${r.source}`,
      `${r.trials} ${r.trials_unit}, seed ${r.seed}`,
      'parameters:',
      ...r.parameters.map(
        (p) => `  ${`${p.key} = ${valueText(p.value)}`.padEnd(width)}  ${sourceText(p.source)}`,
      ),
      'experiments:',
      ...r.experiments.map((e) => `  ${e}`),
      'results (proportions with Wilson 95% intervals):',
      ...r.metrics.map((m) => `  ${metricText(m)}`),
      ...(r.observed === null ? [] : [`observed (reference): ${r.observed}`]),
      'assumptions:',
      ...r.assumptions.map((a) => `  - ${a}`),
    ].join('\n') + '\n'
  );
}

/** A metric's CSV cells, by column name. */
function metricCells(m: ScenarioMetric): [string, CsvValue][] {
  if (m.kind === 'proportion') {
    const e = m.estimate;
    return [
      [m.name, e.of === 0 ? null : e.p],
      [`${m.name}_ci_low`, e.low],
      [`${m.name}_ci_high`, e.high],
      [`${m.name}_count`, e.count],
      [`${m.name}_of`, e.of],
    ];
  }
  if (m.kind === 'duration') {
    const s = m.summary;
    return [
      [`${m.name}_mean`, s.mean],
      [`${m.name}_min`, s.min],
      [`${m.name}_p50`, s.p50],
      [`${m.name}_p90`, s.p90],
      [`${m.name}_p99`, s.p99],
      [`${m.name}_max`, s.max],
      [`${m.name}_samples`, s.samples],
    ];
  }
  if (m.kind === 'count') return [[m.name, m.count]];
  return [[m.name, m.value]];
}

/**
 * The report as one CSV row: `scenario`, the parameters by key, every metric's cells, then
 * `trials` and `seed`. Metric names repeated by two experiments get the experiment's index.
 *
 * @example
 * const { columns, row } = reportCsvRow(report);
 * writeCsv('out.csv', columns, [row]);
 */
export function reportCsvRow(r: ScenarioReport): { columns: string[]; row: Record<string, CsvValue> } {
  const cells: [string, CsvValue][] = [
    ['scenario', r.scenario],
    ...Object.entries(parameterCells(Object.fromEntries(r.parameters.map((p) => [p.key, p.value])))),
  ];
  const seen = new Set(cells.map(([c]) => c));
  for (const m of r.metrics) {
    for (const [name, value] of metricCells(m)) {
      let column = name;
      for (let k = 2; seen.has(column); k++) column = `${name}_${k}`;
      seen.add(column);
      cells.push([column, value]);
    }
  }
  cells.push(['trials', r.trials], ['seed', r.seed]);
  return { columns: cells.map(([c]) => c), row: Object.fromEntries(cells) };
}
