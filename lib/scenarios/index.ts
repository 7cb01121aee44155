/**
 * Real systems as named scenarios: each a preset of one experiment, the reference file's
 * documented settings in the system's own units mapped onto the experiment's parameters, each
 * value with its source, run by name (`scenario run`) or swept like any experiment.
 */
export {
  SYSTEM_REFERENCE_ABOUT,
  SYSTEM_REFERENCE_NAMES,
  systemReference,
  referenceNumber,
  type SystemReference,
} from './system-reference.js';
export {
  documented,
  labSetting,
  derivedSetting,
  documentedValue,
  labValue,
  derivedValue,
  derive,
  scenarioExperiment,
  resolveScenario,
  setTexts,
  scenarioParameterRows,
  sourceText,
  type ScenarioValues,
  type ValueSource,
  type Sourced,
  type Setting,
  type Derivation,
  type ScenarioPreset,
  type ScenarioDeclaration,
  type ResolvedScenario,
  type ScenarioParameterRow,
} from './preset.js';
export {
  proportionMetric,
  durationMetric,
  durationSummary,
  summaryMetric,
  countMetric,
  valueMetric,
  type ScenarioMetric,
  type ProportionMetric,
  type DurationMetric,
  type DurationSummary,
  type CountMetric,
  type ValueMetric,
} from './scenario-metric.js';
export type {
  SystemScenario,
  ScenarioExperiment,
  ScenarioFamily,
  ScenarioRunSize,
} from './system-scenario.js';
export {
  checkPatroniRule,
  patroniDetectionWindow,
  patroniNoticeMs,
  raftDetectionWindow,
  PATRONI_NOTICE_CELL,
  type PatroniTiming,
  type ElectionTiming,
  type FailoverWindow,
} from './failover-arithmetic.js';
export { runFailoverTrials, failoverMetrics, type PerTrialConfig } from './failover-trials.js';
export {
  failoverExperiment,
  patroniFailoverExperiment,
  raftFailoverExperiment,
  failoverConfigOf,
} from './failover-experiments.js';
export {
  dynamoScenario,
  riakScenario,
  cassandraScenario,
  voldemortScenario,
  cassandraConvictionMs,
  consistencyLevelSize,
} from './leaderless-systems.js';
export { patroniScenario, mongodbScenario, etcdScenario, raftPaperScenario } from './failover-systems.js';
export { postgresqlScenario, mysqlScenario, dynamodbScenario } from './replication-systems.js';
export { collaborativeEditingScenario, offlineCalendarScenario } from './multi-leader-systems.js';
export { github2012Scenario, github2018Scenario } from './github-incidents.js';
export { SYSTEM_SCENARIOS, systemScenario } from './catalog.js';
export {
  runSystemScenario,
  prepareSystemScenario,
  scenarioRunValues,
  reportMetric,
  type ScenarioRunOptions,
  type ScenarioReport,
  type ReportParameter,
  type PreparedScenario,
} from './run-scenario.js';
export { reportText, reportCsvRow, metricText } from './scenario-report.js';
