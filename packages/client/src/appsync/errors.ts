import { MarketStreamError } from '@market-stream/core';

/**
 * {@link appSyncEventsWebSocket} was given no authorization or two: it needs exactly one of
 * `apiKey` and `authToken`. `code` is `INVALID_APPSYNC_OPTIONS`.
 *
 * @example
 * ```ts
 * import { appSyncEventsWebSocket, InvalidAppSyncOptionsError } from '@market-stream/client/appsync';
 *
 * try {
 *   appSyncEventsWebSocket({});
 * } catch (error) {
 *   if (error instanceof InvalidAppSyncOptionsError) console.error(error.message);
 * }
 * ```
 */
export class InvalidAppSyncOptionsError extends MarketStreamError {
  /** @param message - What is wrong with the options. */
  constructor(message: string) {
    super('INVALID_APPSYNC_OPTIONS', message);
  }
}
