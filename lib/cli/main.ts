#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ParameterError } from '../errors.js';
import { packageVersion } from '../sweep/manifest.js';

/** Exit code for bad input (a usage error), as the project's rules require. */
const EXIT_BAD_INPUT = 2;

/**
 * Every command, loaded only when it runs (or when the top-level help lists them all), so
 * `replilab --version` and `replilab staleness --help` load neither the models nor the chart
 * renderer nor the Redis client.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  staleness: async () => (await import('./staleness-command.js')).stalenessCommand(),
  replay: async () => (await import('./replay-command.js')).replayCommand(),
  sweep: async () => (await import('./sweep-command.js')).sweepCommand(),
  worker: async () => (await import('./worker-command.js')).workerCommand(),
  leaderless: async () => (await import('./leaderless-command.js')).leaderlessCommand(),
  failover: async () =>
    (await import('./experiment-command.js')).experimentCommand(
      (await import('../experiments/failover.js')).failover,
    ),
  lag: async () =>
    (await import('./experiment-command.js')).experimentCommand((await import('../experiments/lag.js')).lag),
  conflicts: async () =>
    (await import('./experiment-command.js')).experimentCommand(
      (await import('../experiments/conflicts.js')).conflicts,
    ),
  scenario: async () => (await import('./scenario-command.js')).scenarioCommand(),
  chart: async () => (await import('./chart-command.js')).chartCommand(),
};

const program = new Command('replilab')
  .description('A lab for database replication strategies: simulate, sweep and chart replication trade-offs.')
  .version(packageVersion())
  .exitOverride()
  .configureOutput({ outputError: () => {} })
  .showHelpAfterError(false)
  .addHelpText(
    'after',
    `
Examples:
  $ replilab staleness --latency lnkd-disk --t 0:100:1
  $ replilab sweep experiments/sweeps/staleness-quorums.yaml --out data/sweeps/quorums.csv
  $ replilab worker --backend redis://127.0.0.1:6379 & replilab sweep FILE --out X.csv --backend redis://127.0.0.1:6379
  $ replilab leaderless --n 3 --r 1 --w 1 --clock-skew "uniform(0,50)" --json
  $ replilab conflicts --datacenters 3 --topology ring --resolution lww --clock-skew "uniform(0,50)" --json
  $ replilab failover --election raft --election-timeout-ms 150-300 --fault crash --json
  $ replilab lag --routing sticky --followers 3 --replication-latency "lognormal(2,1)" --json
  $ replilab scenario run patroni --set ttl_s=60 --trials 500 --json
  $ replilab replay --latency lnkd-disk --t 0:10:1 --t-index 2 --trial 17 --out trial.jsonl --figures svg
  $ replilab chart data/staleness/wan.csv --kind staleness --series "R={r} W={w}" --format svg,pdf --theme paper
  $ replilab COMMAND --help`,
  );

const first = process.argv[2];
const wanted =
  first !== undefined && Object.hasOwn(COMMANDS, first)
    ? [first]
    : first === '--version' || first === '-V'
      ? []
      : Object.keys(COMMANDS);

try {
  for (const name of wanted) {
    program.addCommand((await COMMANDS[name]()).exitOverride().configureOutput({ outputError: () => {} }));
  }
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit through here with code 0.
    if (error.exitCode === 0) process.exit(0);
    process.stderr.write(`replilab: ${error.message.replace(/^error: /, '')}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  if (error instanceof ParameterError) {
    process.stderr.write(`replilab: ${error.message}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  throw error;
}
