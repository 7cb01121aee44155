import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MissingBinaryError, Testbed, findBinary, requireBinary, survivors } from './processes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('testbed processes', () => {
  it('close() stops every server and the children they forked (a /proc scan finds none), and removes the folder', async () => {
    const bed = new Testbed('selftest');
    // A shell that forks a grandchild: the kill must reach the whole process group.
    const p = bed.start('forker', '/bin/sh', ['-c', 'sleep 30 & echo started; wait']);
    for (let i = 0; i < 50 && !p.log().includes('started'); i++) await sleep(20);
    expect(survivors([p.pid]).length).toBeGreaterThanOrEqual(2); // the shell and its sleep
    await bed.close();
    await sleep(50);
    expect(survivors([p.pid])).toEqual([]);
    expect(existsSync(bed.root)).toBe(false);
  });

  it('kill9 ends one server at once and the others run on', async () => {
    const bed = new Testbed('selftest');
    try {
      const a = bed.start('a', '/bin/sleep', ['30']);
      const b = bed.start('b', '/bin/sleep', ['30']);
      await a.kill9();
      expect(a.running).toBe(false);
      expect(b.running).toBe(true);
      expect(survivors([a.pid])).toEqual([]);
    } finally {
      await bed.close();
    }
  });

  it('a missing binary names its Debian package', () => {
    expect(findBinary('no-such-binary-replilab')).toBeNull();
    expect(() => requireBinary('no-such-binary-replilab', 'replilab-pkg')).toThrow(MissingBinaryError);
    expect(() => requireBinary('no-such-binary-replilab', 'replilab-pkg')).toThrow(
      /apt-get install replilab-pkg/,
    );
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} to the process that started servers stops them all (built module, a separate node)`, async () => {
      const module = join(process.cwd(), 'dist/lib/testbed/processes.js');
      if (!existsSync(module))
        throw new Error(`${module} is missing: run "npm run build" first (npm test does)`);
      const script = `
        const { Testbed } = await import(${JSON.stringify(module)});
        const bed = new Testbed('signal');
        const p = bed.start('s', '/bin/sh', ['-c', 'sleep 60 & wait']);
        console.log(JSON.stringify({ pid: p.pid, root: bed.root }));
        setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = await new Promise<string>((resolve) =>
        child.stdout.once('data', (d: Buffer) => resolve(d.toString())),
      );
      const { pid, root } = JSON.parse(line) as { pid: number; root: string };
      await sleep(100);
      expect(survivors([pid]).length).toBeGreaterThan(0);
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => resolve(c));
        child.kill(signal);
      });
      expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
      await sleep(100);
      expect(survivors([pid])).toEqual([]);
      expect(existsSync(root)).toBe(false);
    });
  }

  it('captures output in the log file', async () => {
    const bed = new Testbed('selftest', { keep: true });
    try {
      const p = bed.start('echo', '/bin/echo', ['hello testbed']);
      await p.exited;
      expect(readFileSync(p.logFile, 'utf8')).toBe('hello testbed\n');
    } finally {
      await bed.close();
    }
  });
});
