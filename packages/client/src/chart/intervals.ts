import { BAR_INTERVALS } from '@market-stream/core';

/**
 * The bar intervals `<ticker-chart>` offers, by name, in ms: core's `BAR_INTERVALS`, the list
 * the history API serves.
 *
 * @example
 * ```ts
 * import { CHART_INTERVALS } from '@market-stream/client/chart';
 *
 * CHART_INTERVALS.get('5m'); // 300_000
 * ```
 */
export const CHART_INTERVALS: ReadonlyMap<string, number> = BAR_INTERVALS;
