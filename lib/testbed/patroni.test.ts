// A 3-node Patroni cluster on the testbed: it becomes ready (a leader, two streaming replicas),
// and closing it leaves no process behind. Runs where Patroni and PostgreSQL 15 are installed
// (always in CI, where .ci/run installs patroni); skips elsewhere saying what to install.
import { describe, expect, it } from 'vitest';
import { deriveStream } from '../random/index.js';
import { leaderKeyHolder, PatroniCluster, patroniMissing, processesNaming } from './patroni.js';
import { segmentsCreatedBy } from './postgres.js';
import { survivors, Testbed } from './processes.js';

const missing = patroniMissing();
if (missing.length > 0) {
  if (process.env.CI)
    throw new Error(
      `CI needs ${missing.join(', ')} for the Patroni test: apt-get install patroni postgresql-15 etcd-server`,
    );
  console.warn(
    `lib/testbed/patroni.test.ts skipped: ${missing.join(', ')} missing (apt-get install patroni postgresql-15 etcd-server)`,
  );
}

describe.skipIf(missing.length > 0)('Patroni cluster (real Patroni and PostgreSQL on 127.0.0.1)', () => {
  it('3 nodes at ttl 10, loop_wait 2, retry_timeout 4: one leader holding the DCS key, two streaming replicas; nothing survives close', async () => {
    const started: number[] = [];
    const bed = new Testbed('patroni', { onStart: (pid) => started.push(pid) });
    const root = bed.root;
    const postmasters: number[] = [];
    const cluster = await PatroniCluster.start(bed, {
      nodes: 3,
      setting: { ttlS: 10, loopWaitS: 2, retryTimeoutS: 4 },
      rng: deriveStream(1, 0, 0),
      onProcess: (pid) => started.push(pid),
    });
    try {
      const leader = await cluster.waitReady(180_000);
      // The REST API's leader is the one whose name the DCS leader key holds.
      expect(await leaderKeyHolder(cluster.etcdPort)).toBe(cluster.nodes[leader].name);
      const view = await cluster.clusterView();
      expect(view?.filter((m) => m.role === 'leader')).toHaveLength(1);
      expect(view?.filter((m) => m.role === 'replica' && m.state === 'running')).toHaveLength(2);
      // Three postmasters besides etcd and the Patroni groups.
      for (const n of cluster.nodes) postmasters.push(cluster.postmasterPid(n.index) ?? -1);
      expect(postmasters.every((p) => p > 0)).toBe(true);
    } finally {
      await cluster.close();
      await bed.close();
    }
    expect(processesNaming(root)).toEqual([]);
    expect(survivors(started)).toEqual([]);
    // SIGKILL leaves a postmaster's shared memory segment; close removes it.
    expect(segmentsCreatedBy(postmasters)).toEqual([]);
  }, 240_000);
});
