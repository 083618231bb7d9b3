import type { SymbolRecovery, Trade, UnrecoveredReason } from '@market-stream/core';
import type { DeliveryMode } from '../types.js';
import type { ReplayBuffer } from './ReplayBuffer.js';

/** Where the engine recovers from, and how much one answer may carry. Internal. */
export interface RecoverySources {
  /** The newest trade the engine knows of a symbol (its symbol book). */
  readonly newest: (symbol: string) => Trade | undefined;
  /** The replay buffer; `undefined` when replay is off (`replay: false`). */
  readonly replay: ReplayBuffer | undefined;
  /** The asking connection's delivery mode. */
  readonly mode: DeliveryMode;
  /** Most trades the whole answer may carry. */
  readonly maxRecoveredTrades: number;
}

/**
 * Decides, per symbol of a subscribe's `since` (in the order the client named them), what the
 * engine sends: the kept trades after it, or why not. With S the client's `seq` and N the
 * newest known trade:
 * - replay off: `UNAVAILABLE`; nothing known of the symbol: `EXPIRED` (no range);
 * - S = N.seq: recovered, 0 trades; S > N.seq: `AHEAD` (the sequence started again);
 * - `latest` mode and S < N.seq: `LATEST`;
 * - the kept trades reach back to S + 1: recovered, unless they would take the answer past
 *   `maxRecoveredTrades` (`TOO_MANY`; later, smaller symbols may still fit);
 * - otherwise `EXPIRED`.
 *
 * Every unrecovered symbol carries N (when known) for the snapshot. Internal.
 *
 * @param since - The outcome's `since`: the last `seq` held per symbol the subscribe added.
 * @param sources - The book, the replay buffer, the connection's mode, the bound.
 * @returns One entry per symbol, for `recoveryReplies`.
 */
export function recoverSymbols(
  since: Readonly<Record<string, number>>,
  sources: RecoverySources,
): SymbolRecovery[] {
  const { replay, mode, maxRecoveredTrades } = sources;
  const recoveries: SymbolRecovery[] = [];
  let budget = maxRecoveredTrades;
  for (const [symbol, seq] of Object.entries(since)) {
    const newest = sources.newest(symbol);
    const lost = (reason: UnrecoveredReason) =>
      recoveries.push(
        newest === undefined
          ? { symbol, since: seq, reason }
          : { symbol, since: seq, reason, newest },
      );
    if (replay === undefined) lost('UNAVAILABLE');
    else if (newest === undefined) lost('EXPIRED');
    else if (seq === newest.seq) recoveries.push({ symbol, since: seq, trades: [] });
    else if (seq > newest.seq) lost('AHEAD');
    else if (mode === 'latest') lost('LATEST');
    else {
      const count = replay.countAfter(symbol, seq);
      if (count === undefined) lost('EXPIRED');
      else if (count > budget) lost('TOO_MANY');
      else {
        budget -= count;
        recoveries.push({ symbol, since: seq, trades: replay.tradesAfter(symbol, seq) });
      }
    }
  }
  return recoveries;
}
