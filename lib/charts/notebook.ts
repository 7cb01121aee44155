import { createRequire } from 'node:module';
import { renderSvg, specTitle } from './render.js';
import type { VegaLiteSpec } from './spec.js';

/** The Vega-Lite 5 mime type JupyterLab renders interactively (it needs a JSON object). */
export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/** The mime bundle of one chart display: static SVG, the live Vega-Lite spec, and a text line. */
export interface ChartMimeBundle {
  /** The chart rendered headless; shown by JupyterLab, classic Notebook, GitHub and nbconvert HTML. */
  'image/svg+xml': string;
  /** The spec as a JSON object (not a string); JupyterLab renders it with Vega-Lite 5. */
  'application/vnd.vegalite.v5+json': Record<string, unknown>;
  /** A one-line description for text-only front ends. */
  'text/plain': string;
}

/**
 * The mime bundle {@link displayChart} sends: the spec rendered to SVG, the spec itself as a
 * plain JSON object (a deep copy, so values that JSON cannot carry are dropped here rather than
 * by Jupyter) and a short text description. Needs no kernel.
 *
 * @example
 * const bundle = await chartBundle(stalenessCurveSpec(rows, { title: 'N=3' }));
 * bundle['text/plain']; // 'Vega-Lite chart: N=3'
 */
export async function chartBundle(spec: VegaLiteSpec): Promise<ChartMimeBundle> {
  const svg = await renderSvg(spec);
  const title = specTitle(spec);
  return {
    'image/svg+xml': svg,
    [VEGA_LITE_MIME]: JSON.parse(JSON.stringify(spec)) as Record<string, unknown>,
    'text/plain': title === undefined ? 'Vega-Lite chart' : `Vega-Lite chart: ${title}`,
  };
}

/** The content of a Jupyter display_data message, as tslab's internal writer takes it. */
export interface DisplayDataContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}

/** How a display reaches the notebook: tslab's bundle writer, or its public one-mime display. */
export type DisplayRoute =
  | { kind: 'bundle'; write: (content: DisplayDataContent, update: boolean) => void }
  | { kind: 'svg'; svg: (svg: string) => void };

/** Where {@link findDisplayRoute} looks; the defaults are this process's. */
export interface DisplayEnvironment {
  /** The CommonJS module cache (`require.cache`), shared by every module of the process. */
  cache: Record<string, { exports?: unknown } | undefined>;
  /** A `require` to fall back on when tslab is not in the cache. */
  require: (id: string) => unknown;
  /** The global object; the tslab kernel puts `__tslab__` (its cell `require`) there. */
  global: Record<string, unknown>;
}

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;
const PUBLIC_MODULE = /[\\/]tslab[\\/]dist[\\/]public\.js$/;

function defaultEnvironment(): DisplayEnvironment {
  const require = createRequire(import.meta.url);
  return {
    cache: require.cache,
    require,
    global: globalThis,
  };
}

function tryRequire(req: ((id: string) => unknown) | undefined, id: string): unknown {
  if (typeof req !== 'function') return undefined;
  try {
    return req(id);
  } catch {
    return undefined;
  }
}

function cached(env: DisplayEnvironment, pattern: RegExp): unknown[] {
  return Object.entries(env.cache)
    .filter(([key, mod]) => pattern.test(key) && mod !== undefined)
    .map(([, mod]) => mod!.exports);
}

/**
 * Finds how to send a display from library code to the running tslab kernel.
 *
 * tslab keeps the writer for the cell being executed in `lastWriteDisplayData`, exported by
 * `tslab/dist/jupyter.js` and reset at every execution; only the instance the kernel loaded has
 * it. That instance is looked up in the CommonJS module cache first (it may sit in another
 * node_modules than the one this library would resolve), then required. If that internal is gone
 * (a tslab that moved it), the public `display` is used: `require('tslab')` from a cell is hooked
 * by the kernel to return its own instance, and so is the kernel's `__tslab__.require`.
 *
 * @throws Error when no tslab kernel is running in this process.
 */
export function findDisplayRoute(env: DisplayEnvironment = defaultEnvironment()): DisplayRoute {
  const kernel = env.global['__tslab__'] as { require?: (id: string) => unknown } | undefined;
  // Lazily: requiring tslab/dist/jupyter loads tslab's TypeScript, only worth it as a last resort.
  function* jupyterCandidates(): Generator<unknown> {
    yield* cached(env, JUPYTER_MODULE);
    yield tryRequire(kernel?.require, 'tslab/dist/jupyter');
    yield tryRequire(env.require, 'tslab/dist/jupyter');
  }
  for (const mod of jupyterCandidates()) {
    const write = (mod as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof write === 'function') {
      return { kind: 'bundle', write: write as Extract<DisplayRoute, { kind: 'bundle' }>['write'] };
    }
  }
  if (kernel !== undefined) {
    const publicCandidates = [tryRequire(kernel.require, 'tslab'), ...cached(env, PUBLIC_MODULE)];
    for (const mod of publicCandidates) {
      const display = (mod as { display?: { svg?: unknown } } | undefined)?.display;
      if (typeof display?.svg === 'function') {
        const svg = display.svg as (s: string) => void;
        return { kind: 'svg', svg: (s) => svg.call(display, s) };
      }
    }
  }
  throw new Error(
    'displayChart: no running tslab kernel in this process (it needs a Jupyter notebook on the tslab ' +
      'TypeScript kernel). Outside a notebook use renderSvg() or writeFigure().',
  );
}

/**
 * Shows a chart in a tslab notebook cell: ONE display_data carrying `image/svg+xml`,
 * `application/vnd.vegalite.v5+json` (the spec as an object) and `text/plain`
 * (see {@link chartBundle}). If tslab's bundle writer cannot be reached, falls back to
 * `display.svg` (SVG only).
 *
 * @throws Error outside a tslab kernel.
 * @example
 * // in a tslab cell
 * import * as charts from '../dist/lib/charts/index.js';
 * await charts.displayChart(charts.stalenessCurveSpec(rows, { title: 'N=3, R=W=1' }));
 */
export async function displayChart(spec: VegaLiteSpec, env?: DisplayEnvironment): Promise<void> {
  const route = findDisplayRoute(env); // before rendering: fail fast outside a kernel
  const bundle = await chartBundle(spec);
  if (route.kind === 'bundle') {
    route.write({ data: { ...bundle }, metadata: {}, transient: {} }, false);
  } else {
    route.svg(bundle['image/svg+xml']);
  }
}
