const PREFIX = '{"type":"trades","trades":[';
const SUFFIX = ']}';

/**
 * A `trades` message of the wire protocol around trades already serialized, byte-identical to
 * `JSON.stringify({ type: 'trades', trades })`, so one trade's text is made once and shared.
 * Internal.
 *
 * @param fragments - Serialized trades, or runs of them joined by commas, in message order.
 * @returns The text frame.
 *
 * @example
 * ```ts
 * tradesMessage([JSON.stringify(trade)]); // === JSON.stringify({ type: 'trades', trades: [trade] })
 * ```
 */
export function tradesMessage(fragments: readonly string[]): string {
  return PREFIX + fragments.join(',') + SUFFIX;
}
