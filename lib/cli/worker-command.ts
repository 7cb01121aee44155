import { Command } from 'commander';
import { ParameterError } from '../errors.js';
import { defaultThreads } from '../sweep/pool.js';
import { DEFAULT_STALL_MS, parseQueueName, runRedisWorker } from '../sweep/redis-backend.js';
import {
  BACKEND_URL_ENV,
  backendCaOption,
  backendCertOption,
  backendFromFlags,
  backendKeyOption,
  backendPasswordFileOption,
  backendUrlOption,
  type BackendFlags,
} from './backend-flags.js';
import { parseWholeNumber } from './parse-values.js';

interface WorkerFlags extends BackendFlags {
  threads?: string;
  queue?: string;
  stallMs?: string;
  quiet?: boolean;
}

const HELP = `
A worker takes batch jobs from the queue of a distributed sweep and runs them on this machine's
worker threads, until Ctrl-C (it finishes the jobs in hand) or kill. Start one per machine, before
or after the coordinator (replilab sweep FILE --out X.csv --backend URL). Every machine must run
the same replilab version. Every job is checked before it runs: a malformed or oversized job, or
one from another version, fails with a message saying why (the coordinator reports it) and the
worker goes on.

Keep the password out of the command line, where ps shows it: put the URL in ${BACKEND_URL_ENV}
or the password in a file (--backend-password-file). Across machines use TLS (rediss://).

Examples:
  $ ${BACKEND_URL_ENV}=rediss://:PASSWORD@10.0.0.5:6380 replilab worker --backend-ca ca.pem --threads 8
  $ replilab worker --backend rediss://10.0.0.5:6380 --backend-password-file ~/.replilab-redis --backend-ca ca.pem
  $ replilab worker --backend redis://127.0.0.1:6379 --stall-ms 10000`;

/** `replilab worker`: serves a distributed sweep's jobs. */
export function workerCommand(): Command {
  return new Command('worker')
    .description(
      "serve the batch jobs of distributed sweeps (replilab sweep --backend) from a Redis queue on this machine's threads",
    )
    .addOption(
      backendUrlOption(
        `the Redis the coordinator uses (redis://HOST:PORT, rediss:// for TLS); required, here or in ${BACKEND_URL_ENV}`,
      ),
    )
    .addOption(backendPasswordFileOption())
    .addOption(backendCaOption())
    .addOption(backendCertOption())
    .addOption(backendKeyOption())
    .option(
      '--threads <count>',
      'jobs run at once, each on its own worker thread (default: the number of cores)',
    )
    .option('--queue <name>', 'the queue name (default replilab)')
    .option(
      '--stall-ms <ms>',
      `a job whose worker stops renewing its lock for this long goes to another worker (default ${DEFAULT_STALL_MS})`,
    )
    .option('--quiet', 'no line per finished job')
    .addHelpText('after', HELP)
    .action(async (flags: WorkerFlags, command: Command) => {
      const backend = backendFromFlags(flags, command);
      if (backend === undefined)
        throw new ParameterError(
          '--backend',
          '(missing)',
          `a Redis URL, e.g. redis://127.0.0.1:6379 (or the URL in ${BACKEND_URL_ENV})`,
        );
      const threads =
        flags.threads === undefined
          ? defaultThreads()
          : parseWholeNumber('--threads', flags.threads, 1, 1024);
      const queue = flags.queue === undefined ? undefined : parseQueueName(flags.queue, '--queue');
      const stallMs =
        flags.stallMs === undefined
          ? undefined
          : parseWholeNumber('--stall-ms', flags.stallMs, 100, 3_600_000);
      const log = (line: string) => process.stderr.write(`replilab worker: ${line}\n`);
      let worker;
      try {
        worker = await runRedisWorker({
          ...backend,
          queue,
          threads,
          stallMs,
          log,
          onJobDone: flags.quiet ? undefined : (id) => log(`done ${id}`),
          onJobRefused: (id, reason) => log(`refused ${id}: ${reason}`),
        });
      } catch (error) {
        process.stderr.write(`replilab worker: ${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      log(
        `serving queue ${queue ?? 'replilab'} at ${worker.address} with ${threads} thread${threads === 1 ? '' : 's'} (Ctrl-C to stop)`,
      );
      const running = worker;
      await new Promise<void>((resolve) => {
        const stop = () => {
          log('stopping: finishing the jobs in hand');
          running.close().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      log(`stopped after ${running.jobsDone()} jobs`);
    });
}
