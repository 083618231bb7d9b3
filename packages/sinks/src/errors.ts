import { MarketStreamError } from '@market-stream/core';

/**
 * A KPL aggregation call was misused: `KPL_INVALID_OPTIONS` (a `maxBytes` too small to hold
 * anything), `KPL_INVALID_RECORD` (a user record without a partition key) or
 * `KPL_EMPTY_AGGREGATE` (`build()` before any record was added).
 *
 * @example
 * ```ts
 * import { KplAggregationError, KplAggregator } from '@market-stream/sinks';
 *
 * try {
 *   new KplAggregator().build();
 * } catch (error) {
 *   if (error instanceof KplAggregationError) console.error(error.code); // 'KPL_EMPTY_AGGREGATE'
 * }
 * ```
 */
export class KplAggregationError extends MarketStreamError {
  declare readonly code: 'KPL_INVALID_OPTIONS' | 'KPL_INVALID_RECORD' | 'KPL_EMPTY_AGGREGATE';

  /**
   * @param code - What was misused.
   * @param message - A human-readable reason.
   */
  constructor(
    code: 'KPL_INVALID_OPTIONS' | 'KPL_INVALID_RECORD' | 'KPL_EMPTY_AGGREGATE',
    message: string,
  ) {
    super(code, message);
  }
}
