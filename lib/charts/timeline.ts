import type { TraceEvent } from '../sim/trace-event.js';
import { ParameterError } from '../errors.js';
import { uniqueInOrder, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './spec.js';
import { defaultTheme, themeConfig, type ChartTheme } from './theme.js';

/** One lifeline of a message-sequence diagram. */
export interface TimelineNode {
  /** The id events use for this node. */
  id: number;
  /** The lifeline's label, e.g. "coordinator", "replica 0". */
  label: string;
}

/**
 * One event of a timeline. A message has `from` and `sentMs` (it is drawn as an arrow from the
 * sender at `sentMs` to `node` at `timeMs`); anything else is a local event at `node`, drawn as a
 * labelled point. The event records of a replay (`replayStalenessTrial`) are such events.
 */
export type TimelineEvent = TraceEvent;

/** What {@link messageSequenceSpec} draws: lifelines (in order, left to right) and events. */
export interface MessageSequenceInput {
  /** Lifelines left to right; default: every node id the events mention, ascending, as "node K". */
  nodes?: readonly TimelineNode[];
  events: readonly TimelineEvent[];
}

/** Options of {@link messageSequenceSpec}. */
export interface MessageSequenceOptions {
  /** Chart title; none when omitted. */
  title?: string;
  /** A second title line in smaller type (e.g. the parameters). */
  subtitle?: string;
  /** Theme (fonts, palette, line widths). Default {@link defaultTheme} (screen). */
  theme?: ChartTheme;
  /** Pixels between neighbouring lifelines. Default 8 x the theme's label font size. */
  laneWidth?: number;
  /** Pixels to the left of the first lifeline, for the labels of its local events. Default 15 x the label font size. */
  labelRoom?: number;
  /** Height of the time axis in pixels. Default 1.75 x the theme's height. */
  height?: number;
  /**
   * `compressed` (default): time runs linearly, except that a stretch with no event at all that
   * would take more than 15% of the height, and is over 4 times as long as the other stretches
   * on average, is drawn `gapPx` tall on a shaded band (a broken
   * axis), so a read long after the commit or one very late message does not squash everything
   * else. `linear`: one uniform scale.
   */
  timeScale?: 'compressed' | 'linear';
  /** Height of a compressed idle stretch, pixels. Default 3.5 x the label font size. */
  gapPx?: number;
  /** y-axis title. Default "time (ms)", with a note when stretches are compressed. */
  timeTitle?: string;
  /** Write `v<version>` beside each read response where it leaves its replica. Default true. */
  versionLabels?: boolean;
}

/** Colours of the PBS message kinds, as indices into the theme's palette: writes warm, reads blue. */
const KIND_PALETTE_INDEX: Readonly<Record<string, number>> = {
  'write-request': 0, // orange
  'write-ack': 4, // vermillion
  'read-request': 1, // sky blue
  'read-response': 3, // blue
};

/** The legend entries for events before and after the outcome was decided. */
export const TIMELINE_DECIDING = 'before the outcome';
export const TIMELINE_LATE = 'after the outcome (no effect)';

/**
 * An arrowhead pointing up with its tip at the symbol's origin (Vega scales custom paths by
 * sqrt(size) / 2 and rotates them about the origin), so a rotated head ends exactly on the lifeline.
 */
const ARROWHEAD = 'M0,0L-0.6,1.8L0.6,1.8Z';

/** Opacity of events after the outcome was decided. */
const LATE_OPACITY = 0.45;

function finite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ParameterError(name, String(value), 'a finite number');
  return value;
}

/**
 * A piecewise-linear time axis: breakpoints (ms) and their pixel offsets from the top, with the
 * mapping both ways and the stretches that were compressed.
 */
interface TimeWarp {
  domain: number[];
  range: number[];
  tMax: number;
  compressed: { from: number; to: number }[];
  yPx: (t: number) => number;
  timeAt: (px: number) => number;
}

function piecewise(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]) return ys[i - 1] + ((x - xs[i - 1]) / (xs[i] - xs[i - 1])) * (ys[i] - ys[i - 1]);
  }
  return ys[ys.length - 1];
}

/**
 * Lays time out on `height` pixels, linearly between consecutive event times. With `compressed`,
 * a stretch with no event that would take more than `maxShare` of the height, and is over 4x the
 * mean of the other stretches, is drawn `gapPx` tall instead (a broken axis), and the rest shares the height at one common density; repeated
 * until no stretch exceeds the share at the final density.
 */
function timeWarp(
  times: readonly number[],
  height: number,
  mode: 'compressed' | 'linear',
  gapPx: number,
  maxShare = 0.15,
): TimeWarp {
  const end = Math.max(...times, 0);
  const tail = end > 0 ? end * 0.03 : 1;
  const stops = [...new Set([0, ...times, end + tail])].sort((a, b) => a - b);
  const tMax = stops[stops.length - 1];
  const gaps = stops.slice(1).map((t, i) => t - stops[i]);
  const squeezed = new Uint8Array(gaps.length);
  let density = height / tMax;
  if (mode === 'compressed') {
    // Squeeze the longest remaining stretch while one exceeds the share, leaving at least half
    // the height to the stretches with events.
    for (let count = 0; ; count++) {
      let open = 0;
      let longest = -1;
      gaps.forEach((g, i) => {
        if (squeezed[i]) return;
        open += g;
        // The last stretch is the margin after the last event: never squeezed.
        if (i < gaps.length - 1 && (longest < 0 || g > gaps[longest])) longest = i;
      });
      density = (height - count * gapPx) / open;
      if (longest < 0) break;
      const g = gaps[longest];
      const others = gaps.length - count - 1;
      // Only an outlier: over the share of the height, and over 4x the mean of the other stretches.
      if (g * density <= maxShare * height || others === 0 || g <= (4 * (open - g)) / others) break;
      if ((count + 1) * gapPx > height / 2) break;
      squeezed[longest] = 1;
    }
  }
  if (!squeezed.includes(1)) {
    return {
      domain: [0, tMax],
      range: [0, height],
      tMax,
      compressed: [],
      yPx: (t) => t * density,
      timeAt: (y) => y / density,
    };
  }
  // The margin after the last event stays small; the stretches with events get its pixels.
  const last = gaps.length - 1;
  const tailPx = Math.min(gaps[last] * density, 0.04 * height);
  let eventPx = 0;
  gaps.forEach((g, i) => {
    if (!squeezed[i] && i < last) eventPx += g * density;
  });
  const stretch = eventPx > 0 ? (eventPx + gaps[last] * density - tailPx) / eventPx : 1;
  const range = [0];
  const compressed: { from: number; to: number }[] = [];
  gaps.forEach((g, i) => {
    if (squeezed[i]) compressed.push({ from: stops[i], to: stops[i + 1] });
    range.push(range[i] + (squeezed[i] ? gapPx : i === last ? tailPx : g * density * stretch));
  });
  return {
    domain: stops,
    range,
    tMax,
    compressed,
    yPx: (t) => piecewise(stops, range, t),
    timeAt: (y) => piecewise(range, stops, y),
  };
}

/** Nice tick values at least `minPx` apart on the warped axis, coarser steps first. */
function timeTicks(warp: TimeWarp, minPx: number): number[] {
  const candidates: { value: number; step: number }[] = [];
  const { domain, range } = warp;
  for (let i = 1; i < domain.length; i++) {
    const span = domain[i] - domain[i - 1];
    const density = (range[i] - range[i - 1]) / span;
    if (!(density > 0)) continue;
    const raw = minPx / density;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-9))!;
    for (let k = Math.ceil(domain[i - 1] / step); k * step <= domain[i] && candidates.length < 5000; k++) {
      candidates.push({ value: Number((k * step).toPrecision(12)), step });
    }
  }
  candidates.sort((a, b) => b.step - a.step || a.value - b.value);
  const chosen: number[] = [];
  for (const { value } of candidates) {
    const y = warp.yPx(value);
    if (chosen.every((c) => Math.abs(warp.yPx(c) - y) >= minPx)) chosen.push(value);
  }
  return chosen.sort((a, b) => a - b);
}

function round(x: number, digits = 6): number {
  return Number(x.toPrecision(digits));
}

/** The default label of a local event, in words (PBS kinds get sentences, others their kind). */
function localLabel(
  event: TimelineEvent,
  context: { acks: number; commitMs: number; writtenVersion: number },
): string {
  if (event.label !== undefined) return event.label;
  const v = event.version !== undefined ? ` v${event.version}` : '';
  switch (event.kind) {
    case 'write-start':
      return `write${v} starts`;
    case 'commit':
      return `commit (${context.acks} ack${context.acks === 1 ? '' : 's'})`;
    case 'read-start':
      return Number.isFinite(context.commitMs)
        ? `read starts (t = ${round(event.timeMs - context.commitMs, 4)} ms)`
        : 'read starts';
    case 'read-return': {
      if (event.version === undefined) return 'read returns';
      const verdict = event.version >= context.writtenVersion ? 'consistent' : 'stale';
      return `read returns v${event.version}: ${verdict}`;
    }
    default:
      return event.kind;
  }
}

/**
 * Vega-Lite spec of a message-sequence diagram of one run: one vertical lifeline per node
 * (labelled at the top, in the given order), time flowing downward, each message an arrow from
 * (sender, send time) to (receiver, arrival time) coloured by its kind, and local events (the
 * write starting, the commit, the read starting and returning) as black points labelled to the
 * left of the first lifeline. Events after the outcome was decided are dashed and faded.
 * Read responses carry the version they report (`v0`, `v1`) where they leave their replica.
 *
 * Arrowheads are rotated symbols; their angles are computed here from the chart's geometry, so
 * the size is fixed by `laneWidth`, `labelRoom` and `height` (not by the theme's width).
 *
 * @example
 * const trace = replayStalenessTrial(options, { tIndex: 0, trial: 7 });
 * const spec = messageSequenceSpec(trace, { title: 'Trial 7: a stale read' });
 * await writeFigure(spec, 'data/replay/trial-7', ['svg', 'png']);
 */
export function messageSequenceSpec(
  input: MessageSequenceInput | readonly TimelineEvent[],
  options: MessageSequenceOptions = {},
): VegaLiteSpec {
  const theme = options.theme ?? defaultTheme;
  const events = (
    Array.isArray(input) ? input : (input as MessageSequenceInput).events
  ) as readonly TimelineEvent[];
  const givenNodes = Array.isArray(input) ? undefined : (input as MessageSequenceInput).nodes;
  if (events.length === 0) throw new ParameterError('events', '[]', 'at least one event');
  events.forEach((e, i) => {
    finite(`events[${i}].timeMs`, e.timeMs);
    finite(`events[${i}].node`, e.node);
    if (typeof e.kind !== 'string') throw new ParameterError(`events[${i}].kind`, String(e.kind), 'a string');
    if ((e.from === undefined) !== (e.sentMs === undefined)) {
      throw new ParameterError(
        `events[${i}]`,
        JSON.stringify(e),
        'a message with both from and sentMs, or a local event with neither',
      );
    }
    if (e.sentMs !== undefined) {
      finite(`events[${i}].sentMs`, e.sentMs);
      finite(`events[${i}].from`, e.from);
      if (e.sentMs > e.timeMs)
        throw new ParameterError(
          `events[${i}].sentMs`,
          String(e.sentMs),
          `at most its arrival time (${e.timeMs} ms)`,
        );
    }
  });

  const nodes: TimelineNode[] =
    givenNodes !== undefined
      ? [...givenNodes]
      : [...new Set(events.flatMap((e) => (e.from === undefined ? [e.node] : [e.node, e.from])))]
          .sort((a, b) => a - b)
          .map((id) => ({ id, label: `node ${id}` }));
  const lane = new Map<number, number>(nodes.map((n, i) => [n.id, i]));
  events.forEach((e, i) => {
    for (const id of e.from === undefined ? [e.node] : [e.node, e.from]) {
      if (!lane.has(id))
        throw new ParameterError(
          `events[${i}].node`,
          String(id),
          `one of the nodes (${nodes.map((n) => n.id).join(', ')})`,
        );
    }
  });

  // Geometry, in pixels: lanes at labelRoom + (i + 0.5) * laneWidth.
  const laneWidth = options.laneWidth ?? 8 * theme.labelFontSize;
  const labelRoom = options.labelRoom ?? 15 * theme.labelFontSize;
  const height = options.height ?? Math.round(theme.height * 1.75);
  const width = Math.round(labelRoom + nodes.length * laneWidth);
  const xLow = -0.5 - labelRoom / laneWidth;
  const xHigh = nodes.length - 0.5;

  const messages = events.filter((e) => e.from !== undefined);
  const times = events.flatMap((e) => (e.sentMs === undefined ? [e.timeMs] : [e.sentMs, e.timeMs]));
  const warp = timeWarp(
    times,
    height,
    options.timeScale ?? 'compressed',
    options.gapPx ?? 3.5 * theme.labelFontSize,
  );
  const { yPx, timeAt, tMax } = warp;

  // Messages: lines and rotated arrowheads.
  const phase = (e: TimelineEvent) => (e.late ? TIMELINE_LATE : TIMELINE_DECIDING);
  const label = (id: number) => nodes[lane.get(id)!].label;
  const messageRows = messages.map((m) => {
    const fromLane = lane.get(m.from!)!;
    const toLane = lane.get(m.node)!;
    const dx = (toLane - fromLane) * laneWidth;
    const dy = yPx(m.timeMs) - yPx(m.sentMs!);
    return {
      kind: m.kind,
      from_lane: fromLane,
      to_lane: toLane,
      sent_ms: m.sentMs!,
      time_ms: m.timeMs,
      delay_ms: round(m.timeMs - m.sentMs!),
      sender: label(m.from!),
      receiver: label(m.node),
      version: m.version ?? null,
      phase: phase(m),
      alpha: m.late ? LATE_OPACITY : 1,
      // Vega rotates symbols clockwise in screen space; the head points up unrotated.
      angle: dx === 0 && dy === 0 ? 180 : (Math.atan2(dx, -dy) * 180) / Math.PI,
    };
  });
  const kinds = uniqueInOrder(messageRows.map((m) => m.kind));
  let spare = 0;
  const used = new Set(kinds.map((k) => KIND_PALETTE_INDEX[k]).filter((i) => i !== undefined));
  const colors = kinds.map((k) => {
    const fixed = KIND_PALETTE_INDEX[k];
    if (fixed !== undefined) return theme.palette[fixed % theme.palette.length];
    while (used.has(spare)) spare++;
    used.add(spare);
    return theme.palette[spare++ % theme.palette.length];
  });

  // Local events: points on their lifeline; labels left of the first lifeline, nudged apart.
  const written = events.find((e) => e.kind === 'write-start')?.version ?? 1;
  const commitMs = events.find((e) => e.kind === 'commit')?.timeMs ?? NaN;
  let acks = 0;
  const localRows: {
    kind: string;
    lane: number;
    time_ms: number;
    label_ms: number;
    label: string;
    phase: string;
    node: string;
  }[] = [];
  for (const e of events) {
    if (e.kind === 'write-ack' && !e.late) acks = Math.max(acks, e.rank ?? acks + 1);
    if (e.from !== undefined) continue;
    localRows.push({
      kind: e.kind,
      lane: lane.get(e.node)!,
      time_ms: e.timeMs,
      label_ms: e.timeMs,
      label: localLabel(e, { acks, commitMs, writtenVersion: written }),
      phase: phase(e),
      node: label(e.node),
    });
  }
  const gapPx = theme.labelFontSize + 3;
  let previous = -Infinity;
  for (const row of [...localRows].sort((a, b) => a.time_ms - b.time_ms)) {
    const px = Math.max(yPx(row.time_ms), previous + gapPx);
    row.label_ms = timeAt(Math.min(px, height));
    previous = px;
  }

  const laneRows = nodes.map((n, i) => ({ lane: i, label: n.label, top: 0, bottom: tMax }));
  const laneLabels = `[${nodes.map((n) => JSON.stringify(n.label)).join(',')}][datum.value]`;
  const x = (field: string) => ({
    field,
    type: 'quantitative' as const,
    scale: { domain: [xLow, xHigh], nice: false, zero: false },
    axis: {
      orient: 'top' as const,
      values: nodes.map((_, i) => i),
      labelExpr: laneLabels,
      title: null,
      grid: false,
      domain: false,
      ticks: false,
      labelFontSize: theme.axisTitleFontSize,
      labelPadding: 6,
      labelOverlap: false,
      labelBound: false,
    },
  });
  const y = (field: string) => ({
    field,
    type: 'quantitative' as const,
    title:
      options.timeTitle ??
      (warp.compressed.length > 0 ? 'time (ms; shaded idle stretches compressed)' : 'time (ms)'),
    scale: { domain: warp.domain, range: warp.range, nice: false, zero: false },
    axis: {
      grid: true,
      gridOpacity: 0.6,
      values: timeTicks(warp, 2.6 * theme.labelFontSize),
      labelExpr: "'' + datum.value",
    },
  });
  const color = {
    field: 'kind',
    type: 'nominal' as const,
    title: 'message',
    scale: { domain: kinds, range: colors },
    legend: { symbolType: 'stroke', symbolStrokeWidth: theme.lineWidth * 1.5, orient: 'right' as const },
  };
  const dash = {
    field: 'phase',
    type: 'nominal' as const,
    title: null,
    scale: {
      domain: [TIMELINE_DECIDING, TIMELINE_LATE],
      range: [
        [1, 0],
        [5, 3],
      ],
    },
    legend: { symbolType: 'stroke', orient: 'right' as const },
  };
  const opacity = { field: 'alpha', type: 'quantitative' as const, scale: null };
  const tooltip = [
    { field: 'kind', type: 'nominal' as const },
    { field: 'sender', type: 'nominal' as const },
    { field: 'receiver', type: 'nominal' as const },
    { field: 'sent_ms', type: 'quantitative' as const, format: '.4f' },
    { field: 'time_ms', type: 'quantitative' as const, title: 'arrived_ms', format: '.4f' },
    { field: 'delay_ms', type: 'quantitative' as const, format: '.4f' },
    { field: 'version', type: 'quantitative' as const },
  ];
  const ink = '#222222';
  const versionRows =
    (options.versionLabels ?? true)
      ? messageRows.filter((m) => m.kind === 'read-response' && m.version !== null)
      : [];

  const title =
    options.title !== undefined
      ? {
          title:
            options.subtitle !== undefined
              ? {
                  text: options.title,
                  subtitle: options.subtitle,
                  subtitleFont: theme.font,
                  subtitleFontSize: theme.labelFontSize,
                }
              : options.title,
        }
      : {};
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    ...title,
    width,
    height,
    layer: [
      {
        name: 'compressed-gaps',
        data: { values: warp.compressed.map((g) => ({ from: g.from, to: g.to, left: xLow, right: xHigh })) },
        mark: { type: 'rect', color: '#000000', opacity: 0.05 },
        encoding: { x: x('left'), x2: { field: 'right' }, y: y('from'), y2: { field: 'to' } },
      },
      {
        name: 'lifelines',
        data: { values: laneRows },
        mark: { type: 'rule', color: theme.mutedColor, strokeWidth: Math.max(1, theme.lineWidth * 0.8) },
        encoding: { x: x('lane'), y: y('top'), y2: { field: 'bottom' } },
      },
      {
        name: 'messages',
        data: { values: messageRows },
        mark: { type: 'rule', strokeWidth: theme.lineWidth, clip: false },
        encoding: {
          x: x('from_lane'),
          x2: { field: 'to_lane' },
          y: y('sent_ms'),
          y2: { field: 'time_ms' },
          color,
          strokeDash: dash,
          opacity,
          tooltip,
        },
      },
      {
        name: 'arrowheads',
        data: { values: messageRows },
        mark: { type: 'point', shape: ARROWHEAD, filled: true, strokeWidth: 0, size: theme.pointSize * 1.6 },
        encoding: {
          x: x('to_lane'),
          y: y('time_ms'),
          angle: { field: 'angle', type: 'quantitative', scale: null },
          color,
          opacity,
          tooltip,
        },
      },
      {
        name: 'versions',
        data: { values: versionRows },
        transform: [{ calculate: "'v' + datum.version", as: 'version_label' }],
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'middle',
          dx: 5,
          fontSize: theme.labelFontSize,
          color: ink,
        },
        encoding: {
          x: x('from_lane'),
          y: y('sent_ms'),
          text: { field: 'version_label', type: 'nominal' },
          opacity,
        },
      },
      {
        name: 'local-events',
        data: { values: localRows },
        mark: { type: 'point', shape: 'circle', filled: true, color: ink, size: theme.pointSize, opacity: 1 },
        encoding: {
          x: x('lane'),
          y: y('time_ms'),
          tooltip: [
            { field: 'label', type: 'nominal' },
            { field: 'node', type: 'nominal' },
            { field: 'time_ms', type: 'quantitative', format: '.4f' },
          ],
        },
      },
      {
        name: 'local-labels',
        data: { values: localRows },
        mark: {
          type: 'text',
          align: 'right',
          baseline: 'middle',
          dx: -8,
          fontSize: theme.labelFontSize,
          color: ink,
        },
        encoding: { x: x('lane'), y: y('label_ms'), text: { field: 'label', type: 'nominal' } },
      },
    ],
    config: { ...themeConfig(theme), axisY: { titleFontSize: theme.axisTitleFontSize } },
  };
  return spec;
}
