// Distributed sweeps against a redis-server that wants a password (and one that speaks only TLS):
// the password never reaches a file the run writes, either process's output or a command line,
// and a worker refuses jobs it should not run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_TRIALS } from './batch-job.js';
import { redisAvailable, startRedis, type RedisFixture } from './local-redis.js';
import { packageVersion } from '../output/manifest.js';
import { runSweep } from './run-sweep.js';
import { loadSweepSpec } from './spec.js';
import { makeTestCertificates, type TestCertificates } from './tls-certificates.testkit.js';

// The CLI runs from dist/: npm test builds first.
const CLI = join(process.cwd(), 'dist/lib/cli/main.js');
const PASSWORD = 'Tq7-secret-pw-91x';
/** The environment without a backend URL of the caller's own. */
const baseEnv = () => {
  const env = { ...process.env };
  delete env.REPLILAB_REDIS_URL;
  return env;
};
const withPassword = (url: string, password = PASSWORD) => url.replace('://', `://:${password}@`);

/** One selftest sweep file with a failing cell: the run writes a CSV, a manifest, and keeps its journal. */
const SWEEP = [
  'experiment: selftest',
  'seed: 4',
  'trials: 40000',
  'cells:',
  '  - { k: 2 }',
  '  - { k: 3, fail: true }',
  '  - { k: 4, x: 0.5 }',
  '',
].join('\n');

/** Every file under `dir`, with its bytes as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'latin1') }));
}

/** A process's command line as `ps` shows it (Linux). */
function commandLine(child: ChildProcess): string {
  return readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
}

interface Worker {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the worker reports it is serving (or exits). */
  serving: Promise<void>;
}

function startWorker(args: string[], env: NodeJS.ProcessEnv = baseEnv()): Worker {
  const child = spawn(process.execPath, [CLI, 'worker', '--threads', '1', '--stall-ms', '2000', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const serving = new Promise<void>((resolve) => {
    const take = (text: string) => {
      output += text;
      if (output.includes('serving queue')) resolve();
    };
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    child.once('exit', () => resolve());
  });
  return { child, output: () => output, serving };
}

async function stopWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Runs the sweep CLI to the end, reading its command line while it runs. */
async function runSweepCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string; commandLine: string }> {
  const child = spawn(process.execPath, [CLI, 'sweep', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen = commandLine(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));
  return { code, output, commandLine: seen };
}

const available = redisAvailable();

describe.skipIf(!available)('redis backend secrets: a password-protected redis-server', () => {
  let redis: RedisFixture;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis({ password: PASSWORD });
    dir = mkdtempSync(join(tmpdir(), 'replilab-secrets-'));
  });
  afterAll(() => {
    redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('CLI: a sweep (URL in REPLILAB_REDIS_URL) and a worker (password file) leave the password nowhere', async () => {
    const run = join(dir, 'run');
    const file = join(dir, 'secret.yaml');
    const passwordFile = join(dir, 'redis-password');
    writeFileSync(file, SWEEP);
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    const local = await runSweep(
      {
        experiment: 'selftest',
        seed: 4,
        trials: 40000,
        cells: [{ k: 2 }, { k: 3, fail: true }, { k: 4, x: 0.5 }],
      },
      { threads: 1 },
    );
    const worker = startWorker([
      ...['--backend', redis.url, '--backend-password-file', passwordFile, '--queue', 'secret'],
    ]);
    try {
      await worker.serving;
      expect(worker.output()).toContain(`serving queue secret at ${redis.url} `);
      const workerCommandLine = commandLine(worker.child);
      const sweep = await runSweepCli([file, '--out', join(run, 'out.csv'), '--queue', 'secret'], {
        ...baseEnv(),
        REPLILAB_REDIS_URL: withPassword(redis.url),
      });
      // Cell 1 throws on purpose: exit 1, the journal stays for --resume, the manifest lists the failure.
      expect(sweep.code, sweep.output).toBe(1);
      expect(sweep.output).toContain(`batches go to the workers of queue secret at ${redis.url}`);
      expect(readFileSync(join(run, 'out.csv'), 'utf8')).toBe(local.csv);
      const manifest = JSON.parse(readFileSync(join(run, 'out.manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ backend: redis.url, complete: false, cellsComputed: 2 });
      expect(existsSync(join(run, 'out.partial.jsonl'))).toBe(true);
      await stopWorkers([worker]);
      expect(worker.output()).toMatch(/done \S+-2-0/);

      const written = filesUnder(run);
      expect(written.map((f) => f.path).sort()).toEqual(
        ['out.csv', 'out.manifest.json', 'out.partial.jsonl'].map((name) => join(run, name)),
      );
      for (const { path, text } of written) expect(text, path).not.toContain(PASSWORD);
      expect(sweep.output).not.toContain(PASSWORD);
      expect(worker.output()).not.toContain(PASSWORD);
      expect(sweep.commandLine).not.toContain(PASSWORD);
      expect(workerCommandLine).not.toContain(PASSWORD);
    } finally {
      await stopWorkers([worker]);
    }
  }, 60_000);

  it('CLI: a wrong password fails the sweep at once with a clear line, before any file, showing no password', async () => {
    const out = join(dir, 'wrong', 'out.csv');
    const wrong = 'Wrong-pw-5518';
    const started = Date.now();
    const sweep = await runSweepCli([join(dir, 'secret.yaml'), '--out', out], {
      ...baseEnv(),
      REPLILAB_REDIS_URL: withPassword(redis.url, wrong),
    });
    expect(sweep.code).toBe(1);
    expect(sweep.output.trim().split('\n').at(-1)).toBe(
      `replilab: cannot reach Redis at ${redis.url}: it refused the connection (WRONGPASS invalid username-password pair or user is disabled.)`,
    );
    // Well within the 10 s connect timeout: an auth refusal is not waited out.
    expect(Date.now() - started).toBeLessThan(8000);
    expect(sweep.output).not.toContain(wrong);
    expect(existsSync(join(dir, 'wrong'))).toBe(false);
    const worker = spawnSync(process.execPath, [CLI, 'worker', '--backend', withPassword(redis.url, wrong)], {
      encoding: 'utf8',
      env: baseEnv(),
      timeout: 20_000,
    });
    expect(worker.status).toBe(1);
    expect(worker.stderr).toContain(
      `cannot reach Redis at ${redis.url}: it refused the connection (WRONGPASS`,
    );
    expect(worker.stderr).not.toContain(wrong);
  });

  it('a worker refuses malformed and oversized jobs enqueued straight through BullMQ, and goes on serving', async () => {
    const queueName = 'forged';
    const connection = { host: '127.0.0.1', port: redis.port, password: PASSWORD };
    const queue = new Queue(queueName, { connection });
    const events = new QueueEvents(queueName, { connection });
    const worker = startWorker(['--queue', queueName, '--quiet'], {
      ...baseEnv(),
      REPLILAB_REDIS_URL: withPassword(redis.url),
    });
    try {
      await Promise.all([worker.serving, events.waitUntilReady()]);
      const version = packageVersion();
      const task = { model: 'selftest', params: { k: 2, x: 1, work: 1 }, seed: 1, cell: 0, batch: 0 };
      const forged: [string, unknown, RegExp][] = [
        ['not-an-object', 'run me', /the job: .*expected object/],
        ['no-task', { version }, /task: .*expected object/],
        ['unknown-model', { version, task: { ...task, model: 'shell', trials: 10 } }, /task\.model: /],
        // Days of work if it ran: refused at once, or this test times out.
        [
          'too-many-trials',
          { version, task: { ...task, trials: 1e12 } },
          new RegExp(`task\\.trials: .*${MAX_BATCH_TRIALS}`),
        ],
        [
          'oversized',
          { version, task: { ...task, trials: 10, params: { pad: 'x'.repeat(5e6) } } },
          /bytes; at most/,
        ],
        ['other-version', { version: '0.0.0-elsewhere', task: { ...task, trials: 10 } }, /runs \d/],
        ['extra-field', { version, task: { ...task, trials: 10, command: 'rm' } }, /Unrecognized key/],
      ];
      const outcomes = await Promise.all(
        forged.map(async ([id, data]) => {
          // attempts: 5 must not buy a refused job another try.
          const job = await queue.add('batch', data, { jobId: id, attempts: 5 });
          const error = await job.waitUntilFinished(events, 20_000).then(
            () => null,
            (e: Error) => e.message,
          );
          return { error, state: await job.getState(), attempts: (await queue.getJob(id))?.attemptsMade };
        }),
      );
      forged.forEach(([id, , reason], i) => {
        expect(outcomes[i].error, id).toMatch(new RegExp(`^job ${id} refused by a worker: `));
        expect(outcomes[i].error, id).toMatch(reason);
        expect(outcomes[i].state, id).toBe('failed');
        expect(outcomes[i].attempts, id).toBe(1);
      });
      const misnamed = await queue.add(
        'shell',
        { version, task: { ...task, trials: 10 } },
        { jobId: 'misnamed' },
      );
      await expect(misnamed.waitUntilFinished(events, 20_000)).rejects.toThrow(/named "shell", not "batch"/);

      // Still alive, and still serving: a real sweep through the same worker.
      expect(worker.child.exitCode).toBeNull();
      const spec = { experiment: 'selftest', seed: 2, trials: 20000, grid: { k: [2, 3] } };
      const remote = await runSweep(spec, {
        backend: { url: redis.url, password: PASSWORD },
        queue: queueName,
        connectTimeoutMs: 5000,
      });
      expect(remote.failures).toEqual([]);
      expect(remote.csv).toBe((await runSweep(spec, { threads: 1 })).csv);
      for (const [id] of [...forged, ['misnamed']]) expect(worker.output()).toContain(`refused ${id}: `);
    } finally {
      await stopWorkers([worker]);
      await events.close();
      await queue.close();
    }
  }, 60_000);
});

describe.skipIf(!available)('redis backend secrets: TLS (rediss://) with a client certificate', () => {
  let redis: RedisFixture;
  let dir: string;
  let certs: TestCertificates;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replilab-tls-'));
    certs = makeTestCertificates(dir);
    redis = await startRedis({
      password: PASSWORD,
      tls: {
        cert: certs.serverCert,
        key: certs.serverKey,
        ca: certs.ca,
        authClients: true,
        clientCert: certs.clientCert,
        clientKey: certs.clientKey,
      },
    });
  });
  afterAll(() => {
    redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const tlsFlags = () => [
    ...['--backend-ca', certs.ca, '--backend-cert', certs.clientCert, '--backend-key', certs.clientKey],
  ];

  it('CLI: a worker and a sweep over TLS give the local CSV; the password is in no file or output', async () => {
    expect(redis.url).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
    const passwordFile = join(dir, 'redis-password');
    writeFileSync(passwordFile, PASSWORD);
    const file = join(dir, 'tls.yaml');
    writeFileSync(file, 'experiment: selftest\nseed: 8\ntrials: 30000\ngrid:\n  k: [2, 3]\n  x: [0.5, 1]\n');
    const worker = startWorker([
      ...['--backend', redis.url, '--backend-password-file', passwordFile, '--queue', 'tls', ...tlsFlags()],
    ]);
    try {
      await worker.serving;
      expect(worker.output()).toContain(`serving queue tls at ${redis.url} `);
      const workerCommandLine = commandLine(worker.child);
      const out = join(dir, 'run', 'tls.csv');
      const sweep = await runSweepCli([file, '--out', out, '--queue', 'tls', ...tlsFlags()], {
        ...baseEnv(),
        REPLILAB_REDIS_URL: withPassword(redis.url),
      });
      expect(sweep.code, sweep.output).toBe(0);
      const local = await runSweep(loadSweepSpec(file), { threads: 1 });
      expect(readFileSync(out, 'utf8')).toBe(local.csv);
      expect(JSON.parse(readFileSync(join(dir, 'run', 'tls.manifest.json'), 'utf8')).backend).toBe(redis.url);
      await stopWorkers([worker]);
      for (const { path, text } of filesUnder(join(dir, 'run'))) expect(text, path).not.toContain(PASSWORD);
      expect(sweep.output + worker.output() + sweep.commandLine + workerCommandLine).not.toContain(PASSWORD);
    } finally {
      await stopWorkers([worker]);
    }
  }, 60_000);

  it('a server certificate from a CA the client does not trust fails the run at once, naming the reason', async () => {
    const started = Date.now();
    await expect(
      runSweep(
        { experiment: 'selftest', seed: 1, trials: 1000, grid: { k: [2] } },
        {
          backend: { url: redis.url, password: PASSWORD, tls: { ca: readFileSync(certs.otherCa) } },
          connectTimeoutMs: 10_000,
        },
      ),
    ).rejects.toThrow(
      `cannot reach Redis at ${redis.url}: it refused the connection (self-signed certificate in certificate chain)`,
    );
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it("CLI: a client key that is not the certificate's is refused naming the flag (exit 2, nothing written)", () => {
    // The other refusals of the TLS flags are tested in-process (lib/cli/backend-flags.test.ts).
    const out = join(dir, 'refused', 'x.csv');
    const args = [
      '--backend',
      redis.url,
      '--backend-cert',
      certs.clientCert,
      '--backend-key',
      certs.serverKey,
    ];
    const run = spawnSync(process.execPath, [CLI, 'sweep', join(dir, 'tls.yaml'), '--out', out, ...args], {
      encoding: 'utf8',
      env: baseEnv(),
    });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toBe(
      `replilab: --backend-key: got ${JSON.stringify(certs.serverKey)}; allowed: the private key of --backend-cert ${certs.clientCert}\n`,
    );
    expect(existsSync(join(dir, 'refused'))).toBe(false);
  });
});

describe('redis backend secrets: bad input shows no password', () => {
  it('CLI: a bad URL, on the command line or in REPLILAB_REDIS_URL, is refused naming where it came from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replilab-secrets-'));
    try {
      const file = join(dir, 's.yaml');
      writeFileSync(file, SWEEP);
      const out = join(dir, 'x.csv');
      // The CLI end to end; every other refusal of the backend flags: lib/cli/backend-flags.test.ts.
      for (const [command, args, env, flag] of [
        ['sweep', ['--backend', `redis://:${PASSWORD}@127.0.0.1:99999`], {}, '--backend'],
        ['worker', [], { REPLILAB_REDIS_URL: `http://:${PASSWORD}@127.0.0.1` }, 'REPLILAB_REDIS_URL'],
        ['worker', [], {}, '--backend'],
      ] as const) {
        const argv = command === 'sweep' ? ['sweep', file, '--out', out, ...args] : ['worker', ...args];
        const run = spawnSync(process.execPath, [CLI, ...argv], {
          encoding: 'utf8',
          env: { ...baseEnv(), ...env },
          timeout: 20_000,
        });
        expect(run.status, `${argv.join(' ')}: ${run.stderr}`).toBe(2);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr).toMatch(new RegExp(`^replilab: ${flag}: `));
        expect(run.stderr).not.toContain(PASSWORD);
        expect(existsSync(out)).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
