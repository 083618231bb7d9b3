import {
  recoveryReplies,
  type ServerMessage,
  type SymbolRecovery,
  type Trade,
} from '@market-stream/core';
import type { HistoryClient } from './HistoryClient.js';

/** What {@link historyReplies} answers from. */
export interface HistoryAnswerSettings {
  /** The history API, when there is one. */
  history: HistoryClient | undefined;
  /** Most trades fetched for one symbol's recovery. */
  recoveryLimit: number;
  /** Most trades in one answer, shared by the symbols with a `since`. */
  maxRecoveredTrades: number;
  /** Aborted when the connection closes. */
  signal: AbortSignal;
}

/**
 * The answer a market-stream server gives after `subscribed`, built from the history API for
 * the symbols a subscribe added (the AppSync subscriptions are already live, so nothing falls
 * between history and live trades except what the history has not stored yet):
 * - a symbol without `since` gets its newest trade in the `snapshot` (none when the history has
 *   none or cannot be read);
 * - a symbol with `since` fetches its newest trades (its share of `maxRecoveredTrades`, at most
 *   `recoveryLimit`) and is recovered when they reach back to `since` + 1; otherwise it is
 *   `TOO_MANY` (a full page: more were missed than one answer carries) or `EXPIRED` (the
 *   history keeps no more), `AHEAD` when `since` is past the newest trade, `UNAVAILABLE`
 *   without a history or when reading it fails;
 * - `refused` (subscriptions AppSync refused) with a `since` are `UNAVAILABLE`, so the client
 *   does not wait out its recovery timeout for them.
 * With any `since` the answer is core's `recoveryReplies` (recovered trades, snapshot,
 * `recovery`); without, only the snapshot.
 */
export async function historyReplies(
  added: readonly string[],
  refused: readonly string[],
  since: Readonly<Record<string, number>> | undefined,
  settings: HistoryAnswerSettings,
): Promise<ServerMessage[]> {
  const asked = [...added, ...refused].filter((symbol) => since?.[symbol] !== undefined).length;
  const share = Math.floor(settings.maxRecoveredTrades / Math.max(1, asked));
  const limit = Math.max(1, Math.min(settings.recoveryLimit, share));
  const answers = await Promise.all(
    added.map((symbol) => {
      const seq = since?.[symbol];
      return seq === undefined
        ? newestTrade(symbol, settings)
        : recoverSymbol(symbol, seq, limit, settings);
    }),
  );
  const snapshot: Trade[] = [];
  const recoveries: SymbolRecovery[] = [];
  for (const answer of answers) {
    if (answer === undefined) continue;
    if ('seq' in answer) snapshot.push(answer);
    else recoveries.push(answer);
  }
  for (const symbol of refused) {
    const seq = since?.[symbol];
    if (seq !== undefined) recoveries.push({ symbol, since: seq, reason: 'UNAVAILABLE' });
  }
  if (recoveries.length > 0) return recoveryReplies(recoveries, snapshot);
  return snapshot.length > 0 ? [{ type: 'snapshot', trades: snapshot }] : [];
}

async function newestTrade(
  symbol: string,
  { history, signal }: HistoryAnswerSettings,
): Promise<Trade | undefined> {
  if (!history) return undefined;
  try {
    return (await history.newest(symbol, 1, signal)).at(-1);
  } catch {
    return undefined;
  }
}

async function recoverSymbol(
  symbol: string,
  since: number,
  limit: number,
  { history, signal }: HistoryAnswerSettings,
): Promise<SymbolRecovery> {
  if (!history) return { symbol, since, reason: 'UNAVAILABLE' };
  let trades: Trade[];
  try {
    trades = await history.newest(symbol, limit, signal);
  } catch {
    return { symbol, since, reason: 'UNAVAILABLE' };
  }
  const newest = trades.at(-1);
  if (newest === undefined) return { symbol, since, reason: 'EXPIRED' };
  if (newest.seq < since) return { symbol, since, reason: 'AHEAD', newest };
  const oldest = trades[0] as Trade;
  if (oldest.seq > since + 1) {
    return { symbol, since, reason: trades.length >= limit ? 'TOO_MANY' : 'EXPIRED', newest };
  }
  return { symbol, since, trades: trades.filter((trade) => trade.seq > since) };
}
