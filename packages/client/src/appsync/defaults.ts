/**
 * Defaults of {@link appSyncEventsWebSocket}'s bounds and timers.
 *
 * - `historyConcurrency` (4): history requests in flight per client, so a page subscribing to
 *   hundreds of symbols does not open hundreds of requests at once (browsers queue more than
 *   6 per host anyway).
 * - `historyTimeoutMs` (4 s): one history request's limit; under the client's 5 s recovery wait
 *   (`DEFAULT_RECOVERY.timeoutMs`), so a slow history API is answered `UNAVAILABLE` before the
 *   client gives up with `TIMEOUT`.
 * - `recoveryLimit` (1,000): most trades fetched for one symbol's recovery: the history API's
 *   largest `limit` (sinks' `HISTORY_QUERY_DEFAULTS.maxLimit`).
 * - `maxRecoveredTrades` (5,000): most trades one subscribe's recovery answer carries, shared
 *   by its symbols (each fetches at most its share): the servers' `maxRecoveredTrades`, a
 *   quarter of the client's `recover.maxHeldTrades`.
 * - `ackTimeoutMs` (10 s): how long to wait for `connection_ack` after the socket opens before
 *   closing it, so the client reconnects instead of waiting forever.
 * - `maxSymbols` (200): most symbol channels one connection subscribes to: AppSync Events
 *   allows 200 subscriptions per connection (its service quota, as the emulator's
 *   `APPSYNC_EMULATOR_DEFAULTS.maxSubscriptionsPerConnection`), so a subscribe past it is
 *   answered `TOO_MANY_SYMBOLS` at once rather than refused channel by channel. Give the
 *   client `maxSymbols: 200` too, so `subscribe` throws before it asks.
 *
 * @example
 * ```ts
 * import { APPSYNC_EVENTS_DEFAULTS } from '@market-stream/client/appsync';
 *
 * APPSYNC_EVENTS_DEFAULTS.historyConcurrency; // 4
 * ```
 */
export const APPSYNC_EVENTS_DEFAULTS = Object.freeze({
  historyConcurrency: 4,
  historyTimeoutMs: 4_000,
  recoveryLimit: 1_000,
  maxRecoveredTrades: 5_000,
  ackTimeoutMs: 10_000,
  maxSymbols: 200,
});
