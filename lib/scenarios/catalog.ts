/**
 * Every system scenario, in the reference file's order, then the incidents.
 */
import { ParameterError } from '../errors.js';
import { etcdScenario, mongodbScenario, patroniScenario, raftPaperScenario } from './failover-systems.js';
import { github2012Scenario, github2018Scenario } from './github-incidents.js';
import { cassandraScenario, dynamoScenario, riakScenario, voldemortScenario } from './leaderless-systems.js';
import { collaborativeEditingScenario, offlineCalendarScenario } from './multi-leader-systems.js';
import { dynamodbScenario, mysqlScenario, postgresqlScenario } from './replication-systems.js';
import type { SystemScenario } from './system-scenario.js';

/** The scenarios: one per system of system-defaults.json (its order), then GitHub's two incidents. */
export const SYSTEM_SCENARIOS: readonly SystemScenario[] = Object.freeze([
  dynamoScenario,
  riakScenario,
  cassandraScenario,
  voldemortScenario,
  postgresqlScenario,
  patroniScenario,
  mysqlScenario,
  mongodbScenario,
  etcdScenario,
  raftPaperScenario,
  dynamodbScenario,
  collaborativeEditingScenario,
  offlineCalendarScenario,
  github2012Scenario,
  github2018Scenario,
]);

/**
 * A scenario by name; refuses an unknown name listing the known ones.
 *
 * @example
 * systemScenario('patroni').family; // 'leader-follower'
 */
export function systemScenario(name: string): SystemScenario {
  const found = SYSTEM_SCENARIOS.find((s) => s.name === name);
  if (found === undefined)
    throw new ParameterError(
      'scenario',
      JSON.stringify(name),
      SYSTEM_SCENARIOS.map((s) => s.name).join(', '),
    );
  return found;
}
