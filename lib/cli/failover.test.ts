import { beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, requireBuiltCli, runCli, runCliJson } from './cli.testkit.js';

beforeAll(requireBuiltCli);

/** The stable JSON names of `replilab failover` (keep them). */
const STABLE_KEYS = [
  'trials',
  'recovery_ms',
  'election_rounds',
  'no_leader_trials',
  'unnecessary_failovers',
  'split_brain_ms',
  'acked_writes_lost',
  'discarded_writes',
  'reused_ids',
  'deposed_leader_acked_writes',
  'reads',
  'reads_served',
  'deposed_leader_reads',
];

function runJson(args: string[]): Record<string, any> {
  return runCliJson(['failover', ...args, '--json']);
}

describe('replilab failover', () => {
  it('--json prints one object with the stable names', () => {
    const j = runJson([
      '--trials',
      '30',
      '--election',
      'raft',
      '--election-timeout-ms',
      '150-300',
      '--seed',
      '3',
    ]);
    for (const key of STABLE_KEYS) expect(j, key).toHaveProperty(key);
    for (const q of ['mean', 'p50', 'p90', 'p99', 'max'])
      expect(j.recovery_ms[q], q).toBeGreaterThanOrEqual(150 - 50);
    expect(j.recovery_ms.p50).toBeLessThanOrEqual(j.recovery_ms.p99);
    expect(j.election_rounds.mean).toBeGreaterThanOrEqual(1);
    expect(j.trials).toBe(30);
    expect(j.seed).toBe(3);
    expect(j.config).toMatchObject({ election: 'raft', election_timeout_ms: [150, 300], trials: 30 });
  }, 30_000);

  it('every fault and fencing flag is accepted; partition: split brain and deposed reads with fencing none or epoch, none with a lease', () => {
    const common = [
      '--nodes',
      '5',
      '--election',
      'coordinator',
      '--heartbeat-ms',
      '50',
      '--detector',
      'timeout',
      '--timeout-ms',
      '400',
      '--latency',
      'exp(1)',
      '--disk',
      'const(1)',
      '--stale-followers',
      '1',
      '--fault',
      'partition',
      '--pause',
      'uniform(0,500)',
      '--async-followers',
      '4',
      '--write-rate',
      '100',
      '--trials',
      '10',
      '--seed',
      '2',
    ];
    const open = runJson([...common, '--read-rate', '50']);
    const none = runJson([...common, '--fencing', 'none', '--read-rate', '50']);
    const fenced = runJson([...common, '--fencing', 'lease', '--read-rate', '50', '--clock-drift', '0']);
    for (const j of [open, none]) {
      expect(j.split_brain_ms.mean).toBeGreaterThan(1000);
      expect(j.split_brain_ms.ci_low).toBeGreaterThan(1000);
      expect(j.deposed_leader_reads).toBeGreaterThan(0);
      expect(j.deposed_leader_acked_writes).toBeGreaterThan(0);
      expect(j.intervals.deposed_leader_reads.count).toBe(j.deposed_leader_reads);
    }
    expect(open.config).toMatchObject({ fencing: 'epoch', read_rate: 50, lease_ms: 150, clock_drift: 0 });
    expect(fenced.split_brain_ms.max).toBe(0);
    expect(fenced.deposed_leader_reads).toBe(0);
    expect(open.acked_writes_lost).toBeGreaterThan(fenced.acked_writes_lost);
    expect(open.unnecessary_failovers).toBe(10);
  }, 30_000);

  it('--fault spike: every spike that silences the leader past the timeout is an unnecessary failover; the config lists the spike', () => {
    // Heartbeats every 50 ms, spikes of 800 ms holding the leader's messages 600 ms: the coordinator
    // hears nothing for 650 ms > 500 ms in every trial, though the leader never stops.
    const args = [
      '--election',
      'coordinator',
      '--timeout-ms',
      '500',
      '--fault',
      'spike',
      '--spike-duration',
      'const(800)',
      '--spike-delay',
      'const(600)',
      '--trials',
      '20',
      '--seed',
      '4',
    ];
    const j = runJson(args);
    expect(Object.keys(j).slice(0, 3)).toEqual(['trials', 'recovery_ms', 'detection_ms']);
    for (const key of STABLE_KEYS) expect(j, key).toHaveProperty(key);
    expect(j.unnecessary_failovers).toBe(20);
    expect(j.intervals.unnecessary_failover_trials.count).toBe(20);
    expect(j.config).toMatchObject({
      fault: 'spike',
      spike_duration: 'const(800)',
      spike_delay: 'const(600)',
    });
    // Within the slack (600 ms + 50 ms of silence against a 1000 ms timeout): none.
    expect(runJson([...args.slice(0, 3), '1000', ...args.slice(4)]).unnecessary_failovers).toBe(0);
  }, 30_000);

  it('prints a readable summary without --json', () => {
    const run = runCli(['failover', '--trials', '5']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^failover: 5 nodes/);
    expect(run.stdout).toMatch(/recovery: +mean/);
  });

  it('refuses bad input with one line naming the flag, exit 2', () => {
    expectRefused(runCli(['failover', '--election-timeout-ms', '300-150']), '--election-timeout-ms', []);
    expectRefused(runCli(['failover', '--election-timeout-ms', 'soon']), '--election-timeout-ms', []);
    expectRefused(
      runCli(['failover', '--election', 'coordinator', '--heartbeat-ms', '500', '--timeout-ms', '500']),
      '--heartbeat-ms',
      [],
    );
    expectRefused(runCli(['failover', '--heartbeat-ms', '200']), '--heartbeat-ms', []); // >= the minimum election timeout (150)
    expectRefused(runCli(['failover', '--nodes', '3', '--stale-followers', '5']), '--stale-followers', []);
    expectRefused(runCli(['failover', '--write-rate=-500']), '--write-rate', []);
    expectRefused(runCli(['failover', '--election', 'paxos']), '--election', []);
    expectRefused(runCli(['failover', '--detector', 'phi']), '--detector', []);
    expectRefused(runCli(['failover', '--latency', 'exp(-1)']), '--latency', []);
    expectRefused(runCli(['failover', '--trials', '0']), '--trials', []);
    expectRefused(runCli(['failover', '--fault', 'spikes']), '--fault', []);
    expectRefused(runCli(['failover', '--fault', 'spike', '--spike-delay', 'exp(-1)']), '--spike-delay', []);
    expectRefused(
      runCli(['failover', '--fault', 'spike', '--spike-duration', 'soon']),
      '--spike-duration',
      [],
    );
  }, 60_000);
});
