/** How summaries print numbers. */

/** A number of ms for summaries (null: n/a). */
export function msText(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

/** A proportion as `count/of [low%, high%]` (its Wilson 95% interval). */
export function pctText(e: { count: number; of: number; low: number; high: number }): string {
  return `${e.count}/${e.of} [${(100 * e.low).toFixed(1)}%, ${(100 * e.high).toFixed(1)}%]`;
}
