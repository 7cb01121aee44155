import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { refusedParameter } from '../../errors.testkit.js';
import { murmur3Words } from '../../random/hash.js';
import { MerkleTree, merkleDiff, type MerkleConfig } from './merkle.js';

describe('MerkleTree', () => {
  it('refuses bad shapes and entries, naming the field', () => {
    const field = (f: () => unknown): string => refusedParameter(f) ?? 'no error';
    expect(field(() => MerkleTree.build({ start: 0, end: 10, fanout: 1 }, []))).toBe('fanout');
    expect(field(() => MerkleTree.build({ start: 0, end: 10, depth: -1 }, []))).toBe('depth');
    expect(field(() => MerkleTree.build({ start: 0, end: 10, fanout: 16, depth: 7 }, []))).toBe('depth');
    expect(field(() => MerkleTree.build({ start: 0, end: 0 }, []))).toBe('end');
    expect(field(() => MerkleTree.build({ start: 0.5, end: 10 }, []))).toBe('start');
    expect(field(() => MerkleTree.build({ start: 0, end: 10 }, [[10, 1]]))).toBe('key');
    expect(
      field(() =>
        MerkleTree.build({ start: 0, end: 10 }, [
          [1, 1],
          [1, 2],
        ]),
      ),
    ).toBe('key');
    expect(field(() => MerkleTree.build({ start: 0, end: 10 }, [[1, -1]]))).toBe('digest');
    const a = MerkleTree.build({ start: 0, end: 10, depth: 1 }, []);
    const b = MerkleTree.build({ start: 0, end: 10, depth: 2 }, []);
    expect(field(() => merkleDiff(a, b))).toBe('tree');
  });

  it('maps keys to leaves consistently with the leaf ranges, which tile the range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        (start, span, fanout, depth) => {
          const tree = MerkleTree.build({ start, end: start + span, fanout, depth }, []);
          let expectedStart = start;
          for (let leaf = 0; leaf < tree.leafCount; leaf++) {
            const r = tree.leafRange(leaf);
            expect(r.start).toBe(expectedStart);
            expectedStart = r.end;
            for (const key of [r.start, r.end - 1]) if (r.end > r.start) expect(tree.leafOf(key)).toBe(leaf);
          }
          expect(expectedStart).toBe(start + span);
        },
      ),
    );
    const tree = MerkleTree.build({ start: 0, end: 100, fanout: 2, depth: 2 }, [[60, 9]]);
    expect(tree.leafOf(60)).toBe(2);
    expect(tree.leafRange(2)).toEqual({ start: 50, end: 75 });
    expect(tree.leafEntries(2)).toEqual([[60, 9]]);
  });

  it('hashes as documented: MurmurHash3 of leaf triples, then of child hashes', () => {
    const tree = MerkleTree.build({ start: 0, end: 64, fanout: 2, depth: 2 }, [
      [5, 1],
      [40, 2],
      [2 ** 40 % 64, 3],
    ]);
    const leaf = (words: number[]): number => murmur3Words(words, 0x4c454146);
    const node = (a: number, b: number): number => murmur3Words([a, b], 0x4e4f4445);
    const l0 = leaf([0, 0, 3, 5, 0, 1]);
    const l1 = leaf([]);
    const l2 = leaf([40, 0, 2]);
    const l3 = leaf([]);
    expect([0, 1, 2, 3].map((i) => tree.hashAt(2, i))).toEqual([l0, l1, l2, l3]);
    expect(tree.rootHash()).toBe(node(node(l0, l1), node(l2, l3)));
    // Order of the input does not matter; content does.
    const again = MerkleTree.build({ start: 0, end: 64, fanout: 2, depth: 2 }, [
      [40, 2],
      [0, 3],
      [5, 1],
    ]);
    expect(again.rootHash()).toBe(tree.rootHash());
    expect(
      MerkleTree.build({ start: 0, end: 64, fanout: 2, depth: 2 }, [
        [40, 2],
        [0, 3],
      ]).rootHash(),
    ).not.toBe(tree.rootHash());
  });

  it('finds nothing between identical replicas, after one root exchange', () => {
    const config = { start: 0, end: 100, fanout: 4, depth: 2 };
    const entries = Array.from({ length: 50 }, (_, i) => [i * 2, i * 31] as const);
    const same = merkleDiff(MerkleTree.build(config, entries), MerkleTree.build(config, new Map(entries)));
    expect(same.keys).toEqual([]);
    expect(same.ranges).toEqual([]);
    expect(same.cost).toEqual({ messages: 1, bytes: 4, hashes: 1, levels: 1 });
  });

  it('works through the class example: one changed key costs depth + 2 messages', () => {
    const config = { start: 0, end: 1000, fanout: 4, depth: 3 };
    const a = MerkleTree.build(
      config,
      new Map([
        [1, 7],
        [500, 9],
      ]),
    );
    const b = MerkleTree.build(
      config,
      new Map([
        [1, 7],
        [500, 8],
      ]),
    );
    const d = merkleDiff(a, b);
    expect(d.keys).toEqual([500]);
    expect(d.cost).toEqual({ messages: 5, bytes: 4 + 3 * 4 * 4 + 12, hashes: 1 + 3 * 4, levels: 4 });
    expect(d.ranges).toEqual([a.leafRange(a.leafOf(500))]);
  });

  it('finds exactly the differing keys, with messages bounded by the differing branches', () => {
    const configArb: fc.Arbitrary<MerkleConfig> = fc
      .record({
        start: fc.integer({ min: -1000, max: 1000 }),
        end: fc.constant(0),
        fanout: fc.integer({ min: 2, max: 8 }),
        depth: fc.integer({ min: 0, max: 4 }),
      })
      .chain((c) => fc.integer({ min: 1, max: 3000 }).map((span) => ({ ...c, end: c.start + span })));
    fc.assert(
      fc.property(
        configArb.chain((config) =>
          fc.record({
            config: fc.constant(config),
            base: fc.uniqueArray(fc.integer({ min: config.start, max: config.end - 1 }), { maxLength: 200 }),
            changes: fc.uniqueArray(fc.integer({ min: config.start, max: config.end - 1 }), {
              maxLength: 20,
            }),
            kinds: fc.array(fc.constantFrom('digest', 'only-a', 'only-b'), { minLength: 20, maxLength: 20 }),
          }),
        ),
        ({ config, base, changes, kinds }) => {
          const a = new Map(base.map((k) => [k, (k * 2654435761) >>> 0]));
          const b = new Map(a);
          changes.forEach((key, i) => {
            const digest = ((key * 40503) ^ 0x5bd1e995) >>> 0;
            if (kinds[i] === 'digest') {
              a.set(key, digest);
              b.set(key, (digest + 1) >>> 0);
            } else if (kinds[i] === 'only-a') {
              a.set(key, digest);
              b.delete(key);
            } else {
              b.set(key, digest);
              a.delete(key);
            }
          });
          const ta = MerkleTree.build(config, a);
          const tb = MerkleTree.build(config, b);
          const d = merkleDiff(ta, tb);
          const k = changes.length;
          expect(d.keys).toEqual([...changes].sort((x, y) => x - y));
          expect(merkleDiff(tb, ta).keys).toEqual(d.keys);

          // Messages: 1 for the root plus one per differing node below it, counted independently
          // from the differing keys' leaves and their ancestors.
          const depth = ta.depth;
          const fanout = ta.fanout;
          let differing = 0;
          let leaves = new Set(changes.map((key) => ta.leafOf(key)));
          expect(d.ranges.length).toBe(k === 0 ? 0 : leaves.size);
          for (let level = depth; level >= 0 && k > 0; level--) {
            differing += leaves.size;
            leaves = new Set([...leaves].map((x) => Math.floor(x / fanout)));
          }
          const expected = 1 + differing; // the root hash, then one message per differing node
          expect(d.cost.messages).toBe(expected);
          expect(d.cost.messages).toBeLessThanOrEqual(1 + (depth + 1) * k);
          expect(d.cost.levels).toBe(k === 0 ? 1 : depth + 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
