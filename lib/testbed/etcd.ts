/**
 * A 3-member (or n-member) etcd cluster on 127.0.0.1, each member in its own data directory under
 * one {@link Testbed}, with every peer link through a {@link DelayProxy}: member i listens for
 * peers on one port and advertises the proxy's port, so every raft message to i (both rafthttp
 * streams and the pipeline) crosses exactly one proxy hop, one delay draw per chunk.
 *
 * The client side speaks etcd's v3 JSON gateway (POST /v3/kv/put, /v3/kv/range,
 * /v3/maintenance/status; etcd 3.4 "grpc-gateway"), so no gRPC client is needed.
 */
import { performance } from 'node:perf_hooks';
import type { LatencyDistribution } from '../latency/index.js';
import type { RandomStream } from '../random/index.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';
import { freePort, portIsFree, requireBinary, type ServerProcess, type Testbed } from './processes.js';

/** Bad testbed input (a port taken): the CLI prints the line and exits 2. */
export class TestbedInputError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(`${param}: ${message}`);
    this.name = 'TestbedInputError';
  }
}

export interface EtcdClusterOptions {
  members: number;
  /** etcd --heartbeat-interval, ms. */
  heartbeatMs: number;
  /** etcd --election-timeout, ms. */
  electionTimeoutMs: number;
  /** One-way delay of every peer chunk. */
  peerDelay: LatencyDistribution;
  rng: RandomStream;
  /** First of the consecutive ports to use (3 per member); absent: free ports chosen by the kernel. */
  portBase?: number | null;
  /** etcd --pre-vote (off by default in etcd 3.4). */
  preVote?: boolean;
}

export interface EtcdMember {
  readonly index: number;
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly proxy: DelayProxy;
  /** The raft id in hex, as etcd's logs print it (known once the member answered a status call). */
  idHex: string | null;
  process: ServerProcess | null;
}

/** What /v3/maintenance/status says. */
export interface EtcdStatus {
  memberIdHex: string;
  leaderIdHex: string | null;
  raftTerm: number;
  raftIndex: number;
  version: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const hex = (decimal: string | undefined) =>
  decimal === undefined || decimal === '0' ? null : BigInt(decimal).toString(16);

/** POST JSON to a member's gateway; rejects on HTTP errors, etcd errors and the timeout. */
/** The parts of etcd's gateway answers this module reads (numbers as decimal strings, as the gateway writes uint64). */
interface GatewayAnswer {
  error?: string;
  header?: { member_id?: string };
  leader?: string;
  raftTerm?: string;
  raftIndex?: string;
  version?: string;
  kvs?: { key: string }[];
}

export async function etcdPost(
  port: number,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<GatewayAnswer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = (await response.json()) as GatewayAnswer;
  if (!response.ok || json.error !== undefined) throw new Error(String(json.error ?? response.status));
  return json;
}

export async function etcdStatus(port: number, timeoutMs = 1000): Promise<EtcdStatus> {
  const s = await etcdPost(port, '/v3/maintenance/status', {}, timeoutMs);
  return {
    memberIdHex: hex(s.header?.member_id) ?? '',
    leaderIdHex: hex(s.leader),
    raftTerm: Number(s.raftTerm),
    raftIndex: Number(s.raftIndex),
    version: String(s.version),
  };
}

export function etcdPut(port: number, key: string, value: string, timeoutMs: number): Promise<unknown> {
  return etcdPost(port, '/v3/kv/put', { key: b64(key), value: b64(value) }, timeoutMs);
}

/** Keys under `prefix` (keys only, linearizable read). */
export async function etcdKeys(port: number, prefix: string, timeoutMs = 5000): Promise<string[]> {
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const r = await etcdPost(
    port,
    '/v3/kv/range',
    { key: b64(prefix), range_end: b64(end), keys_only: true },
    timeoutMs,
  );
  return (r.kvs ?? []).map((kv) => Buffer.from(kv.key, 'base64').toString());
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the cluster and waits until every member answers and agrees on a leader.
 *
 * @example
 * const cluster = await EtcdCluster.start(bed, { members: 3, heartbeatMs: 100, electionTimeoutMs: 1000, peerDelay, rng });
 */
export class EtcdCluster {
  private constructor(
    readonly bed: Testbed,
    readonly binary: string,
    readonly members: EtcdMember[],
    private readonly args: (m: EtcdMember) => string[],
  ) {}

  static async start(bed: Testbed, options: EtcdClusterOptions): Promise<EtcdCluster> {
    const binary = requireBinary('etcd', 'etcd-server');
    const n = options.members;
    let ports: number[];
    if (options.portBase != null) {
      ports = Array.from({ length: 3 * n }, (_, i) => options.portBase! + i);
      for (const p of ports) {
        if (p > 65535)
          throw new TestbedInputError('--port-base', `${options.portBase}: ports up to ${p} exceed 65535`);
        if (!(await portIsFree(p)))
          throw new TestbedInputError('--port-base', `port ${p} on 127.0.0.1 is taken`);
      }
    } else {
      ports = [];
      while (ports.length < 3 * n) {
        const p = await freePort();
        if (!ports.includes(p)) ports.push(p);
      }
    }
    const members: EtcdMember[] = [];
    for (let i = 0; i < n; i++) {
      const [clientPort, peerPort, proxyPort] = ports.slice(3 * i, 3 * i + 3);
      const proxy = await startDelayProxy({
        targetPort: peerPort,
        listenPort: proxyPort,
        delay: options.peerDelay,
        rng: options.rng,
        recordLimit: 0,
      });
      members.push({ index: i, name: `m${i}`, clientPort, peerPort, proxy, idHex: null, process: null });
    }
    const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.proxy.port}`).join(',');
    const token = `replilab-${Math.floor(options.rng.nextDouble() * 1e9)}`;
    const args = (m: EtcdMember) => [
      '--name',
      m.name,
      '--data-dir',
      bed.dir(m.name),
      '--listen-client-urls',
      `http://127.0.0.1:${m.clientPort}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${m.clientPort}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${m.peerPort}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${m.proxy.port}`,
      '--initial-cluster',
      initialCluster,
      '--initial-cluster-state',
      'new',
      '--initial-cluster-token',
      token,
      '--heartbeat-interval',
      String(options.heartbeatMs),
      '--election-timeout',
      String(options.electionTimeoutMs),
      ...(options.preVote === true ? ['--pre-vote'] : []),
      '--logger',
      'zap',
      '--log-outputs',
      'stderr',
    ];
    const cluster = new EtcdCluster(bed, binary, members, args);
    for (const m of members) m.process = bed.start(m.name, binary, args(m));
    await cluster.waitStable(30_000);
    return cluster;
  }

  /** Restarts a killed member with its data directory. */
  restart(index: number): void {
    const m = this.members[index];
    m.process = this.bed.start(m.name, this.binary, this.args(m));
  }

  /** Status of every running member, null where it does not answer. */
  async statuses(timeoutMs = 1000): Promise<(EtcdStatus | null)[]> {
    return Promise.all(
      this.members.map(async (m) => {
        if (m.process === null || !m.process.running) return null;
        try {
          const s = await etcdStatus(m.clientPort, timeoutMs);
          m.idHex = s.memberIdHex;
          return s;
        } catch {
          return null;
        }
      }),
    );
  }

  /** Waits until every member answers, all name the same live leader, and their raft indexes agree; returns the leader's index. */
  async waitStable(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      for (const m of this.members)
        if (m.process !== null && !m.process.running)
          throw new Error(`etcd ${m.name} exited during start-up; its log:\n${m.process.log().slice(-2000)}`);
      const s = await this.statuses();
      if (s.every((x) => x !== null)) {
        const leaders = new Set(s.map((x) => x.leaderIdHex));
        const indexes = new Set(s.map((x) => x.raftIndex));
        const [leader] = leaders;
        const li = this.members.findIndex((m) => m.idHex === leader);
        if (leaders.size === 1 && leader !== null && li >= 0 && indexes.size === 1) return li;
      }
      if (performance.now() > deadline) throw new Error('etcd cluster did not become stable in time');
      await sleep(50);
    }
  }

  /** Stops the proxies (the testbed stops the processes). */
  async closeProxies(): Promise<void> {
    await Promise.all(this.members.map((m) => m.proxy.close()));
  }
}
