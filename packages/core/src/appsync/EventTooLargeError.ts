import { MarketStreamError } from '../errors.js';

/**
 * One trade does not fit in one AppSync Events event: its `trades` message alone is larger
 * than the event size limit. Trades are never truncated, so the caller has to act (report
 * the trade). `code` is `EVENT_TOO_LARGE`.
 *
 * @example
 * ```ts
 * import { EventTooLargeError, encodeTradeEvents } from '@market-stream/core';
 *
 * try {
 *   encodeTradeEvents(trades);
 * } catch (error) {
 *   if (error instanceof EventTooLargeError) console.error(error.bytes, error.maxBytes);
 * }
 * ```
 */
export class EventTooLargeError extends MarketStreamError {
  /** Size of the smallest event that would hold the trade, in UTF-8 bytes. */
  readonly bytes: number;
  /** The limit it exceeds, in UTF-8 bytes. */
  readonly maxBytes: number;

  /**
   * @param bytes - The event's size in UTF-8 bytes.
   * @param maxBytes - The limit.
   */
  constructor(bytes: number, maxBytes: number) {
    super(
      'EVENT_TOO_LARGE',
      `one trade needs an event of ${bytes} bytes, over the ${maxBytes}-byte event limit`,
    );
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}
