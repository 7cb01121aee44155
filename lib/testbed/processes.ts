/**
 * Real server processes for calibration: each started on 127.0.0.1 in its own process group, its
 * output captured to a log file under one temporary folder, and every one of them stopped when
 * the testbed closes, when this process exits, and on SIGINT/SIGTERM (then the signal's usual
 * exit code, 128 + signal number). Never systemd: the servers are children of this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  readFileSync,
  readdirSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A binary the testbed needs is missing: the message names the Debian package that has it. */
export class MissingBinaryError extends Error {
  constructor(
    readonly binary: string,
    readonly debianPackage: string,
  ) {
    super(
      `${binary} not found on PATH: install the Debian package ${debianPackage} (apt-get install ${debianPackage})`,
    );
    this.name = 'MissingBinaryError';
  }
}

/** The full path of `binary` on PATH, or null. */
export function findBinary(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, binary);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** `findBinary`, or a {@link MissingBinaryError} naming the package. */
export function requireBinary(binary: string, debianPackage: string): string {
  const path = findBinary(binary);
  if (path === null) throw new MissingBinaryError(binary, debianPackage);
  return path;
}

/** A free TCP port on 127.0.0.1 (bound, read, released; the caller binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` on 127.0.0.1 can be bound now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.on('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** One started server. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Still running (no exit seen). */
  readonly running: boolean;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** SIGKILL to the process group at once (the fault); resolves on exit. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
  /** The captured output so far. */
  log(): string;
}

const live = new Set<Testbed>();
let handlersInstalled = false;

function killGroupSync(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const bed of live) bed.killAllSync();
  });
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      for (const bed of live) bed.killAllSync();
      process.exit(code);
    });
  }
}

/**
 * A temporary folder and the servers started in it. `close()` stops them all and removes the
 * folder unless `keep`; so do exit and SIGINT/SIGTERM of this process.
 *
 * @example
 * const bed = new Testbed('etcd');
 * try { const p = bed.start('m0', '/usr/bin/etcd', ['--data-dir', bed.dir('m0')]); } finally { await bed.close(); }
 */
export class Testbed {
  readonly root: string;
  private readonly processes = new Map<
    number,
    { child: ChildProcess; name: string; done: boolean; exited: Promise<void> }
  >();
  private closed = false;

  constructor(
    label: string,
    private readonly options: { keep?: boolean; onStart?: (pid: number) => void } = {},
  ) {
    this.root = mkdtempSync(join(tmpdir(), `replilab-${label}-`));
    installHandlers();
    live.add(this);
  }

  /** A fresh data directory path under the root (not created: servers create their own). */
  dir(name: string): string {
    return join(this.root, name);
  }

  /** The pids of the processes still running (process group leaders). */
  pids(): number[] {
    return [...this.processes.entries()].filter(([, p]) => !p.done).map(([pid]) => pid);
  }

  /** Every pid this testbed ever started. */
  allPids(): number[] {
    return [...this.processes.keys()];
  }

  /** Starts `binary args` in its own process group, stdout and stderr appended to root/name.log. */
  start(
    name: string,
    binary: string,
    args: readonly string[],
    env: Record<string, string> = {},
  ): ServerProcess {
    if (this.closed) throw new Error('testbed closed');
    const logFile = join(this.root, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(binary, args, {
      cwd: this.root,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env },
    });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`${name}: could not start ${binary}`);
    const pid = child.pid;
    this.options.onStart?.(pid);
    const entry = { child, name, done: false, exited: Promise.resolve() };
    this.processes.set(pid, entry);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        entry.done = true;
        resolve();
      });
      child.once('error', () => {
        entry.done = true;
        resolve();
      });
    });
    entry.exited = exited;
    const stop = async (graceMs = 2000) => {
      if (entry.done) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const timer = setTimeout(() => killGroupSync(pid), graceMs);
      await exited;
      clearTimeout(timer);
      killGroupSync(pid); // any child it left in its group
    };
    return {
      name,
      pid,
      logFile,
      get running() {
        return !entry.done;
      },
      exited,
      kill9: async () => {
        killGroupSync(pid);
        await exited;
      },
      stop,
      log: () => readFileSync(logFile, 'utf8'),
    };
  }

  /** SIGKILL to every process group, synchronously (exit and signal handlers). */
  killAllSync(): void {
    for (const [pid, p] of this.processes) if (!p.done) killGroupSync(pid);
    if (!this.options.keep) rmSync(this.root, { recursive: true, force: true });
  }

  /** Stops every server (SIGTERM, then SIGKILL) and removes the folder unless `keep`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      [...this.processes.entries()].map(async ([pid, p]) => {
        if (p.done) return killGroupSync(pid);
        killGroupSync(pid);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([p.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 3000)))]);
        clearTimeout(timer);
      }),
    );
    live.delete(this);
    if (!this.options.keep) rmSync(this.root, { recursive: true, force: true });
  }
}

/** Pids among `pids` that are still alive or whose process group still has a member, by a scan of /proc. */
export function survivors(pids: readonly number[]): number[] {
  const wanted = new Set(pids);
  const alive: number[] = [];
  const entries = readdirSync('/proc');
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid pgrp ...
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = rest[0];
      const pgrp = Number(rest[2]);
      if (state === 'Z') continue;
      if (wanted.has(Number(entry)) || wanted.has(pgrp)) alive.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return alive;
}
