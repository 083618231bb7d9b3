/**
 * Defaults of {@link createAlerts}' options.
 *
 * - `hysteresisPct` (0.1): an `above` or `below` rule re-arms once the price is back 0.1 % past
 *   its level (20 cents on a 200 level): wide enough that a price hovering at the level fires
 *   once, narrow enough that a real second crossing fires again.
 * - `maxRules` (200): ten rules for each of twenty tickers, with room to spare.
 * - `maxWindowTrades` (10,000): per `move` rule; a five-minute window at 30 trades/s.
 *
 * @example
 * ```ts
 * import { DEFAULT_ALERTS } from '@market-stream/client';
 *
 * DEFAULT_ALERTS.hysteresisPct; // 0.1
 * ```
 */
export const DEFAULT_ALERTS = Object.freeze({
  hysteresisPct: 0.1,
  maxRules: 200,
  maxWindowTrades: 10_000,
});
