import { SYMBOL_PATTERN } from '../trade.js';

/**
 * The AppSync Events channel namespace that carries trades **(contract)**: one channel per
 * symbol, `/trades/AAPL`. The namespace is the first segment of a channel path; AppSync only
 * accepts publishes and subscribes on channels of a configured namespace.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/channel-namespaces.html
 *
 * @example
 * ```ts
 * import { TRADES_NAMESPACE } from '@market-stream/core';
 *
 * new appsync.ChannelNamespace(stack, 'Trades', { api, channelNamespaceName: TRADES_NAMESPACE });
 * ```
 */
export const TRADES_NAMESPACE = 'trades';

const PREFIX = `/${TRADES_NAMESPACE}/`;

/**
 * The channel a symbol's trades are published to: `/trades/SYMBOL`.
 *
 * @param symbol - A symbol matching `SYMBOL_PATTERN`, e.g. `"AAPL"` or `"BRK.B"`.
 * @returns The channel path.
 *
 * @example
 * ```ts
 * import { tradesChannel } from '@market-stream/core';
 *
 * tradesChannel('AAPL'); // '/trades/AAPL'
 * ```
 */
export function tradesChannel(symbol: string): string {
  return PREFIX + symbol;
}

/**
 * The symbol of a trades channel, the inverse of {@link tradesChannel}.
 *
 * @param channel - A channel path.
 * @returns The symbol, or `undefined` for a path that is not exactly `/trades/SYMBOL` (another
 *   namespace, a deeper path, a wildcard, an empty symbol).
 *
 * @example
 * ```ts
 * import { symbolOfChannel } from '@market-stream/core';
 *
 * symbolOfChannel('/trades/AAPL'); // 'AAPL'
 * symbolOfChannel('/trades/*'); // undefined
 * ```
 */
export function symbolOfChannel(channel: string): string | undefined {
  if (!channel.startsWith(PREFIX)) return undefined;
  const symbol = channel.slice(PREFIX.length);
  return SYMBOL_PATTERN.test(symbol) ? symbol : undefined;
}
