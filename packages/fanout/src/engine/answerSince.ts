import {
  recoveryReplies,
  type ServerMessage,
  type SymbolRecovery,
  type Trade,
  type UnrecoveredReason,
} from '@market-stream/core';
import { type RecoverySources, recoverSymbols } from './recoverSymbols.js';

/** What the engine sends a connection for a subscribe's `since`, and what it counts. Internal. */
export interface SinceAnswer {
  /** In order, after the `subscribed` reply: recovered `trades`, `snapshot`, `recovery`. */
  readonly messages: ServerMessage[];
  /** Per symbol, the highest `seq` the connection holds once it has the answer. */
  readonly floors: Map<string, number>;
  /** Trades recovered over all symbols. */
  readonly recoveredTrades: number;
  /** The reason of each symbol not recovered. */
  readonly unrecovered: UnrecoveredReason[];
}

/**
 * The engine's answer to a subscribe's `since`: what {@link recoverSymbols} decided per symbol,
 * as the messages of `recoveryReplies` (the contract order), with the floors that keep trades
 * already waiting for the connection from being sent twice. Internal.
 *
 * @param since - The outcome's `since`.
 * @param snapshot - The newest trades of the added symbols without `since`.
 * @param sources - Where to recover from; see {@link RecoverySources}.
 * @returns The messages, floors and counts.
 */
export function answerSince(
  since: Readonly<Record<string, number>>,
  snapshot: readonly Trade[],
  sources: RecoverySources,
): SinceAnswer {
  const recoveries = recoverSymbols(since, sources);
  let recoveredTrades = 0;
  const unrecovered: UnrecoveredReason[] = [];
  for (const recovery of recoveries) {
    if ('trades' in recovery) recoveredTrades += recovery.trades.length;
    else unrecovered.push(recovery.reason);
  }
  return {
    messages: recoveryReplies(recoveries, snapshot),
    floors: floorsOf(recoveries, snapshot),
    recoveredTrades,
    unrecovered,
  };
}

/**
 * The highest `seq` a connection holds of each symbol once it has the answer: the last
 * recovered trade (or its own `since` when none was missed), the newest trade of a symbol not
 * recovered, and the snapshot's trades. Trades up to them are not sent again.
 *
 * @param recoveries - What {@link recoverSymbols} decided.
 * @param snapshot - The snapshot of the added symbols without `since`.
 * @returns The floors, per symbol.
 */
function floorsOf(
  recoveries: readonly SymbolRecovery[],
  snapshot: readonly Trade[],
): Map<string, number> {
  const floors = new Map<string, number>();
  for (const trade of snapshot) floors.set(trade.symbol, trade.seq);
  for (const recovery of recoveries) {
    if ('trades' in recovery) {
      const last = recovery.trades[recovery.trades.length - 1];
      floors.set(recovery.symbol, Math.max(recovery.since, last?.seq ?? 0));
    } else if (recovery.newest !== undefined) {
      floors.set(recovery.symbol, recovery.newest.seq);
    }
  }
  return floors;
}
