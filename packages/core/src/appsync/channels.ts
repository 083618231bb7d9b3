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
 * AppSync channel segments hold only letters, digits and dashes, starting and ending with a
 * letter or digit (the pattern of a namespace name, `[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?`),
 * so the two other characters a symbol may have are written as lower-case letters, which no
 * symbol contains: `.` as `d` and `-` as `h` (`BRK.B` → `/trades/BRKdB`). Symbols without them,
 * all of `DEFAULT_SYMBOLS`, are their own segment. {@link symbolOfChannel} reverses it.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/APIReference/API_ChannelNamespace.html
 *
 * @param symbol - A symbol matching `SYMBOL_PATTERN`, e.g. `"AAPL"` or `"BRK.B"`.
 * @returns The channel path.
 *
 * @example
 * ```ts
 * import { tradesChannel } from '@market-stream/core';
 *
 * tradesChannel('AAPL'); // '/trades/AAPL'
 * tradesChannel('BRK.B'); // '/trades/BRKdB'
 * ```
 */
export function tradesChannel(symbol: string): string {
  return PREFIX + symbol.replace(/[.-]/g, (char) => (char === '.' ? 'd' : 'h'));
}

/**
 * The symbol of a trades channel, the inverse of {@link tradesChannel}.
 *
 * @param channel - A channel path.
 * @returns The symbol, or `undefined` for a path that is not exactly `/trades/SYMBOL` as
 *   {@link tradesChannel} writes it (another namespace, a deeper path, a wildcard, an empty or
 *   invalid symbol).
 *
 * @example
 * ```ts
 * import { symbolOfChannel } from '@market-stream/core';
 *
 * symbolOfChannel('/trades/AAPL'); // 'AAPL'
 * symbolOfChannel('/trades/BRKdB'); // 'BRK.B'
 * symbolOfChannel('/trades/*'); // undefined
 * ```
 */
export function symbolOfChannel(channel: string): string | undefined {
  if (!channel.startsWith(PREFIX)) return undefined;
  const segment = channel.slice(PREFIX.length);
  if (!/^[A-Z0-9dh]+$/.test(segment)) return undefined;
  const symbol = segment.replace(/[dh]/g, (char) => (char === 'd' ? '.' : '-'));
  return SYMBOL_PATTERN.test(symbol) ? symbol : undefined;
}
