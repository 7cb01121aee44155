// PostgreSQL streaming replication on the testbed: runs where PostgreSQL 15 is installed (always
// in CI, where .ci/run installs it), skips elsewhere with a message saying what to install.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveLatency } from '../latency/index.js';
import { deriveStream } from '../random/index.js';
import { PgCluster, pgQuery, postgresInstalled, segmentsCreatedBy } from './postgres.js';
import { survivors, Testbed } from './processes.js';

const installed = postgresInstalled();
if (!installed) {
  if (process.env.CI)
    throw new Error('CI needs PostgreSQL 15 for the testbed test: apt-get install postgresql');
  console.warn(
    'lib/testbed/postgres.test.ts skipped: /usr/lib/postgresql/15/bin absent (apt-get install postgresql)',
  );
}

describe.skipIf(!installed)('PgCluster (real PostgreSQL on 127.0.0.1)', () => {
  it('a primary and two standbys through 2 ms proxies: a write is read on both standbys; nothing survives close', async () => {
    const started: number[] = [];
    const bed = new Testbed('pg');
    const root = bed.root;
    let cluster: PgCluster | null = null;
    try {
      cluster = await PgCluster.start(bed, {
        delay: resolveLatency('const(2)').W,
        rng: deriveStream(1, 0, 0),
        onProcess: (pid) => started.push(pid),
      });
      const rows = await cluster.replication();
      expect(rows.map((r) => r.application_name).sort()).toEqual(['s1', 's2']);
      await pgQuery(cluster.primary.port, 'CREATE TABLE t (k text PRIMARY KEY)');
      await pgQuery(cluster.primary.port, "INSERT INTO t VALUES ('marker')");
      for (const s of cluster.standbys) {
        let seen = false;
        for (let i = 0; i < 200 && !seen; i++) {
          seen = (await pgQuery(s.port, "SELECT 1 FROM t WHERE k = 'marker'").catch(() => [])).length === 1;
          if (!seen) await new Promise((r) => setTimeout(r, 25));
        }
        expect(seen, s.name).toBe(true);
        // A standby is read-only (hot standby).
        await expect(pgQuery(s.port, "INSERT INTO t VALUES ('x')")).rejects.toThrow(/read-only/);
        // The replication link crossed the proxy: it delayed chunks by 2 ms.
        expect(s.proxy!.chunks()).toBeGreaterThan(0);
      }
      await cluster.close();
    } finally {
      await cluster?.close();
      await bed.close();
    }
    expect(started.length).toBeGreaterThanOrEqual(3 * 4); // wrappers, postmasters and backends
    expect(survivors(started)).toEqual([]);
    // No System V segment created by one of its postmasters is left.
    expect(segmentsCreatedBy(started)).toEqual([]);
    expect(existsSync(root)).toBe(false);
  }, 120_000);
});
