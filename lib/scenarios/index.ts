/**
 * Real systems as named scenarios: the reference file's documented settings mapped onto
 * the lab's models, each parameter with its source, run by name with overrides.
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
  labDefault,
  derived,
  defaultValues,
  sourceText,
  type ScenarioParameter,
  type ParameterKind,
  type ParameterSource,
  type ParameterValue,
  type ScenarioValues,
  type ParameterShape,
} from './scenario-parameter.js';
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
export { scenarioValues, parseParameterValue, setFlag } from './set-overrides.js';
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
  type RaftSettings,
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
  reportMetric,
  type ScenarioRunOptions,
  type ScenarioReport,
  type ReportParameter,
  type PreparedScenario,
} from './run-scenario.js';
export { reportText, reportCsvRow, metricText } from './scenario-report.js';
