import type { MoveRule } from './types.js';

/**
 * Watches one `move` rule: the newest price against the lowest and highest price of the trades
 * within `windowMs` (event time) before it, at most `maxTrades` of them (oldest out first).
 * `observe` returns the signed move in percent when this trade fires the rule, else undefined;
 * the rule re-arms on the first trade whose window no longer shows the move.
 */
export function moveWatch(
  rule: MoveRule,
  maxTrades: number,
): (price: number, timestamp: number) => number | undefined {
  const times: number[] = [];
  const prices: number[] = [];
  let newest = Number.NEGATIVE_INFINITY;
  let armed = true;
  return (price, timestamp) => {
    newest = Math.max(newest, timestamp);
    times.push(timestamp);
    prices.push(price);
    while (times.length > maxTrades || (times[0] ?? newest) < newest - rule.windowMs) {
      times.shift();
      prices.shift();
    }
    const change = largestMove(prices, price);
    const moved = Math.abs(change) >= rule.percent;
    if (armed && moved) {
      armed = false;
      return change;
    }
    if (!armed && !moved) armed = true;
    return undefined;
  };
}

/** The move of `price` from the window's low or high, whichever is larger, in percent. */
function largestMove(prices: readonly number[], price: number): number {
  let low = price;
  let high = price;
  for (const p of prices) {
    if (p < low) low = p;
    if (p > high) high = p;
  }
  const up = ((price - low) / low) * 100;
  const down = ((price - high) / high) * 100;
  return up >= -down ? up : down;
}
