import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { resolveLatency } from '../latency/index.js';
import { replayStalenessTrial } from '../experiments/staleness-replay.js';
import { renderSvg, svgToPng } from './render.js';
import { VEGA_LITE_SCHEMA } from './spec.js';
import { compileWarnings } from './test-data.testkit.js';
import { talk } from './theme.js';
import { messageSequenceSpec, TIMELINE_LATE, type TimelineEvent } from './timeline.js';

type Layer = {
  name: string;
  data: { values: Record<string, any>[] };
  mark: { type: string };
  encoding: Record<string, any>;
};

const trace = replayStalenessTrial(
  {
    n: 5,
    r: 2,
    w: 2,
    legs: resolveLatency('lnkd-disk'),
    latencyLabel: 'lnkd-disk',
    tGridMs: [0, 1],
    trials: 100,
    seed: 3,
  },
  { tIndex: 1, trial: 4 },
);
const layers = (spec: unknown) =>
  Object.fromEntries((spec as { layer: Layer[] }).layer.map((l) => [l.name, l]));

/** A hand-made exchange: 0 asks 1 at 0 ms, 1 answers at 2 ms, the answer lands at 3 ms, 100 ms idle, then a late ping. */
const rows: TimelineEvent[] = [
  { timeMs: 0, kind: 'start', node: 0 },
  { timeMs: 2, kind: 'ask', node: 1, from: 0, sentMs: 0 },
  { timeMs: 3, kind: 'answer', node: 0, from: 1, sentMs: 2, version: 7 },
  { timeMs: 105, kind: 'ping', node: 1, from: 0, sentMs: 103, late: true },
];

describe('messageSequenceSpec', () => {
  it('compiles as Vega-Lite v5 without warnings, as plain JSON', async () => {
    const spec = messageSequenceSpec(trace, { title: 'Replay', subtitle: 'N=5 R=2 W=2' });
    expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
    expect(() => compile(spec)).not.toThrow();
    expect(await compileWarnings(spec)).toEqual([]);
    expect(await compileWarnings(messageSequenceSpec(rows, { timeScale: 'linear', theme: talk }))).toEqual(
      [],
    );
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('draws one lifeline per node and one arrow per message, from (sender, sent) to (receiver, arrival)', () => {
    const l = layers(messageSequenceSpec(trace));
    expect(l.lifelines.data.values.map((v) => v.label)).toEqual([
      'coordinator',
      'replica 0',
      'replica 1',
      'replica 2',
      'replica 3',
      'replica 4',
    ]);
    const messages = trace.events.filter((e) => e.from !== undefined);
    expect(l.messages.data.values).toHaveLength(messages.length);
    expect(l.arrowheads.data.values).toHaveLength(messages.length);
    messages.forEach((m, i) => {
      const row = l.messages.data.values[i];
      // lane 0 is the coordinator (node 5), lane k + 1 replica k
      const laneOf = (id: number) => (id === 5 ? 0 : id + 1);
      expect([row.from_lane, row.to_lane, row.sent_ms, row.time_ms, row.kind]).toEqual([
        laneOf(m.from!),
        laneOf(m.node),
        m.sentMs,
        m.timeMs,
        m.kind,
      ]);
    });
    expect(l.messages.mark.type).toBe('rule');
    expect(l.messages.encoding.x2.field).toBe('to_lane');
    expect(l.messages.encoding.y2.field).toBe('time_ms');
    expect(l.messages.encoding.color.scale.domain).toEqual([
      'write-request',
      'write-ack',
      'read-request',
      'read-response',
    ]);
    const labels = l['local-labels'].data.values.map((v) => v.label);
    expect(labels[0]).toBe('write v1 starts');
    expect(labels).toContain('commit (2 acks)');
    expect(labels).toContain('read starts (t = 1 ms)');
    expect(labels.at(-1)).toMatch(/^read returns v[01]: (consistent|stale)$/);
    expect(l.versions.data.values).toHaveLength(5); // one vN per read response
  });

  it('points arrowheads along their arrows and keeps time flowing downward', () => {
    const spec = messageSequenceSpec(rows, {
      timeScale: 'linear',
      laneWidth: 100,
      labelRoom: 100,
      height: 210,
    }) as any;
    const l = layers(spec);
    const [ask, answer, ping] = l.arrowheads.data.values;
    // linear: 210 px for 0..105 * 1.03 ms; the ask goes one lane right and 2 ms down
    const pxPerMs = 210 / (105 * 1.03);
    expect(ask.angle).toBeCloseTo((Math.atan2(100, -2 * pxPerMs) * 180) / Math.PI, 9);
    expect(answer.angle).toBeCloseTo((Math.atan2(-100, -1 * pxPerMs) * 180) / Math.PI, 9);
    expect(ask.angle).toBeGreaterThan(90); // right and down
    expect(answer.angle).toBeLessThan(-90); // left and down
    expect(ping.phase).toBe(TIMELINE_LATE);
    expect(ping.alpha).toBeLessThan(1);
    expect(spec.layer.find((x: Layer) => x.name === 'lifelines').encoding.y.scale.domain).toEqual([
      0,
      105 * 1.03,
    ]);
    expect(spec.width).toBe(100 + 2 * 100);
    expect(l.lifelines.data.values.map((v) => v.label)).toEqual(['node 0', 'node 1']);
  });

  it('compresses a long idle stretch onto a shaded band (a broken axis)', () => {
    const l = layers(messageSequenceSpec(rows, { height: 400, gapPx: 30 }));
    expect(l['compressed-gaps'].data.values).toEqual([
      { from: 3, to: 103, left: expect.any(Number), right: expect.any(Number) },
    ]);
    const y = l.lifelines.encoding.y.scale;
    const at = (t: number) => y.range[y.domain.indexOf(t)];
    expect(at(103) - at(3)).toBeCloseTo(30, 9);
    expect(y.range.at(-1)).toBeCloseTo(400, 9);
    for (let i = 1; i < y.range.length; i++) expect(y.range[i]).toBeGreaterThan(y.range[i - 1]);
  });

  it('refuses bad events, naming the field', () => {
    expect(() => messageSequenceSpec([])).toThrow(ParameterError);
    expect(() => messageSequenceSpec([{ timeMs: Number.NaN, kind: 'x', node: 0 }])).toThrow(
      'events[0].timeMs',
    );
    expect(() => messageSequenceSpec([{ timeMs: 1, kind: 'x', node: 0, from: 1 }])).toThrow('events[0]');
    expect(() => messageSequenceSpec([{ timeMs: 1, kind: 'x', node: 0, from: 1, sentMs: 2 }])).toThrow(
      'events[0].sentMs',
    );
    expect(() =>
      messageSequenceSpec({ nodes: [{ id: 0, label: 'a' }], events: [{ timeMs: 1, kind: 'x', node: 2 }] }),
    ).toThrow('events[0].node');
  });

  it('renders to SVG with lines, arrowheads and labels, and to PNG', async () => {
    const svg = await renderSvg(messageSequenceSpec(trace, { title: 'Replay' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/<line|<path/g) ?? []).length).toBeGreaterThan(trace.events.length);
    for (const text of [
      'coordinator',
      'replica 4',
      'write-request',
      'read-response',
      'commit (2 acks)',
      'Replay',
    ])
      expect(svg).toContain(text);
    const png = svgToPng(svg, { scale: 1 });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
