import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { refusedParameter } from '../../errors.testkit.js';
import { fmix32, hashInteger, hashPair, murmur3Words, murmurFinish, murmurMix } from '../../random/hash.js';
import { HashRing } from './ring.js';

describe('MurmurHash3_x86_32 over words', () => {
  // Published test vectors of MurmurHash3_x86_32 (SMHasher; also listed on Wikipedia's
  // MurmurHash page and in the widely used Stack Overflow table of test vectors).
  it('matches the reference test vectors', () => {
    expect(murmur3Words([], 0)).toBe(0);
    expect(murmur3Words([], 1)).toBe(0x514e28b7);
    expect(murmur3Words([], 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3Words([0x87654321], 0)).toBe(0xf55b516b);
    expect(murmur3Words([0x87654321], 0x5082edee)).toBe(0x2362f9de);
    expect(murmur3Words([0xffffffff], 0)).toBe(0x76293b50);
    expect(murmur3Words([0x61616161], 0x9747b28c)).toBe(0x5a97808a); // "aaaa"
    expect(murmur3Words([0x00000000], 0)).toBe(0x2362f9de);
  });

  it('has allocation-free forms equal to the array form', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.integer({ min: 0, max: 0xffffffff }), (a, b, seed) => {
        expect(hashPair(a, b, seed)).toBe(murmur3Words([a, b], seed));
        expect(murmurFinish(murmurMix(seed, a), 1)).toBe(murmur3Words([a], seed));
      }),
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 0xffffffff }), (key, seed) => {
        const hi = Math.floor(key / 4294967296);
        expect(hashInteger(key, seed)).toBe(murmur3Words([key | 0, hi | 0], seed));
      }),
    );
    expect(fmix32(0)).toBe(0);
  });
});

describe('HashRing', () => {
  it('refuses bad configurations, naming the field', () => {
    const field = (f: () => unknown): string => refusedParameter(f) ?? 'no error';
    expect(field(() => new HashRing({ nodes: 0, vnodesPerNode: 1 }))).toBe('nodes');
    expect(field(() => new HashRing({ nodes: 2.5, vnodesPerNode: 1 }))).toBe('nodes');
    expect(field(() => new HashRing({ nodes: [], vnodesPerNode: 1 }))).toBe('nodes');
    expect(field(() => new HashRing({ nodes: [1, 1], vnodesPerNode: 1 }))).toBe('nodes');
    expect(field(() => new HashRing({ nodes: 3, vnodesPerNode: 0 }))).toBe('vnodesPerNode');
    expect(field(() => new HashRing({ nodes: 3, vnodesPerNode: 1, seed: -1 }))).toBe('seed');
    const ring = new HashRing({ nodes: 3, vnodesPerNode: 4 });
    expect(field(() => ring.preferenceList(1, 4))).toBe('n');
    expect(field(() => ring.preferenceList(1, 0))).toBe('n');
    expect(field(() => ring.sloppyPreferenceList(1, 4, () => true))).toBe('n');
    expect(field(() => ring.preferenceList(1.5, 2))).toBe('key');
    expect(() => ring.preferenceList(1, 4)).toThrow(
      'n: got 4; allowed: an integer from 1 to the number of nodes (3)',
    );
  });

  it('gives n distinct nodes, the first being the owner of the first token clockwise', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.maxSafeInteger(),
        fc.integer({ min: 1, max: 12 }),
        (nodes, vnodes, seed, key, nRaw) => {
          const n = Math.min(nRaw, nodes);
          const ring = new HashRing({ nodes, vnodesPerNode: vnodes, seed });
          const list = ring.preferenceList(key, n);
          expect(list).toHaveLength(n);
          expect(new Set(list).size).toBe(n);
          for (const node of list) expect(node >= 0 && node < nodes).toBe(true);
          // Prefix property: a shorter list is a prefix of a longer one.
          expect(ring.preferenceList(key, nodes).slice(0, n)).toEqual(list);
        },
      ),
    );
  });

  it('agrees with a naive walk over an explicitly sorted token list', () => {
    const nodes = 7;
    const vnodes = 20;
    const seed = 12345;
    const ring = new HashRing({ nodes, vnodesPerNode: vnodes, seed });
    const tokens: { token: number; node: number }[] = [];
    for (let node = 0; node < nodes; node++) {
      for (let v = 0; v < vnodes; v++) tokens.push({ token: murmur3Words([node, v], seed), node });
    }
    tokens.sort((a, b) => a.token - b.token || a.node - b.node);
    for (let key = 0; key < 500; key++) {
      const pos = murmur3Words([key, 0], (seed ^ 0x9e3779b9) >>> 0);
      expect(ring.position(key)).toBe(pos);
      let start = tokens.findIndex((t) => t.token >= pos);
      if (start < 0) start = 0;
      const expected: number[] = [];
      for (let i = 0; expected.length < 4; i++) {
        const node = tokens[(start + i) % tokens.length].node;
        if (!expected.includes(node)) expected.push(node);
      }
      expect(ring.preferenceList(key, 4)).toEqual(expected);
    }
  });

  it('is deterministic: same config, same lists; another seed, another ring', () => {
    const a = new HashRing({ nodes: 6, vnodesPerNode: 16, seed: 3 });
    const b = new HashRing({ nodes: 6, vnodesPerNode: 16, seed: 3 });
    const c = new HashRing({ nodes: 6, vnodesPerNode: 16, seed: 4 });
    let differ = 0;
    for (let key = 0; key < 1000; key++) {
      expect(a.preferenceList(key, 3)).toEqual(b.preferenceList(key, 3));
      if (a.preferenceList(key, 3).join() !== c.preferenceList(key, 3).join()) differ++;
    }
    expect(differ).toBeGreaterThan(500);
    // Fixed values: a change of hash or token order shows up here.
    expect(a.position(0)).toBe(murmur3Words([0, 0], (3 ^ 0x9e3779b9) >>> 0));
    expect(
      new HashRing({ nodes: [0, 1, 2, 3, 4, 5], vnodesPerNode: 16, seed: 3 }).preferenceList(17, 3),
    ).toEqual(a.preferenceList(17, 3));
  });

  it('moves about 1/(nodes+1) of keys when a node joins, all of them to the new node', () => {
    const keys = 20000;
    for (const [nodes, vnodes] of [
      [10, 100],
      [4, 256],
      [20, 32],
    ] as const) {
      const before = new HashRing({ nodes, vnodesPerNode: vnodes, seed: 11 });
      const after = new HashRing({ nodes: nodes + 1, vnodesPerNode: vnodes, seed: 11 });
      let moved = 0;
      for (let key = 0; key < keys; key++) {
        const [p] = before.preferenceList(key, 1);
        const [q] = after.preferenceList(key, 1);
        if (p !== q) {
          moved++;
          expect(q).toBe(nodes); // only the newcomer takes keys
        }
        // The n-replica list changes only by admitting the newcomer: the old list, with the new
        // node inserted somewhere, truncated to n.
        const oldList = before.preferenceList(key, 3);
        const newList = after.preferenceList(key, 3);
        const rest = newList.filter((x) => x !== nodes);
        expect(rest).toEqual(oldList.slice(0, rest.length));
      }
      const expected = 1 / (nodes + 1);
      expect(moved / keys).toBeGreaterThan(0.7 * expected);
      expect(moved / keys).toBeLessThan(1.3 * expected);
    }
  });

  it("moves only the leaving node's keys when a node leaves", () => {
    const full = new HashRing({ nodes: 8, vnodesPerNode: 64, seed: 5 });
    const without = new HashRing({ nodes: [0, 1, 2, 4, 5, 6, 7], vnodesPerNode: 64, seed: 5 });
    for (let key = 0; key < 5000; key++) {
      const old = full.preferenceList(key, 3);
      const now = without.preferenceList(key, 3);
      expect(now.slice(0, old.filter((x) => x !== 3).length)).toEqual(old.filter((x) => x !== 3));
    }
  });

  it('balances load with many vnodes: each share within 20% of 1/nodes', () => {
    const nodes = 10;
    const ring = new HashRing({ nodes, vnodesPerNode: 256, seed: 2 });
    const shares = ring.ownership();
    expect(shares.reduce((s, x) => s + x.share, 0)).toBeCloseTo(1, 12);
    for (const { share } of shares) {
      expect(share).toBeGreaterThan(0.8 / nodes);
      expect(share).toBeLessThan(1.2 / nodes);
    }
    // The empirical key counts follow the shares.
    const counts = new Array<number>(nodes).fill(0);
    const keys = 100000;
    for (let key = 0; key < keys; key++) counts[ring.preferenceList(key, 1)[0]]++;
    for (let i = 0; i < nodes; i++) expect(Math.abs(counts[i] / keys - shares[i].share)).toBeLessThan(0.01);
    // With one token per node the spread is far wider: the point of virtual nodes.
    const coarse = new HashRing({ nodes, vnodesPerNode: 1, seed: 2 }).ownership().map((s) => s.share);
    expect(Math.max(...coarse) / Math.min(...coarse)).toBeGreaterThan(
      Math.max(...shares.map((s) => s.share)) / Math.min(...shares.map((s) => s.share)),
    );
  });

  it('sloppy lists skip down nodes and map each stand-in to the right home replica', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 16 }),
        fc.nat(1000),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        (nodes, vnodes, key, nRaw, upFlags) => {
          const n = Math.min(nRaw, nodes);
          const ring = new HashRing({ nodes, vnodesPerNode: vnodes, seed: 9 });
          const isUp = (node: number): boolean => upFlags[node];
          const sloppy = ring.sloppyPreferenceList(key, n, isUp);
          const walk = ring.preferenceList(key, nodes); // every node in clockwise order
          const homes = walk.slice(0, n);
          const downHomes = homes.filter((x) => !isUp(x));
          const upBeyond = walk.slice(n).filter(isUp);
          const expected = [
            ...homes.filter(isUp).map((node) => ({ node, home: true, hintFor: null })),
            ...upBeyond
              .slice(0, downHomes.length)
              .map((node, i) => ({ node, home: false, hintFor: downHomes[i] })),
          ];
          expect(sloppy).toEqual(expected);
          for (const r of sloppy) expect(isUp(r.node)).toBe(true);
          expect(sloppy.length).toBe(Math.min(n, walk.filter(isUp).length));
          // All up: the sloppy list is the strict one.
          expect(ring.sloppyPreferenceList(key, n, () => true).map((r) => r.node)).toEqual(homes);
        },
      ),
    );
  });

  it('works through a worked example: one home replica down', () => {
    const ring = new HashRing({ nodes: 5, vnodesPerNode: 32, seed: 0 });
    const walk = ring.preferenceList(7, 5);
    const [a, b, c, d] = walk;
    const sloppy = ring.sloppyPreferenceList(7, 3, (node) => node !== b);
    expect(sloppy).toEqual([
      { node: a, home: true, hintFor: null },
      { node: c, home: true, hintFor: null },
      { node: d, home: false, hintFor: b },
    ]);
    // The class doc's example, pinned: a change of hash or token order shows up here.
    const documented = new HashRing({ nodes: 5, vnodesPerNode: 64, seed: 7 });
    expect(documented.preferenceList(1234, 3)).toEqual([4, 1, 2]);
    expect(documented.sloppyPreferenceList(1234, 3, (node) => node !== 1)).toEqual([
      { node: 4, home: true, hintFor: null },
      { node: 2, home: true, hintFor: null },
      { node: 3, home: false, hintFor: 1 },
    ]);
  });
});
