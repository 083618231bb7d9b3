import type { Trade } from '../trade.js';
import { validateTrade } from '../validation/validateTrade.js';

/**
 * Reads the trades out of one AppSync Events event on a `/trades/SYMBOL` channel (the `event`
 * of a `data` message), the inverse of {@link encodeTradeEvents}. Never throws.
 *
 * @param event - The event as received: a JSON string.
 * @returns The trades in the order published, or `undefined` for anything that is not a
 *   `{"type":"trades","trades":[…]}` message of valid trades (not JSON, another type, a
 *   missing array, one invalid trade).
 *
 * @example
 * ```ts
 * import { parseTradeEvent } from '@market-stream/core';
 *
 * if (message.type === 'data') {
 *   const trades = parseTradeEvent(message.event);
 *   if (trades) render(trades);
 * }
 * ```
 */
export function parseTradeEvent(event: string): Trade[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(event);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as { type?: unknown; trades?: unknown };
  if (message.type !== 'trades' || !Array.isArray(message.trades)) return undefined;
  const trades: Trade[] = [];
  for (const candidate of message.trades) {
    const result = validateTrade(candidate);
    if (!result.ok) return undefined;
    trades.push(result.trade);
  }
  return trades;
}
