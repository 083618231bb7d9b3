import type { SymbolRecovery, Trade, UnrecoveredReason } from '@market-stream/core';
import type { DeliveryMode } from '../types.js';
import type { TradeHistory } from './TradeHistory.js';

/**
 * What {@link recoverFromHistory} reads and decides with.
 * @internal
 */
export interface RecoverFromHistoryParts {
  /** The history table; without it nothing is recovered (`UNAVAILABLE`). */
  history?: TradeHistory;
  /** The newest known trade of each symbol of `since` (the latest-trade store's). */
  newest: ReadonlyMap<string, Trade>;
  /** The connection's delivery mode: `latest` recovers nothing but the snapshot. */
  mode: DeliveryMode;
  /** Most trades recovered over all symbols; a symbol that would pass it gets `TOO_MANY`. */
  maxTrades: number;
  /** Receives a failed history read (the symbol is answered `UNAVAILABLE`). */
  onError: (error: unknown, symbol: string) => void;
}

/**
 * Decides, per symbol of a subscribe's `since` in the order named, what the serverless path
 * sends (core's contract rules, with S the `since` and N the newest known trade):
 * - `latest` mode: S > N.seq → `AHEAD`; S = N.seq → recovered, 0 trades; else `LATEST`
 *   (`EXPIRED` when nothing is known);
 * - `all` mode without history → `UNAVAILABLE` (as the engine without its replay buffer);
 * - S > N.seq → `AHEAD`;
 * - N.seq − S more than the budget left → `TOO_MANY` (no read); otherwise one read of up to
 *   the budget + 1 trades after S: a failed read → `UNAVAILABLE`; nothing held after S →
 *   recovered with 0 trades when S = N.seq, else `EXPIRED`; trades that do not run S + 1,
 *   S + 2, … (the oldest expired) → `EXPIRED`; more than the budget → `TOO_MANY`; else
 *   recovered: every trade after S the table holds.
 *
 * A symbol not recovered leaves the budget to the next ones. Symbols are read one after
 * another, so the reads stay within `maxTrades` + 1 items per symbol. N is the newest of the
 * latest-trade store's and the read's.
 *
 * @param since - The last `seq` the client holds per symbol (`ProtocolOutcome.since`).
 * @param parts - History, newest trades, mode, budget; see {@link RecoverFromHistoryParts}.
 * @returns One recovery per symbol of `since`, in its order: the input of `recoveryReplies`.
 * @internal
 *
 * @example
 * ```ts
 * const recoveries = await recoverFromHistory({ AAPL: 1041 }, {
 *   history, newest, mode: 'all', maxTrades: 5_000, onError: () => {},
 * });
 * ```
 */
export async function recoverFromHistory(
  since: Readonly<Record<string, number>>,
  parts: RecoverFromHistoryParts,
): Promise<SymbolRecovery[]> {
  const recoveries: SymbolRecovery[] = [];
  let left = parts.maxTrades;
  for (const [symbol, seq] of Object.entries(since)) {
    const newest = parts.newest.get(symbol);
    const lost = (reason: UnrecoveredReason, n = newest) =>
      recoveries.push(
        n ? { symbol, since: seq, reason, newest: n } : { symbol, since: seq, reason },
      );
    const upToDate = newest !== undefined && newest.seq === seq;

    if (parts.mode === 'latest') {
      if (newest !== undefined && seq > newest.seq) lost('AHEAD');
      else if (upToDate) recoveries.push({ symbol, since: seq, trades: [] });
      else lost(newest ? 'LATEST' : 'EXPIRED');
    } else if (!parts.history) lost('UNAVAILABLE');
    else if (newest !== undefined && seq > newest.seq) lost('AHEAD');
    else if (newest !== undefined && newest.seq - seq > left) lost('TOO_MANY');
    else {
      let trades: Trade[];
      try {
        trades = await parts.history.tradesAfter(symbol, seq, left + 1);
      } catch (error) {
        parts.onError(error, symbol);
        lost('UNAVAILABLE');
        continue;
      }
      const last = trades.at(-1);
      const known =
        last !== undefined && (newest === undefined || last.seq > newest.seq) ? last : newest;
      const complete = trades.every((trade, i) => trade.seq === seq + 1 + i);
      if (trades.length === 0) {
        // Nothing after S is held: nothing was missed when S is the newest known, else the
        // trades after S expired (or nothing at all is known of the symbol).
        if (upToDate) recoveries.push({ symbol, since: seq, trades: [] });
        else lost('EXPIRED');
      } else if (!complete) lost('EXPIRED', known);
      else if (trades.length > left) lost('TOO_MANY', known);
      else {
        left -= trades.length;
        recoveries.push({ symbol, since: seq, trades });
      }
    }
  }
  return recoveries;
}
