/**
 * The bar intervals `<ticker-chart>` offers, by name, in ms: the history API's intervals (the
 * `HISTORY_INTERVALS` of `@market-stream/sinks`, which the client may not import).
 *
 * @example
 * ```ts
 * import { CHART_INTERVALS } from '@market-stream/client/chart';
 *
 * CHART_INTERVALS.get('5m'); // 300_000
 * ```
 */
export const CHART_INTERVALS: ReadonlyMap<string, number> = new Map([
  ['5s', 5_000],
  ['1m', 60_000],
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['1d', 86_400_000],
]);
