import { Command, Option } from 'commander';
import { ParameterError } from '../errors.js';
import { fromText, kebabCase } from '../experiments/param.js';
import {
  calibrateParams,
  checkCalibrateParam,
  checkSystem,
  parsePatroniSetting,
  parsePostgresSetting,
  parseSentinelSetting,
  parseSetting,
  PATRONI_SETTING_ALLOWED,
  POSTGRES_DEFAULT_SETTINGS,
  SENTINEL_SETTING_ALLOWED,
  type CalibrateValues,
  type EtcdSetting,
} from '../testbed/calibrate-params.js';
import { checkOutPath } from './check-out-path.js';

const EXAMPLES = `
Examples:
  $ replilab calibrate etcd --quick
  $ replilab calibrate etcd --trials 40 --setting heartbeat=100,election-timeout=1000 --setting heartbeat=50,election-timeout=500 --json
  $ replilab calibrate etcd --latency "lognormal(1,0.5)" --out data/calibration/etcd.csv
  $ replilab calibrate etcd --members 5 --pre-vote --trials 30
  $ replilab calibrate redis-sentinel --trials 50 --setting down-after=1000 --out data/calibration/redis-sentinel.csv
  $ replilab calibrate patroni --trials 20 --setting ttl=30,loop_wait=10,retry_timeout=10 --setting ttl=10,loop_wait=2,retry_timeout=4
  $ replilab calibrate postgres-commit --setting sync=first1,commit=on,delay=5 --setting sync=any1,commit=remote_write,delay=5
  $ replilab calibrate postgres-failover --trials 30 --setting sync=none,delay=2,rate=200 --json
  $ replilab calibrate postgres-lag --setting delay=5,rate=50 --setting delay=5,rate=200 --out data/calibration/postgres-lag.csv

Each trial: a client writes continuously (open loop, one put every --write-interval-ms to the
next surviving member), the leader gets kill -9 at a random moment, recovery_ms runs from the
kill to the first acknowledged write issued after it; the killed member is restarted with its
data before the next trial. Servers run on 127.0.0.1 in a temporary folder, never under systemd,
and are stopped on exit, error, Ctrl-C and SIGTERM. Needs etcd (Debian: etcd-server).
--json prints one object: system, version, trials, comparisons[{setting, metric, measured{p50,
p90,p99,max,samples}, model{...}, ks_distance, ks_p_value}], acked_writes_lost (per trial).
redis-sentinel: a primary, two replicas and three sentinels (quorum 2), fresh per trial; the
primary gets kill -9, recovery_ms runs to the first write acknowledged by the primary the
sentinels name; even trials write plainly, odd ones SET + WAIT 1; the model is Sentinel's own
failover (failover --election sentinel) at the same down-after. Needs redis-server and
redis-sentinel (Debian packages).
Ignored for redis-sentinel: --latency, --port-base, --raft-timing, --members, --pre-vote.
patroni: 3 PostgreSQL 15 nodes under Patroni (run as the postgres user), DCS a testbed etcd; each
trial kills the primary's Patroni and PostgreSQL with kill -9, recovery_ms runs to the first
INSERT the new primary acknowledges, and the killed node rejoins before the next trial; the
model is \`replilab scenario run patroni\` with the same ttl_s, loop_wait_s, retry_timeout_s.
Needs patroni and postgresql-15. Ignored for patroni: --latency, --port-base, --raft-timing,
--write-interval-ms, --members, --pre-vote.
postgres-commit: a PostgreSQL 15 primary and two standbys (s1, s2) streaming through the delay
proxy; per setting (sync=none|first1|any1, commit=off|local|on|remote_write|remote_apply,
delay=MS) --trials commits (default 200; a p99 within 10% needs thousands, npm run calibrate
makes 3000), the levels of one sync mode interleaved; the model is runCommit with the same sync
set and delays; metric commit_ms. postgres-failover: a client writes
at rate=N per second, the primary gets kill -9, the most up-to-date standby is promoted; metric
recovery_ms and acknowledged writes lost; the model is the failover model with the same rate,
delay and sync set. postgres-lag: asynchronous standbys, a client writes --trials markers
(default 1000) at rate=N per second, the standbys polled for them: metric replication_lag_ms
(acknowledgement to visible on a standby) beside monitored_lag_ms (pg_stat_replication.replay_lag);
the model is the lag experiment at the same rate and link delay. Needs /usr/lib/postgresql/15/bin (Debian: postgresql-15). Ignored there:
--latency, --port-base, --raft-timing, --write-interval-ms, --members, --pre-vote.
--out FILE.csv writes the samples, FILE.manifest.json and the CDF overlay FILE.svg/.png/.pdf.`;

interface Flags {
  setting?: string[];
  json?: boolean;
  out?: string;
  raftTiming: string;
  [key: string]: unknown;
}

/** `replilab calibrate SYSTEM`: the failover model against the real system on this machine. */
export function calibrateCommand(): Command {
  const command = new Command('calibrate')
    .description(
      'run a real cluster on this machine (etcd, Redis with Sentinel, PostgreSQL, PostgreSQL with Patroni), kill its leader again and again, time its commits or its replication lag, and compare with the model',
    )
    .argument(
      '<system>',
      'the real system: etcd, redis-sentinel, patroni, postgres-commit, postgres-failover or postgres-lag',
    );
  for (const [key, p] of Object.entries(calibrateParams)) {
    const flag = `--${kebabCase(key)}`;
    const option =
      p.meta.kind === 'boolean'
        ? new Option(flag, p.meta.doc)
        : new Option(
            `${flag} <${p.meta.valueName}>`,
            `${p.meta.doc} (default ${p.meta.default ?? p.meta.nullText})`,
          );
    if (key === 'setting')
      option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    command.addOption(option);
  }
  return command
    .addOption(
      new Option(
        '--raft-timing <timing>',
        "the model's election timing: etcd or paper (default etcd)",
      ).default('etcd'),
    )
    .option('--json', 'print one JSON object instead of the summary')
    .option('--out <file.csv>', 'write the samples as CSV, a manifest and the CDF figure beside it')
    .addHelpText('after', EXAMPLES)
    .action(async (system: string, flags: Flags) => {
      checkSystem(system);
      checkOutPath(flags.out);
      const value = <K extends keyof typeof calibrateParams>(key: K): CalibrateValues[K] => {
        const raw = flags[key];
        const flag = `--${kebabCase(key)}`;
        if (raw === undefined) return calibrateParams[key].meta.default as CalibrateValues[K];
        if (typeof raw === 'boolean') return raw as CalibrateValues[K];
        const v = fromText(calibrateParams[key].meta, String(raw));
        if (v === undefined)
          throw new ParameterError(flag, JSON.stringify(raw), calibrateParams[key].meta.allowed);
        return checkCalibrateParam(key, v, flag);
      };
      const quick = value('quick');
      const trials = value('trials');
      const modelTrials = value('modelTrials');
      const latency = checkCalibrateParam('latency', value('latency'), '--latency');
      const seed = value('seed');
      const quickModelTrials = quick && flags.modelTrials === undefined ? 500 : modelTrials;
      const progress = <A extends unknown[]>(line: (...args: A) => string) =>
        flags.json ? undefined : (...args: A) => void process.stderr.write(`  ${line(...args)}\n`);
      if (system === 'patroni') {
        const texts = flags.setting ?? ['ttl=30,loop_wait=10,retry_timeout=10'];
        const options = {
          settings: parseSettings(texts, parsePatroniSetting, PATRONI_SETTING_ALLOWED),
          trials: quick && flags.trials === undefined ? 2 : trials,
          modelTrials: quickModelTrials,
          seed,
        };
        const cal = await import('../testbed/patroni-calibrate.js');
        return report(
          flags,
          () =>
            cal.calibratePatroni({
              ...options,
              onTrial: progress(
                (s, t) =>
                  `ttl ${s.ttlS} s trial ${t.trial}: recovery ${t.recoveryMs?.toFixed(0) ?? 'none'} ms, leader key gone ${t.leaderGoneMs?.toFixed(0) ?? '?'} ms, new leader ${t.newLeader ?? '?'} at ${t.leaderMs?.toFixed(0) ?? '?'} ms`,
              ),
            }),
          (r, out, at) =>
            cal.writePatroniCalibration(r, out, { system, ...options, settings: texts }, undefined, at),
          cal.patroniJson,
          cal.patroniSummary,
        );
      }
      if (system === 'postgres-lag') {
        const texts = flags.setting ?? POSTGRES_DEFAULT_SETTINGS[system];
        const options = {
          settings: texts.map((text) => parsePostgresSetting(text, system)),
          trials: flags.trials !== undefined ? trials : quick ? 100 : 1000,
          modelTrials: quickModelTrials,
          seed,
        };
        const cal = await import('../testbed/calibrate-postgres-lag.js');
        return report(
          flags,
          () =>
            cal.calibratePostgresLag({
              ...options,
              onPhase: progress(
                (delay, rate, p) =>
                  `delay ${delay} ms, ${rate} writes/s: ${p.writes} writes, ${p.lag.length} (write, standby) lags`,
              ),
            }),
          (r, out, at) =>
            cal.writePgLagCalibration(r, out, { system, ...options, settings: texts }, undefined, at),
          cal.pgLagJson,
          cal.pgLagSummary,
        );
      }
      if (system === 'postgres-commit') {
        const texts = flags.setting ?? POSTGRES_DEFAULT_SETTINGS[system];
        const options = {
          settings: texts.map((text) => parsePostgresSetting(text, system)),
          trials: flags.trials !== undefined ? trials : quick ? 20 : 200,
          modelTrials: quickModelTrials,
          seed,
        };
        const cal = await import('../testbed/calibrate-postgres.js');
        return report(
          flags,
          () =>
            cal.calibratePostgresCommit({
              ...options,
              onPhase: progress(
                (delay, sync, medians) =>
                  `delay ${delay} ms, sync ${sync}: median commit_ms ${JSON.stringify(medians)}`,
              ),
            }),
          (r, out, at) =>
            cal.writePgCommitCalibration(r, out, { system, ...options, settings: texts }, undefined, at),
          cal.pgCommitJson,
          cal.pgCommitSummary,
        );
      }
      if (system === 'postgres-failover') {
        const texts = flags.setting ?? POSTGRES_DEFAULT_SETTINGS[system];
        const options = {
          settings: texts.map((text) => parsePostgresSetting(text, system)),
          trials: quick && flags.trials === undefined ? 1 : trials,
          modelTrials: quickModelTrials,
          seed,
        };
        const cal = await import('../testbed/calibrate-postgres-failover.js');
        return report(
          flags,
          () =>
            cal.calibratePostgresFailover({
              ...options,
              onTrial: progress(
                (s, t) =>
                  `sync=${s.sync},delay=${s.delay},rate=${s.rate} trial ${t.trial}: recovery ${t.recoveryMs?.toFixed(1) ?? 'none'} ms, lost ${t.ackedWritesLost}/${t.ackedWrites}`,
              ),
            }),
          (r, out, at) =>
            cal.writePgFailoverCalibration(r, out, { system, ...options, settings: texts }, undefined, at),
          cal.pgFailoverJson,
          cal.pgFailoverSummary,
        );
      }
      if (system === 'redis-sentinel') {
        const texts = flags.setting ?? ['down-after=1000'];
        const options = {
          settings: parseSettings(texts, parseSentinelSetting, SENTINEL_SETTING_ALLOWED),
          trials: quick && flags.trials === undefined ? 2 : trials,
          modelTrials: quickModelTrials,
          writeIntervalMs: value('writeIntervalMs'),
          seed,
        };
        const cal = await import('../testbed/calibrate-sentinel.js');
        return report(
          flags,
          () =>
            cal.calibrateSentinel({
              ...options,
              onTrial: progress(
                (s, t) =>
                  `down-after ${s.downAfterMs} ms trial ${t.trial} (${t.variant}): recovery ${t.recoveryMs?.toFixed(1) ?? 'none'} ms, +odown ${t.odownMs ?? '?'} ms, lost ${t.ackedWritesLost}/${t.ackedWrites}`,
              ),
            }),
          (r, out, at) =>
            cal.writeSentinelCalibration(r, out, { system, ...options, settings: texts }, undefined, at),
          cal.sentinelJson,
          cal.sentinelSummary,
        );
      }
      const texts = flags.setting ?? [calibrateParams.setting.meta.default as string];
      const settings: EtcdSetting[] = parseSettings(
        texts,
        parseSetting,
        calibrateParams.setting.meta.allowed,
      );
      if (flags.raftTiming !== 'etcd' && flags.raftTiming !== 'paper')
        throw new ParameterError('--raft-timing', JSON.stringify(flags.raftTiming), 'etcd or paper');
      const options = {
        settings,
        trials: quick && flags.trials === undefined ? 5 : trials,
        modelTrials: quickModelTrials,
        latency,
        writeIntervalMs: value('writeIntervalMs'),
        portBase: value('portBase'),
        seed,
        raftTiming: flags.raftTiming,
        members: value('members'),
        preVote: value('preVote'),
      } as const;
      const { calibrateEtcd } = await import('../testbed/calibrate.js');
      const { TestbedInputError } = await import('../testbed/etcd.js');
      const out = await import('../testbed/calibration-output.js');
      await report(
        flags,
        () =>
          calibrateEtcd({
            ...options,
            onTrial: progress(
              (s, t) =>
                `${s.heartbeat}/${s.electionTimeout} ms trial ${t.trial}: recovery ${t.recoveryMs?.toFixed(1) ?? 'none'} ms, leader ${t.leaderMs?.toFixed(0) ?? '?'} ms, rounds ${t.electionRounds}`,
            ),
          }).catch((error: unknown) => {
            if (error instanceof TestbedInputError)
              throw new ParameterError(
                error.param,
                error.message.replace(/^[^:]*: /, ''),
                'a free port range',
              );
            throw error;
          }),
        (r, file, at) =>
          out.writeCalibration(r, file, { system, ...options, settings: texts }, undefined, at),
        out.calibrationJson,
        out.calibrationSummary,
      );
    });
}

/** Each `--setting` text parsed; a text the parser refuses is one ParameterError naming `--setting`. */
function parseSettings<S>(texts: readonly string[], parse: (text: string) => S | null, allowed: string): S[] {
  return texts.map((text) => {
    const s = parse(text);
    if (s === null) throw new ParameterError('--setting', JSON.stringify(text), allowed);
    return s;
  });
}

/**
 * Runs one calibration and reports it the same way for every system: a missing server binary is
 * one line and exit 2; then `--out` writes the files (stamped with the start time) and stdout gets
 * the summary, or the JSON object with `--json`.
 */
async function report<R>(
  flags: Flags,
  run: () => Promise<R>,
  write: (result: R, out: string, startedAt: Date) => Promise<unknown>,
  json: (result: R) => unknown,
  summary: (result: R) => string,
): Promise<void> {
  const { MissingBinaryError } = await import('../testbed/processes.js');
  const startedAt = new Date();
  let result: R;
  try {
    result = await run();
  } catch (error) {
    if (!(error instanceof MissingBinaryError)) throw error;
    process.stderr.write(`replilab: ${error.message}\n`);
    process.exit(2);
  }
  if (flags.out !== undefined) await write(result, flags.out, startedAt);
  process.stdout.write(flags.json ? JSON.stringify(json(result)) + '\n' : summary(result));
}
