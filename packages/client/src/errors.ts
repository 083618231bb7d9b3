import { MarketStreamError } from '@market-stream/core';

/**
 * No WebSocket implementation is available: the runtime has no global `WebSocket` (Node 20)
 * and none was passed as the `WebSocket` option.
 *
 * @example
 * ```ts
 * import { createTickerClient, WebSocketUnavailableError } from '@market-stream/client';
 * import { WebSocket } from 'ws';
 *
 * try {
 *   createTickerClient({ url: 'ws://127.0.0.1:3000/ws' });
 * } catch (error) {
 *   if (error instanceof WebSocketUnavailableError) {
 *     createTickerClient({ url: 'ws://127.0.0.1:3000/ws', WebSocket });
 *   }
 * }
 * ```
 */
export class WebSocketUnavailableError extends MarketStreamError {
  constructor() {
    super(
      'WEBSOCKET_UNAVAILABLE',
      'no WebSocket implementation: pass one as the `WebSocket` option (in Node, `WebSocket` from "ws")',
    );
  }
}

/**
 * A symbol given to the client does not match the Trade contract's symbol pattern. Nothing was
 * subscribed.
 *
 * @example
 * ```ts
 * import { InvalidSymbolError } from '@market-stream/client';
 *
 * try {
 *   client.subscribe(['not a symbol']);
 * } catch (error) {
 *   if (error instanceof InvalidSymbolError) console.warn(error.symbols);
 * }
 * ```
 */
export class InvalidSymbolError extends MarketStreamError {
  /** The rejected symbols, as given. */
  readonly symbols: readonly string[];

  /** @param symbols - The rejected symbols. */
  constructor(symbols: readonly string[]) {
    super(
      'INVALID_SYMBOL',
      `invalid symbol${symbols.length === 1 ? '' : 's'}: ${symbols.map((s) => JSON.stringify(s)).join(', ')}`,
    );
    this.symbols = symbols;
  }
}

/**
 * Subscribing would take the client past its `maxSymbols` bound. Nothing was subscribed.
 *
 * @example
 * ```ts
 * import { TooManySymbolsError } from '@market-stream/client';
 *
 * try {
 *   client.subscribe(manySymbols);
 * } catch (error) {
 *   if (error instanceof TooManySymbolsError) console.warn(`limit is ${error.limit}`);
 * }
 * ```
 */
export class TooManySymbolsError extends MarketStreamError {
  /** The client's `maxSymbols`. */
  readonly limit: number;

  /** @param limit - The client's `maxSymbols`. */
  constructor(limit: number) {
    super('TOO_MANY_SYMBOLS', `a client tracks at most ${limit} symbols (maxSymbols)`);
    this.limit = limit;
  }
}

/**
 * The client was used after `close()`.
 *
 * @example
 * ```ts
 * import { ClientClosedError } from '@market-stream/client';
 *
 * client.close();
 * try {
 *   client.subscribe(['AAPL']);
 * } catch (error) {
 *   console.assert(error instanceof ClientClosedError);
 * }
 * ```
 */
export class ClientClosedError extends MarketStreamError {
  constructor() {
    super('CLIENT_CLOSED', 'the ticker client is closed; create a new one');
  }
}
