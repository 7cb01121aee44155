/**
 * PostgreSQL 15 streaming replication on 127.0.0.1 for calibration: a primary and its standbys,
 * each a `postgres` server in its own data directory under one {@link Testbed}, every standby's
 * replication connection through a {@link DelayProxy} in front of the primary (standby -> proxy
 * -> primary), so each WAL chunk and each standby reply crosses one delay draw.
 *
 * PostgreSQL refuses to run as root (postmaster.c checks geteuid() == 0), so the servers, initdb
 * and pg_basebackup run as the `postgres` user that Debian's package creates, through `runuser`,
 * in the foreground (`postgres -D`, not `pg_ctl start`, which would daemonize out of the
 * testbed's process group). The data directories are created under the testbed's folder and
 * owned by that user. Backends call setsid() (miscinit.c InitPostmasterChild), so they leave the
 * postmaster's process group: {@link PgCluster.close} collects every descendant from /proc before
 * the kill and kills those too, and removes the System V segment of a killed postmaster.
 *
 * Standbys come from `pg_basebackup -R` (standby.signal and primary_conninfo); primary_conninfo
 * is then given on the command line with `application_name` = the standby's name, which
 * synchronous_standby_names refers to (https://www.postgresql.org/docs/15/runtime-config-replication.html).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pg from 'pg';
import type { LatencyDistribution } from '../latency/index.js';
import type { RandomStream } from '../random/index.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';
import {
  freePort,
  MissingBinaryError,
  requireBinary,
  type ServerProcess,
  type Testbed,
} from './processes.js';

const run = promisify(execFile);

/** Where Debian's postgresql-15 package puts the server binaries. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Whether PostgreSQL 15's binaries are installed here. */
export function postgresInstalled(): boolean {
  return existsSync(join(PG_BIN, 'postgres')) && existsSync(join(PG_BIN, 'initdb'));
}

/** The binaries, or a {@link MissingBinaryError} naming the Debian package. */
function requirePostgres(): { runuser: string } {
  if (!postgresInstalled()) throw new MissingBinaryError(join(PG_BIN, 'postgres'), 'postgresql-15');
  return { runuser: requireBinary('runuser', 'util-linux') };
}

/** The uid and gid of the `postgres` user (from /etc/passwd). */
function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (line === undefined) throw new MissingBinaryError('the postgres user', 'postgresql-15');
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

export interface PgNode {
  readonly name: string;
  readonly port: number;
  readonly dir: string;
  process: ServerProcess;
  /** The proxy a standby's replication connection crosses (null: the primary). */
  readonly proxy: DelayProxy | null;
}

export interface PgClusterOptions {
  /** Standbys, named s1, s2, ... Default 2. */
  standbys?: number;
  /** One-way delay of every chunk on each standby's replication link. */
  delay: LatencyDistribution;
  rng: RandomStream;
  /** The proxies' timer (DelayProxyOptions.precise); default true. */
  preciseDelay?: boolean;
  /** Told the pid of every process started (the server, and its backends at close). */
  onProcess?: (pid: number) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client of one server on 127.0.0.1 (user postgres, trust authentication). */
export function pgClient(port: number, timeoutMs = 2000): pg.Client {
  const c = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: timeoutMs,
  });
  c.on('error', () => {}); // each query's own rejection reports it
  return c;
}

/** Runs `sql` on a fresh connection and closes it. */
export async function pgQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  port: number,
  sql: string,
  params: unknown[] = [],
  timeoutMs = 2000,
): Promise<T[]> {
  const c = pgClient(port, timeoutMs);
  try {
    await c.connect();
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Pids of every process descending from `root` (by the ppid field of /proc/PID/stat). */
export function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const [pid, ppid] of parent) if (frontier.includes(ppid)) next.push(pid);
    out.push(...next);
    frontier = next;
  }
  return out;
}

function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** A primary and its standbys; see the module comment. */
export class PgCluster {
  private closed = false;
  private readonly seen = new Set<number>();

  private constructor(
    private readonly bed: Testbed,
    readonly primary: PgNode,
    readonly standbys: PgNode[],
    private readonly runuser: string,
    private readonly onProcess?: (pid: number) => void,
  ) {}

  /** Every server, primary first. */
  get nodes(): PgNode[] {
    return [this.primary, ...this.standbys];
  }

  /** initdb, the primary, pg_basebackup -R per standby, the proxies and the standbys; resolves once every standby streams. */
  static async start(bed: Testbed, o: PgClusterOptions): Promise<PgCluster> {
    const { runuser } = requirePostgres();
    const ids = postgresIds();
    // The testbed's folder is root's and 0700: the postgres user must reach its data directories.
    chmodSync(bed.root, 0o755);
    const mkdir = (name: string) => {
      const dir = bed.dir(name);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chownSync(dir, ids.uid, ids.gid);
      return dir;
    };
    const asPostgres = (binary: string, args: string[]) =>
      run(runuser, ['-u', 'postgres', '--', join(PG_BIN, binary), ...args], {
        cwd: bed.root,
        timeout: 120_000,
      });
    const n = o.standbys ?? 2;
    const primaryDir = mkdir('primary');
    await asPostgres('initdb', [
      '-D',
      primaryDir,
      '--auth=trust',
      '-U',
      'postgres',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync', // a throwaway cluster: initdb's own fsync of every file is not what is measured
    ]);
    const primaryPort = await freePort();
    const primary: PgNode = {
      name: 'primary',
      port: primaryPort,
      dir: primaryDir,
      proxy: null,
      process: PgCluster.spawn(bed, runuser, 'primary', primaryDir, primaryPort, [], o.onProcess),
    };
    const cluster = new PgCluster(bed, primary, [], runuser, o.onProcess);
    try {
      await cluster.waitReady(primary, 60_000);
      for (let i = 1; i <= n; i++) {
        const name = `s${i}`;
        const dir = mkdir(name);
        await asPostgres('pg_basebackup', [
          '-h',
          '127.0.0.1',
          '-p',
          String(primaryPort),
          '-U',
          'postgres',
          '-D',
          dir,
          '-R',
          '-X',
          'stream',
          '--no-sync',
        ]);
        const proxy = await startDelayProxy({
          targetPort: primaryPort,
          delay: o.delay,
          rng: o.rng,
          precise: o.preciseDelay,
        });
        const port = await freePort();
        const conninfo = `host=127.0.0.1 port=${proxy.port} user=postgres application_name=${name}`;
        cluster.standbys.push({
          name,
          port,
          dir,
          proxy,
          process: PgCluster.spawn(
            bed,
            runuser,
            name,
            dir,
            port,
            ['-c', `primary_conninfo=${conninfo}`],
            o.onProcess,
          ),
        });
      }
      for (const s of cluster.standbys) await cluster.waitReady(s, 60_000);
      await cluster.waitStreaming(60_000);
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  private static spawn(
    bed: Testbed,
    runuser: string,
    name: string,
    dir: string,
    port: number,
    extra: string[],
    onProcess?: (pid: number) => void,
  ): ServerProcess {
    const p = bed.start(name, runuser, [
      '-u',
      'postgres',
      '--',
      join(PG_BIN, 'postgres'),
      '-D',
      dir,
      '-c',
      `port=${port}`,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'shared_buffers=16MB',
      '-c',
      'max_connections=20',
      '-c',
      'max_wal_senders=5',
      ...extra,
    ]);
    onProcess?.(p.pid);
    return p;
  }

  /** Resolves once `node` answers SELECT 1 (a standby: once it accepts read-only connections). */
  async waitReady(node: PgNode, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (!node.process.running)
        throw new Error(`${node.name}: postgres exited: ${node.process.log().slice(-500)}`);
      try {
        await pgQuery(node.port, 'SELECT 1', [], 1000);
        return;
      } catch {
        if (performance.now() > deadline)
          throw new Error(`${node.name}: not ready in ${timeoutMs} ms: ${node.process.log().slice(-500)}`);
      }
      await sleep(50);
    }
  }

  /** The primary's pg_stat_replication rows. */
  replication(): Promise<{ application_name: string; state: string; sync_state: string }[]> {
    return pgQuery(this.primary.port, 'SELECT application_name, state, sync_state FROM pg_stat_replication');
  }

  /** Resolves once every standby streams from the primary. */
  async waitStreaming(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const rows = await this.replication().catch(() => []);
      if (
        this.standbys.every((s) => rows.some((r) => r.application_name === s.name && r.state === 'streaming'))
      )
        return;
      if (performance.now() > deadline) throw new Error(`standbys not streaming in ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /**
   * Sets synchronous_standby_names on the primary (ALTER SYSTEM, reload) and resolves once
   * pg_stat_replication shows the sync states it implies: `expect` maps a standby to
   * 'sync' | 'potential' | 'quorum' | 'async'.
   */
  async setSyncStandbys(names: string, expect: Record<string, string>, timeoutMs = 20_000): Promise<void> {
    const literal = `'${names.replace(/'/g, "''")}'`;
    await pgQuery(this.primary.port, `ALTER SYSTEM SET synchronous_standby_names = ${literal}`);
    await pgQuery(this.primary.port, 'SELECT pg_reload_conf()');
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const rows = await this.replication().catch(() => []);
      if (
        Object.entries(expect).every(([n, s]) =>
          rows.some((r) => r.application_name === n && r.sync_state === s),
        )
      )
        return;
      if (performance.now() > deadline)
        throw new Error(`synchronous_standby_names = ${literal}: sync states ${JSON.stringify(rows)}`);
      await sleep(50);
    }
  }

  /** Every process of `node` now: the runuser wrapper, the postmaster and its children (reported to onProcess). */
  track(node: PgNode): number[] {
    const pids = [node.process.pid, ...descendants(node.process.pid)];
    for (const pid of pids)
      if (!this.seen.has(pid)) {
        this.seen.add(pid);
        this.onProcess?.(pid);
      }
    return pids;
  }

  /**
   * `kill -9` of a server: its postmaster, wrapper and every backend (`pids`: from {@link track},
   * taken beforehand when the kill's moment matters, as the /proc scan takes a while); removes its
   * shared memory segment. Every process gets its SIGKILL at once, before waiting for any: each
   * backend and WAL sender is a process group of its own (PostgreSQL's InitPostmasterChild calls
   * setsid), so the wrapper's group kill misses them, and while the wrapper's exit was awaited
   * they went on serving commits and shipping WAL after the "kill".
   */
  async kill9(node: PgNode, pids: readonly number[] = this.track(node)): Promise<void> {
    const shmid = postmasterShmid(node.dir);
    killPids(pids);
    await node.process.kill9();
    await this.waitGone(pids, 5000);
    await removeShm(shmid);
  }

  private async waitGone(pids: readonly number[], timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (pids.some((pid) => existsSync(`/proc/${pid}`) && !isZombie(pid)) && performance.now() < deadline)
      await sleep(20);
  }

  /**
   * `pg_ctl promote` of a standby (as the postgres user). With `wait`, pg_ctl returns once the
   * promotion is done (it polls ten times a second); without, once it has signalled the server.
   */
  async promote(node: PgNode, wait = true): Promise<void> {
    await run(
      this.runuser,
      [
        '-u',
        'postgres',
        '--',
        join(PG_BIN, 'pg_ctl'),
        'promote',
        '-D',
        node.dir,
        wait ? '-w' : '-W',
        '-t',
        '60',
      ],
      { cwd: this.bed.root, timeout: 70_000 },
    );
  }

  /** Closes the proxies and kills every server and backend (the data is thrown away with the testbed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const node of this.nodes) if (node.process.running) await this.kill9(node);
    for (const s of this.standbys) if (s.proxy !== null) await s.proxy.close();
    killPids([...this.seen]);
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** The server's version, e.g. "15.14" (from `postgres --version`). */
export async function postgresVersion(): Promise<string> {
  if (!postgresInstalled()) return 'unknown';
  const { stdout } = await run(join(PG_BIN, 'postgres'), ['--version']);
  return /(\d+\.\d+)/.exec(stdout)?.[1] ?? 'unknown';
}

/**
 * The System V segment id a postmaster recorded in its data folder's postmaster.pid (line 7: key
 * and id), or null. A postmaster killed with SIGKILL leaves that segment behind; a postmaster
 * restarted on the folder removes it itself, so only the last kill needs {@link removeShm}.
 */
export function postmasterShmid(dataDir: string): number | null {
  try {
    const line = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[6] ?? '';
    const id = Number(line.trim().split(/\s+/)[1]);
    return Number.isInteger(id) ? id : null;
  } catch {
    return null;
  }
}

/** Removes a System V shared memory segment (`ipcrm -m`); a segment already gone is fine. */
export async function removeShm(shmid: number | null): Promise<void> {
  if (shmid !== null) await run('ipcrm', ['-m', String(shmid)]).catch(() => {});
}

/** The System V segments (`ipcs -m -p`: shmid owner cpid lpid) whose creator is one of `pids`. */
export function segmentsCreatedBy(pids: readonly number[]): number[] {
  const ipcs = execFileSync('ipcs', ['-m', '-p'], { encoding: 'utf8' });
  return ipcs
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 4 && /^\d+$/.test(f[0]) && pids.includes(Number(f[2])))
    .map((f) => Number(f[0]));
}
