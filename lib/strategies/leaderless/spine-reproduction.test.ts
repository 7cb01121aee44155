import { describe, expect, it } from 'vitest';
import { resolveLatency } from '../../latency/index.js';
import { ParameterError } from '../../errors.js';
import { validateLeaderlessConfig } from './cluster-config.js';
import { runLeaderless, runLeaderlessWithHistory } from './run-leaderless.js';
import { runStaleness } from '../../experiments/staleness-run.js';

/**
 * One model, two roads: in the spine's setting (one write, one read t ms after its
 * commit) the cluster model reproduces the PBS staleness curve of the spine's kernel. The cluster
 * runs N = 3 nodes with every key on all three, clients as coordinators (each message is a W, A,
 * R or S leg, as in WARS), writes only, each to a fresh key (100,000 keys, 20,000 writes), and a
 * probe read t ms after each acknowledgement (`probeReadAfterMs`); its stale-read fraction is then
 * 1 - P(consistent at t). The PBS side is the fast kernel (`runStaleness`), 200,000 trials.
 */
describe("the cluster model reproduces the spine's PBS curve (one write, one read at t)", () => {
  const cases: [number, number][] = [
    [1, 1],
    [1, 2],
    [2, 1],
  ];
  const ts = [1, 5, 20];
  it.each(cases)(
    'R=%i W=%i, lnkd-disk: P(consistent at t) agrees within 4.5 combined standard errors at t = 1, 5, 20 ms',
    async (r, w) => {
      const pbs = await runStaleness({
        n: 3,
        r,
        w,
        legs: resolveLatency('lnkd-disk'),
        tGridMs: ts,
        trials: 200_000,
        seed: 2,
        threads: 1,
      });
      for (const [i, t] of ts.entries()) {
        const cluster = runLeaderless(
          {
            nodes: 3,
            n: 3,
            r,
            w,
            keys: 100_000,
            writeRatio: 1,
            ops: 20_000,
            clients: 10,
            coordinator: 'client',
            latency: 'lnkd-disk',
            timeoutMs: 60_000,
            probeReadAfterMs: t,
          },
          10 * r + w + i,
        );
        expect(cluster.reads).toBe(20_000); // one probe per acknowledged write, and every write acknowledged
        const stale = cluster.intervals.stale_read_fraction;
        const pCluster = 1 - stale.p;
        const pPbs = pbs.curve[i].p_consistent;
        const se = Math.sqrt((pCluster * (1 - pCluster)) / stale.of + (pPbs * (1 - pPbs)) / 200_000);
        expect(
          Math.abs(pCluster - pPbs),
          `R=${r} W=${w} t=${t}: cluster ${pCluster} vs PBS ${pPbs}`,
        ).toBeLessThanOrEqual(4.5 * se + 1e-9);
      }
    },
  );

  it('strict quorums (R + W > N): every probe read is consistent, as PBS says', () => {
    const cluster = runLeaderless(
      {
        nodes: 3,
        n: 3,
        r: 2,
        w: 2,
        keys: 100_000,
        writeRatio: 1,
        ops: 5_000,
        clients: 10,
        coordinator: 'client',
        latency: 'lnkd-disk',
        timeoutMs: 60_000,
        probeReadAfterMs: 1,
      },
      1,
    );
    expect(cluster.reads).toBe(5_000);
    expect(cluster.stale_read_fraction).toBe(0);
  });

  it("probe reads are the writer's, on the key it wrote, probeReadAfterMs after the acknowledgement", () => {
    const { history } = runLeaderlessWithHistory(
      {
        nodes: 3,
        n: 3,
        r: 1,
        w: 1,
        keys: 1000,
        writeRatio: 1,
        ops: 300,
        clients: 3,
        coordinator: 'client',
        probeReadAfterMs: 7,
      },
      3,
    );
    expect(history.reads).toHaveLength(300);
    const acks = history.writes.map((w) => `${w.client}/${w.key}/${(w.ackMs as number) + 7}`).sort();
    const reads = history.reads.map((r) => `${r.client}/${r.key}/${r.invokeMs}`).sort();
    expect(reads).toEqual(acks);
  });

  it('the streaming metrics and the history checkers agree with probe reads (LWW and siblings, open and closed loop)', () => {
    for (const extra of [
      {},
      { conflict: 'siblings' as const },
      { arrivals: { kind: 'closed' as const, think: 'exp(0.1)' } },
    ]) {
      const config = {
        keys: 30,
        writeRatio: 0.6,
        ops: 800,
        clients: 4,
        r: 1,
        w: 1,
        probeReadAfterMs: 3,
        ...extra,
      };
      expect(runLeaderless(config, 9), JSON.stringify(config)).toEqual(
        runLeaderlessWithHistory(config, 9).result,
      );
    }
  });

  it('refuses a negative or non-finite probe delay, naming the field', () => {
    expect(() => validateLeaderlessConfig({ probeReadAfterMs: -1 })).toThrow(ParameterError);
    expect(() => validateLeaderlessConfig({ probeReadAfterMs: Infinity })).toThrow(
      'probeReadAfterMs: got Infinity',
    );
  });
});
