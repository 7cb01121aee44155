/**
 * A Patroni cluster on 127.0.0.1 for calibration: n PostgreSQL 15 nodes, each run by its own
 * Patroni (Debian `patroni`, 3.0) as the `postgres` system user (PostgreSQL refuses to run as
 * root), with a one-member testbed etcd as the DCS through Patroni's `etcd3` client (etcd 3.4's
 * v3 JSON gateway; no --enable-v2 needed). Everything lives in one {@link Testbed} folder; the
 * node folders belong to `postgres`.
 *
 * Patroni starts the postmaster in a session of its own (patroni/postgresql/postmaster.py calls
 * os.setsid() before Popen), so killing Patroni's process group leaves PostgreSQL running: a kill
 * here sends SIGKILL to Patroni's group and to the postmaster's group (which holds every backend),
 * and {@link PatroniCluster.close} kills every process whose command line names the folder.
 *
 * Readiness: one node's REST API (GET /cluster) reports one running leader and every other node
 * running as a replica, and the leader's GET /patroni lists each of them as `streaming` in its
 * `replication` (pg_stat_replication).
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  chownSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { resolveLatency } from '../latency/index.js';
import type { RandomStream } from '../random/index.js';
import { EtcdCluster, etcdPost } from './etcd.js';
import { postmasterShmid, removeShm } from './postgres.js';
import { findBinary, freePort, requireBinary, type ServerProcess, type Testbed } from './processes.js';

/** Where Debian's postgresql-15 puts the server binaries. */
export const PG_BIN_DIR = '/usr/lib/postgresql/15/bin';
/** Patroni's scope (the cluster's name) and DCS namespace: the leader key is /service/replilab/leader. */
export const SCOPE = 'replilab';
export const NAMESPACE = '/service/';
export const LEADER_KEY = `${NAMESPACE}${SCOPE}/leader`;

/** Patroni's three timing settings (its dynamic configuration, whole seconds as Patroni's schema wants). */
export interface PatroniSetting {
  ttlS: number;
  loopWaitS: number;
  retryTimeoutS: number;
}

export interface PatroniNode {
  readonly index: number;
  readonly name: string;
  readonly pgPort: number;
  readonly apiPort: number;
  readonly dir: string;
  readonly dataDir: string;
  readonly configFile: string;
  process: ServerProcess | null;
}

/** A member as GET /cluster lists it. */
export interface PatroniMemberView {
  name: string;
  role: string;
  state: string;
  lag?: number | string;
}

/** Whether Patroni and the PostgreSQL 15 server binaries are installed (tests skip without them). */
export function patroniMissing(): string[] {
  const missing: string[] = [];
  if (findBinary('patroni') === null) missing.push('patroni');
  if (findBinary('runuser') === null) missing.push('runuser');
  if (findBinary('etcd') === null) missing.push('etcd');
  try {
    accessSync(join(PG_BIN_DIR, 'postgres'), constants.X_OK);
  } catch {
    missing.push(`${PG_BIN_DIR}/postgres (postgresql-15)`);
  }
  return missing;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET a node's REST API as JSON; null when it does not answer (any status: Patroni answers 503 with a body). */
export async function patroniGet(
  port: number,
  path: string,
  timeoutMs = 1000,
): Promise<Record<string, unknown> | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The holder of the leader key in the DCS, or null when there is none. */
export async function leaderKeyHolder(etcdPort: number, timeoutMs = 1000): Promise<string | null> {
  const r = (await etcdPost(
    etcdPort,
    '/v3/kv/range',
    { key: Buffer.from(LEADER_KEY).toString('base64') },
    timeoutMs,
  )) as { kvs?: { value?: string }[] };
  const v = r.kvs?.[0]?.value;
  return v === undefined ? null : Buffer.from(v, 'base64').toString();
}

/** Runs one SQL statement with psql on a node; resolves true when it succeeded. */
export function psql(port: number, sql: string, timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      'psql',
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-X',
        '-q',
        '-A',
        '-t',
        '-c',
        sql,
      ],
      { timeout: timeoutMs, env: { ...process.env, PGCONNECT_TIMEOUT: '1', PGPASSWORD: 'replilab' } },
      (error) => resolve(error === null),
    );
  });
}

/** The process group of pid (from /proc), or null when it is gone. */
function pgidOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return null;
  }
}

/** Pids (not zombies) whose command line contains `text`, by a scan of /proc. */
export function processesNaming(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('the postgres system user is missing: install the Debian package postgresql');
  }
}

/** Clusters not closed yet: this process's exit (and SIGINT/SIGTERM, which exit) kills their PostgreSQL too. */
const liveClusters = new Set<PatroniCluster>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // The testbed kills the Patroni process groups on exit; the postmasters run in sessions of
  // their own (Patroni's setsid), so they are killed here, by the groups noted and by a scan.
  process.on('exit', () => {
    for (const cluster of liveClusters) cluster.killPostgresSync();
  });
}

/**
 * Starts the cluster and waits until it is ready (a leader and every replica streaming).
 *
 * @example
 * const cluster = await PatroniCluster.start(bed, { nodes: 3, setting: { ttlS: 30, loopWaitS: 10, retryTimeoutS: 10 }, rng });
 * try { await cluster.kill9(await cluster.waitReady(120_000)); } finally { await cluster.close(); await bed.close(); }
 */
export class PatroniCluster {
  private readonly postmasterGroups = new Set<number>();

  private constructor(
    readonly bed: Testbed,
    readonly binary: string,
    readonly etcd: EtcdCluster,
    readonly nodes: PatroniNode[],
    private readonly onProcess?: (pid: number) => void,
  ) {}

  get etcdPort(): number {
    return this.etcd.members[0].clientPort;
  }

  static async start(
    bed: Testbed,
    o: { nodes: number; setting: PatroniSetting; rng: RandomStream; onProcess?: (pid: number) => void },
  ): Promise<PatroniCluster> {
    const binary = requireBinary('patroni', 'patroni');
    requireBinary('runuser', 'util-linux');
    requireBinary('psql', 'postgresql-client-15');
    const { uid, gid } = postgresIds();
    // mkdtemp makes the folder 0700 for root; the postgres user must reach its node folders.
    chmodSync(bed.root, 0o755);
    const etcd = await EtcdCluster.start(bed, {
      members: 1,
      heartbeatMs: 100,
      electionTimeoutMs: 1000,
      peerDelay: resolveLatency('const(0)').W,
      rng: o.rng,
    });
    const ports: number[] = [];
    while (ports.length < 2 * o.nodes) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const nodes: PatroniNode[] = [];
    for (let i = 0; i < o.nodes; i++) {
      const name = `n${i}`;
      const dir = bed.dir(name);
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, uid, gid);
      const node: PatroniNode = {
        index: i,
        name,
        pgPort: ports[2 * i],
        apiPort: ports[2 * i + 1],
        dir,
        dataDir: join(dir, 'data'),
        configFile: join(dir, 'patroni.yml'),
        process: null,
      };
      writeFileSync(node.configFile, stringify(patroniConfig(node, o.setting, etcd.members[0].clientPort)));
      chownSync(node.configFile, uid, gid);
      nodes.push(node);
    }
    const cluster = new PatroniCluster(bed, binary, etcd, nodes, o.onProcess);
    installExitHook();
    liveClusters.add(cluster);
    // The first node bootstraps (initdb) alone; the others then clone it with pg_basebackup.
    cluster.startNode(0);
    await cluster.waitLeader(120_000);
    for (let i = 1; i < o.nodes; i++) cluster.startNode(i);
    return cluster;
  }

  /** Starts (or restarts, with its data directory) node i's Patroni as the postgres user. */
  startNode(i: number): void {
    const node = this.nodes[i];
    node.process = this.bed.start(node.name, 'runuser', [
      '-u',
      'postgres',
      '--',
      this.binary,
      node.configFile,
    ]);
    this.onProcess?.(node.process.pid);
  }

  /** The postmaster's pid of node i from its postmaster.pid, or null. */
  postmasterPid(i: number): number | null {
    try {
      const pid = Number(readFileSync(join(this.nodes[i].dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 && pgidOf(pid) !== null ? pid : null;
    } catch {
      return null;
    }
  }

  private notePostmasters(): void {
    for (const node of this.nodes) {
      const pid = this.postmasterPid(node.index);
      const group = pid === null ? null : pgidOf(pid);
      if (group !== null && !this.postmasterGroups.has(group)) {
        this.postmasterGroups.add(group);
        this.onProcess?.(group);
      }
    }
  }

  /** GET /cluster from the first running node that answers. */
  async clusterView(): Promise<PatroniMemberView[] | null> {
    for (const node of this.nodes) {
      if (node.process === null || !node.process.running) continue;
      const view = await patroniGet(node.apiPort, '/cluster');
      if (view !== null && Array.isArray(view.members)) return view.members as PatroniMemberView[];
    }
    return null;
  }

  private async waitLeader(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      this.checkAlive();
      const view = await this.clusterView();
      const leader = view?.find((m) => m.role === 'leader' && m.state === 'running');
      if (leader !== undefined) {
        this.notePostmasters();
        return this.nodes.findIndex((n) => n.name === leader.name);
      }
      if (performance.now() > deadline)
        throw new Error(`Patroni: no leader within ${timeoutMs} ms${this.logTail()}`);
      await sleep(200);
    }
  }

  /**
   * Waits until one node leads, every other node runs as its replica and streams from it
   * (pg_stat_replication as the leader's GET /patroni reports it), and the leader takes a write;
   * returns the leader's index.
   */
  async waitReady(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      this.checkAlive();
      const view = await this.clusterView();
      const leader = view?.find((m) => m.role === 'leader' && m.state === 'running');
      const replicas = view?.filter((m) => m.role !== 'leader' && m.state === 'running') ?? [];
      if (leader !== undefined && replicas.length === this.nodes.length - 1) {
        const li = this.nodes.findIndex((n) => n.name === leader.name);
        const status = await patroniGet(this.nodes[li].apiPort, '/patroni');
        const streaming = ((status?.replication ?? []) as { application_name?: string; state?: string }[])
          .filter((r) => r.state === 'streaming')
          .map((r) => r.application_name);
        if (
          replicas.every((r) => streaming.includes(r.name)) &&
          (await psql(
            this.nodes[li].pgPort,
            'CREATE TABLE IF NOT EXISTS calib (id bigserial PRIMARY KEY, trial int)',
          ))
        ) {
          this.notePostmasters();
          return li;
        }
      }
      if (performance.now() > deadline)
        throw new Error(
          `Patroni cluster not ready within ${timeoutMs} ms: ${JSON.stringify(view)}${this.logTail()}`,
        );
      await sleep(250);
    }
  }

  private checkAlive(): void {
    for (const node of this.nodes)
      if (node.process !== null && !node.process.running)
        throw new Error(`Patroni ${node.name} exited; its log:\n${node.process.log().slice(-3000)}`);
  }

  private logTail(): string {
    return this.nodes
      .filter((n) => n.process !== null)
      .map((n) => `\n--- ${n.name} ---\n${n.process!.log().slice(-1500)}`)
      .join('');
  }

  /**
   * SIGKILL to node i's Patroni (its process group) and then to its PostgreSQL (the postmaster's
   * group: every backend); resolves when Patroni has exited. Returns the moment of the kill
   * (performance.now(), taken just before the first signal).
   */
  async kill9(i: number): Promise<number> {
    const node = this.nodes[i];
    const pm = this.postmasterPid(i);
    const group = pm === null ? null : pgidOf(pm);
    const at = performance.now();
    const patroniDone = node.process?.kill9();
    if (group !== null) killGroup(group);
    await patroniDone;
    return at;
  }

  /** SIGKILL to every postmaster group noted and to every process whose command line names the folder. */
  killPostgresSync(): void {
    for (const group of this.postmasterGroups) killGroup(group);
    for (const pid of processesNaming(this.bed.root)) killGroup(pgidOf(pid) ?? pid);
  }

  /** Kills every Patroni and every process naming the folder (postmasters and their groups), then stops the DCS proxies. */
  async close(): Promise<void> {
    liveClusters.delete(this);
    const segments = this.nodes.map((n) => postmasterShmid(n.dataDir));
    await Promise.all(this.nodes.map((n) => n.process?.kill9() ?? Promise.resolve()));
    for (const group of this.postmasterGroups) killGroup(group);
    for (let round = 0; round < 50; round++) {
      const left = processesNaming(this.bed.root);
      if (left.length === 0) break;
      for (const pid of left) {
        killGroup(pgidOf(pid) ?? pid);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await sleep(100);
    }
    for (const shmid of segments) await removeShm(shmid);
    await this.etcd.closeProxies();
  }
}

/** Node `node`'s patroni.yml: the DCS timing in bootstrap.dcs, trust on loopback, pg_rewind for a returning old primary. */
export function patroniConfig(node: PatroniNode, setting: PatroniSetting, etcdPort: number): object {
  return {
    scope: SCOPE,
    namespace: NAMESPACE,
    name: node.name,
    restapi: { listen: `127.0.0.1:${node.apiPort}`, connect_address: `127.0.0.1:${node.apiPort}` },
    etcd3: { hosts: `127.0.0.1:${etcdPort}` },
    bootstrap: {
      dcs: {
        ttl: setting.ttlS,
        loop_wait: setting.loopWaitS,
        retry_timeout: setting.retryTimeoutS,
        maximum_lag_on_failover: 1048576,
        postgresql: {
          use_pg_rewind: true,
          parameters: {
            wal_level: 'replica',
            hot_standby: 'on',
            max_wal_senders: 10,
            max_replication_slots: 10,
          },
        },
      },
      initdb: [{ encoding: 'UTF8' }, { auth: 'trust' }],
      pg_hba: [
        'local all all trust',
        'host all all 127.0.0.1/32 trust',
        'host replication all 127.0.0.1/32 trust',
      ],
    },
    postgresql: {
      listen: `127.0.0.1:${node.pgPort}`,
      connect_address: `127.0.0.1:${node.pgPort}`,
      data_dir: node.dataDir,
      bin_dir: PG_BIN_DIR,
      pgpass: join(node.dir, 'pgpass'),
      authentication: {
        superuser: { username: 'postgres', password: 'replilab' },
        replication: { username: 'replicator', password: 'replilab' },
        rewind: { username: 'postgres', password: 'replilab' },
      },
      parameters: {
        unix_socket_directories: node.dir,
        shared_buffers: '16MB',
        max_connections: 30,
      },
      use_pg_rewind: true,
      remove_data_directory_on_rewind_failure: true,
      remove_data_directory_on_diverged_timelines: true,
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
}
