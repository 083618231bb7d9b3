import type { AppSyncAuthorization } from '@market-stream/core';
import type { WebSocketConstructor } from '../client/types.js';
import { WebSocketUnavailableError } from '../errors.js';
import { AppSyncEventsSocket, type AppSyncSocketSettings } from './AppSyncEventsSocket.js';
import { APPSYNC_EVENTS_DEFAULTS } from './defaults.js';
import { InvalidAppSyncOptionsError } from './errors.js';
import { HistoryClient } from './HistoryClient.js';
import type { AppSyncEventsOptions, SubprotocolWebSocketConstructor } from './types.js';

/**
 * Lets `createTickerClient` (and so the ticker elements) run over AWS AppSync Events, with the
 * same API as over a market-stream server: pass the result as the client's `WebSocket` option
 * and the realtime endpoint as its `url`.
 *
 * Each connection opens `wss://{realtime-domain}/event/realtime` with the subprotocols
 * `aws-appsync-event-ws` and `header-{base64url({ host, x-api-key | Authorization })}`, sends
 * `connection_init` and is `open` on `connection_ack`; then:
 * - a `subscribe` becomes one AppSync subscription per symbol channel (`/trades/AAPL`); once
 *   AppSync confirmed them, the client gets `subscribed` (the full set) and a `snapshot` of
 *   each new symbol's newest trade from the history API (`GET {historyUrl}?symbol=X&limit=1`),
 *   so the grid is never empty; `unsubscribe` ends the symbols' subscriptions;
 * - recovery: a resubscribe's `since` is answered from the history API (the newest trades of
 *   the symbol, those after `since`), in core's `recoveryReplies` order, or `EXPIRED`,
 *   `TOO_MANY`, `AHEAD`, `UNAVAILABLE` (no `historyUrl`, a failed read) — never left for the
 *   client to time out;
 * - every `data` event (core's `parseTradeEvent`) becomes a `trades` message with the trades
 *   of the channel's symbol; an event that is no trades message is dropped and reported as
 *   a `BAD_JSON` error;
 * - `ping` is answered `pong` locally (AppSync keeps the connection alive with `ka`);
 * - a refused subscription (`subscribe_error`) is reported on the client's `errors$` with a
 *   contract code (`UNAUTHORIZED`, `RATE_LIMITED`, else `INVALID_SYMBOL`) and the connection
 *   stays up; `connection_error` (a wrong key or an expired token) is reported
 *   (`UNAUTHORIZED`) and the connection closed, so the client retries with its backoff;
 * - the connection is closed (and the client reconnects and resubscribes) when `ka` stops for
 *   the `connectionTimeoutMs` of `connection_ack`, or no ack comes within `ackTimeoutMs`.
 *
 * Bounded: at most `maxSymbols` subscriptions per connection; history requests
 * `historyConcurrency` at a time, each `historyTimeoutMs` at most, at most `recoveryLimit`
 * trades per symbol and `maxRecoveredTrades` per answer. Live trades published before a
 * subscription is confirmed and not yet stored in the history are not recovered.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html
 *
 * @param options - See {@link AppSyncEventsOptions}; exactly one of `apiKey` and `authToken`.
 * @returns A WebSocket constructor for `createTickerClient`'s `WebSocket` option.
 * @throws {@link InvalidAppSyncOptionsError} without, or with both, `apiKey` and `authToken`.
 * @throws `WebSocketUnavailableError` (from `@market-stream/client`) without a WebSocket
 *   implementation.
 *
 * @example
 * ```ts
 * import { createTickerClient } from '@market-stream/client';
 * import { appSyncEventsWebSocket } from '@market-stream/client/appsync';
 *
 * const client = createTickerClient({
 *   url: 'wss://abc123.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime',
 *   symbols: ['AAPL', 'MSFT'],
 *   WebSocket: appSyncEventsWebSocket({ apiKey: 'da2-…', historyUrl: '/api/trades' }),
 * });
 * client.trades$.subscribe((trade) => console.log(trade.symbol, trade.price));
 * ```
 */
export function appSyncEventsWebSocket(options: AppSyncEventsOptions): WebSocketConstructor {
  const { apiKey, authToken } = options;
  if ((apiKey === undefined) === (authToken === undefined)) {
    throw new InvalidAppSyncOptionsError('give exactly one of apiKey and authToken');
  }
  const Found =
    options.WebSocket ?? (globalThis as { WebSocket?: SubprotocolWebSocketConstructor }).WebSocket;
  if (!Found) throw new WebSocketUnavailableError();
  const defaults = APPSYNC_EVENTS_DEFAULTS;
  const fetch = options.fetch ?? globalThis.fetch;
  const history =
    options.historyUrl === undefined
      ? undefined
      : new HistoryClient({
          historyUrl: options.historyUrl,
          fetch: (...args) => fetch(...args),
          concurrency: options.historyConcurrency ?? defaults.historyConcurrency,
          timeoutMs: options.historyTimeoutMs ?? defaults.historyTimeoutMs,
        });

  const settingsFor = (url: string): AppSyncSocketSettings => {
    const host =
      options.host ?? new URL(url).host.replace('.appsync-realtime-api.', '.appsync-api.');
    const authorization = (): AppSyncAuthorization =>
      apiKey !== undefined
        ? { host, 'x-api-key': apiKey }
        : {
            host,
            Authorization: typeof authToken === 'function' ? authToken() : String(authToken),
          };
    return {
      WebSocket: Found,
      authorization,
      history,
      recoveryLimit: options.recoveryLimit ?? defaults.recoveryLimit,
      maxRecoveredTrades: options.maxRecoveredTrades ?? defaults.maxRecoveredTrades,
      ackTimeoutMs: options.ackTimeoutMs ?? defaults.ackTimeoutMs,
      maxSymbols: options.maxSymbols ?? defaults.maxSymbols,
    };
  };

  return class AppSyncEventsWebSocket extends AppSyncEventsSocket {
    constructor(url: string) {
      const realtimeUrl = options.realtimeUrl ?? url;
      super(realtimeUrl, settingsFor(realtimeUrl));
    }
  };
}
