import type { TopLevelSpec } from 'vega-lite';

/** The `$schema` every spec built here carries (JupyterLab picks its renderer from it). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * A complete Vega-Lite v5 specification (a plain, JSON-serialisable object with inline data).
 * This is vega-lite's own `TopLevelSpec` type.
 */
export type VegaLiteSpec = TopLevelSpec;

/**
 * A Vega expression reading `field` of the current datum, quoted so that any field name works.
 *
 * @example
 * fieldRef('p_consistent'); // 'datum["p_consistent"]'
 */
export function fieldRef(field: string): string {
  return `datum[${JSON.stringify(field)}]`;
}

/** The distinct values of `values`, in order of first appearance. */
export function uniqueInOrder(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

function round12(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}

/**
 * A y domain for probabilities that contains every given value (estimates and both interval
 * ends, so a confidence band is never clipped), rounded outward to a step of 1, 2 or 5 times a
 * power of ten and kept within [0, 1]. With no finite value it is [0, 1].
 *
 * @example
 * probabilityDomain([0.35, 0.6, 1]); // [0.3, 1]
 * probabilityDomain([0.972, 0.999]); // [0.97, 1]
 */
export function probabilityDomain(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  lo = Math.min(Math.max(lo, 0), 1);
  hi = Math.min(Math.max(hi, 0), 1);
  const span = Math.max(hi - lo, 0.01);
  const magnitude = 10 ** Math.floor(Math.log10(span));
  const step = span / magnitude >= 5 ? magnitude : span / magnitude >= 2 ? magnitude / 2 : magnitude / 5;
  let domainLo = Math.max(0, round12(Math.floor(round12(lo / step)) * step));
  const domainHi = Math.min(1, round12(Math.ceil(round12(hi / step)) * step));
  if (domainHi <= domainLo) domainLo = Math.max(0, round12(domainHi - step));
  return [domainLo, domainHi];
}
