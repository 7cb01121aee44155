/**
 * `npm run bench` (first part): start-up of the CLI beside bare Node. Commands and their heavy
 * dependencies load lazily, so `replilab --version` and `replilab staleness --help` should start
 * within 0.15 s of `node -e 0` on the same machine (the target). Each command is timed over
 * alternating rounds; the median wall time of each is printed with the difference to bare Node.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

const CLI = fileURLToPath(new URL('../lib/cli/main.js', import.meta.url));
const ROUNDS = 21;
const TARGET_MS = 150;

const commands: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'replilab --version': [CLI, '--version'],
  'replilab staleness --help': [CLI, 'staleness', '--help'],
  'replilab failover --help': [CLI, 'failover', '--help'],
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let round = -2; round < ROUNDS; round++) {
  for (const [name, args] of Object.entries(commands)) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { stdio: 'ignore' });
    const elapsed = performance.now() - started;
    if (run.status !== 0) throw new Error(`${name} exited with ${run.status}`);
    if (round >= 0) times[name].push(elapsed); // the first two rounds warm the disk cache
  }
}

const bare = median(times['node -e 0']);
console.log(
  `start-up, median wall time of ${ROUNDS} alternating rounds (target: within ${TARGET_MS} ms of node -e 0; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}):`,
);
for (const name of Object.keys(commands)) {
  const ms = median(times[name]);
  const extra =
    name === 'node -e 0'
      ? ''
      : `  (+${(ms - bare).toFixed(0)} ms: ${ms - bare <= TARGET_MS ? 'PASS' : 'MISS'})`;
  console.log(`  ${name.padEnd(28)} ${ms.toFixed(0).padStart(5)} ms${extra}`);
}
