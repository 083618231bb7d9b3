import { MarketStreamError } from '@market-stream/core';

/**
 * The chart could not load its history: the request failed, the server answered an error
 * status, or the answer was not a JSON array of bars. `status` is the HTTP status when there
 * was one; `url` is what was asked.
 *
 * @example
 * ```ts
 * import { ChartHistoryError } from '@market-stream/client/chart';
 *
 * chart.addEventListener('error', (event) => {
 *   const { error } = event as ErrorEvent;
 *   if (error instanceof ChartHistoryError) console.warn(error.url, error.status);
 * });
 * ```
 */
export class ChartHistoryError extends MarketStreamError {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super('CHART_HISTORY_FAILED', message, options);
  }
}
