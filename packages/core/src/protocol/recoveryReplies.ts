import type { Trade } from '../trade.js';
import type { ServerMessage, Unrecovered, UnrecoveredReason } from './messages.js';

/**
 * What a server found for one symbol of a subscribe's `since`: the trades after it, or why it
 * has none to send. The input of {@link recoveryReplies}.
 *
 * @example
 * ```ts
 * import type { SymbolRecovery } from '@market-stream/core';
 *
 * const recovered: SymbolRecovery = { symbol: 'AAPL', since: 1041, trades: missedTrades };
 * const lost: SymbolRecovery = { symbol: 'TSLA', since: 7, reason: 'EXPIRED', newest: tslaTrade };
 * ```
 */
export type SymbolRecovery =
  | {
      symbol: string;
      /** The last `seq` the client holds. */
      since: number;
      /** Every trade after `since` the server knows, in `seq` order (empty: none missed). */
      trades: readonly Trade[];
    }
  | {
      symbol: string;
      since: number;
      /** Why the trades after `since` cannot be sent. */
      reason: UnrecoveredReason;
      /** The newest trade the server knows of the symbol: sent in the snapshot instead. */
      newest?: Trade;
    };

/** Trades per recovered `trades` message unless told otherwise (~55 KB of JSON). */
const TRADES_PER_MESSAGE = 500;

/**
 * Builds a server's answer to a subscribe's `since`, the same on every path (contract order):
 * 1. the recovered trades, in `trades` messages of at most `tradesPerMessage` trades, per
 *    symbol in `seq` order;
 * 2. one `snapshot` of `snapshot` (the newest trade of each added symbol without `since`)
 *    and of the newest trade of each symbol not recovered, when there is any;
 * 3. one `recovery` message: how many trades came back per symbol, and per symbol not
 *    recovered its reason and the range the client will not get (`since` + 1 up to the
 *    snapshot's `seq` − 1, when that range is not empty).
 *
 * These follow the `subscribed` reply and come before any live trade of the symbols. Pure.
 *
 * @param recoveries - One entry per symbol of `since` the subscribe added.
 * @param snapshot - The snapshot of the other added symbols.
 * @param tradesPerMessage - Most trades per recovered `trades` message (default 500).
 * @returns The messages to send, in order.
 *
 * @example
 * ```ts
 * import { recoveryReplies } from '@market-stream/core';
 *
 * const messages = recoveryReplies(
 *   [{ symbol: 'AAPL', since: 1041, trades: aaplAfter1041 }],
 *   [msftNewest],
 * );
 * for (const message of messages) send(message); // trades…, snapshot, recovery
 * ```
 */
export function recoveryReplies(
  recoveries: readonly SymbolRecovery[],
  snapshot: readonly Trade[],
  tradesPerMessage = TRADES_PER_MESSAGE,
): ServerMessage[] {
  const per = Math.max(1, Math.floor(tradesPerMessage));
  const messages: ServerMessage[] = [];
  const recovered: Record<string, number> = {};
  const unrecovered: Unrecovered[] = [];
  const snapshotTrades = [...snapshot];
  let batch: Trade[] = [];
  for (const recovery of recoveries) {
    if ('trades' in recovery) {
      recovered[recovery.symbol] = recovery.trades.length;
      for (const trade of recovery.trades) {
        batch.push(trade);
        if (batch.length === per) {
          messages.push({ type: 'trades', trades: batch });
          batch = [];
        }
      }
      continue;
    }
    const { symbol, since, reason, newest } = recovery;
    const entry: Unrecovered = { symbol, reason };
    if (newest !== undefined) {
      snapshotTrades.push(newest);
      if (newest.seq - 1 >= since + 1) {
        entry.from = since + 1;
        entry.to = newest.seq - 1;
      }
    }
    unrecovered.push(entry);
  }
  if (batch.length > 0) messages.push({ type: 'trades', trades: batch });
  if (snapshotTrades.length > 0) messages.push({ type: 'snapshot', trades: snapshotTrades });
  messages.push({ type: 'recovery', recovered, unrecovered });
  return messages;
}
