#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ParameterError } from '../errors.js';
import { packageVersion } from '../sweep/manifest.js';
import { COMMANDS } from './commands.js';

/** Exit code for bad input (a usage error), as the project's rules require. */
const EXIT_BAD_INPUT = 2;

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
  $ replilab params failover --json
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
    // One line, with commander's suggestion ("Did you mean --window-ms?") on it.
    process.stderr.write(`replilab: ${error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  if (error instanceof ParameterError) {
    process.stderr.write(`replilab: ${error.message}\n`);
    process.exit(EXIT_BAD_INPUT);
  }
  throw error;
}
