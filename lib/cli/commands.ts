import type { Command } from 'commander';

/**
 * Every command, loaded only when it runs (or when the top-level help lists them all), so
 * `replilab --version` and `replilab staleness --help` load neither the models nor the chart
 * renderer nor the Redis client.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
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
  upgrade: async () =>
    (await import('./experiment-command.js')).experimentCommand(
      (await import('../experiments/upgrade.js')).upgrade,
    ),
  editing: async () =>
    (await import('./experiment-command.js')).experimentCommand(
      (await import('../experiments/editing.js')).editing,
    ),
  scenario: async () => (await import('./scenario-command.js')).scenarioCommand(),
  chart: async () => (await import('./chart-command.js')).chartCommand(),
  calibrate: async () => (await import('./calibrate-command.js')).calibrateCommand(),
  params: async () => (await import('./params-command.js')).paramsCommand(),
};
