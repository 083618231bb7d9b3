import { FanoutEngine } from './FanoutEngine.js';
import type { Fanout, FanoutOptions } from './types.js';

/**
 * Creates the sharded fan-out engine. It consumes trade streams and delivers them per the wire
 * protocol of DESIGN.md to the connections its transport registers.
 *
 * Guarantees:
 * - **Sent at once, batched when busy** (`directSend`, default on): a connection whose last
 *   `trades` message left at least a window ago, and for which nothing waits, gets a trade at
 *   once (one message, serialized once for every shard); while its updates come faster, they
 *   are held and merged at its shard's next flush, which is never moved for it. A shard flushes
 *   at most once per window, at its own phase of the window (kept when a timer fires late), so
 *   shards flush one after another rather than in one long turn. Each flush, every held
 *   connection gets one `trades` message holding only its subscribed symbols, per symbol in
 *   `seq` order; connections that get the same updates share one payload, serialized once (see
 *   `buildDeliveries`). With `directSend: false` a shard flushes at most once per window,
 *   counted from its last flush (after a quiet spell a trade leaves on the next tick).
 * - **Modes**: `latest` sends the newest trade per symbol per window; `all` sends every trade,
 *   in order, nothing skipped. Source trades whose `seq` is not above the newest seen for their
 *   symbol are dropped as duplicates (`stale`); a source that restarts its sequence needs a new
 *   engine. Source trades whose `seq` jumps more than `maxSeqGap` past the newest are dropped
 *   (`seq_gap`) and reported, so a poisoned sequence cannot freeze a symbol.
 * - **Bounded state**: the engine keeps a newest trade for at most `maxSymbols` symbols; a new
 *   symbol past it replaces the one without subscribers idle longest, or is dropped
 *   (`symbol_limit`) and reported. Every check on a source trade is O(1).
 * - **Subscriptions**: a `subscribed` reply with the full set (sorted) after every change;
 *   after a subscribe, a `snapshot` of the newest known trade of each newly added symbol, sent
 *   before any `trades` message holding it, and trades up to the snapshot's are not sent again.
 *   A subscribe that would take the connection past `limits.maxSymbols` is refused whole with
 *   `TOO_MANY_SYMBOLS`.
 * - **Recovery** (a subscribe's `since`, the last `seq` the client holds per symbol): every
 *   trade the engine accepts is kept in a bounded replay buffer (`replay`: per symbol, over all
 *   symbols oldest first, and by age from arrival; trimmed when a trade arrives or a symbol is
 *   looked up, no timer per trade). The answer follows the `subscribed` reply, in the order of
 *   `recoveryReplies`: the kept trades after `since` (`trades` messages), one `snapshot` (the
 *   other added symbols, and the newest trade of each symbol not recovered), one `recovery`
 *   message naming what came back and what did not, with the reason and the range lost
 *   (`EXPIRED`: older than kept; `TOO_MANY`: past `maxRecoveredTrades` in total, in the order
 *   the client named the symbols; `LATEST`: a `latest`-mode connection; `AHEAD`: `since` past
 *   the newest `seq`; `UNAVAILABLE`: `replay: false`). Then live trades: per recovered symbol,
 *   the client gets every `seq` from `since` + 1 on exactly once, in order, including trades
 *   already waiting in its shard's window when it subscribed. The answer goes through the
 *   connection's bounded queue, so a client that cannot take it meets the slow-consumer bound.
 * - **Bad input**: every client message goes through `parseClientMessage`; errors are answered
 *   with the contract codes and touch nothing else. Client messages are rate limited per
 *   connection by a token bucket (`RATE_LIMITED`, at most one such notice per second; the
 *   refused messages are dropped). A throwing transport or store never stops the engine.
 * - **Slow consumers**: a connection whose transport reports backpressure, or whose previous
 *   asynchronous send has not settled, is not sent to; what it misses waits and leaves as one
 *   message when it can take it (fewer, larger messages, never a reordering). In `latest` mode
 *   only the newest trade per symbol waits, so a slow client gets fresh prices, not a backlog;
 *   in `all` mode every trade waits, and past `maxBacklogTrades` (or past `maxQueuedMessages` /
 *   `maxQueuedBytes` of protocol messages in either mode) the connection is closed with 1013
 *   and a reason. Sends never wait for each other, so one slow or dead client never delays the
 *   others.
 * - **Shards**: connections are spread by `shardOf(id, shards)`; each shard buffers only the
 *   symbols its connections hold, flushes on its own timer, and flushes early when it holds
 *   `maxPendingTrades`.
 * - **Adaptive window**: every four windows the engine compares the CPU time it spent flushing
 *   with the time passed, smoothed across those periods, and sizes the window so that flushing
 *   takes `targetFlushLoad` (65%) of the time: a window sends about one message per busy
 *   connection whatever its length, so twice the window halves the load. Sends made at once
 *   count only for connections whose last message left within two windows, which a wider
 *   window would merge; for quieter ones it would only hold their trades. The window moves at
 *   most ×1.5 per adjustment, ignores changes under 10%, and stays within `flushIntervalMs`
 *   and `maxFlushIntervalMs`. CPU time, not wall time, so a machine busy with other processes
 *   does not widen it (that would only add latency). Under overload every connection gets
 *   fewer, larger messages at the same pace, rather than the engine falling behind.
 *
 * @param options - See {@link FanoutOptions}.
 * @returns The engine.
 *
 * @example
 * ```ts
 * import { createFanout, MemoryConnectionStore } from '@market-stream/fanout';
 *
 * const sockets = new Map<string, WebSocket>();
 * const fanout = createFanout({
 *   source: trades$,
 *   mode: 'all',
 *   store: new MemoryConnectionStore(),
 *   transport: {
 *     send: (id, payload) => (sockets.get(id)?.send(payload), sockets.has(id) ? 'sent' : 'gone'),
 *   },
 * });
 * ```
 */
export function createFanout(options: FanoutOptions): Fanout {
  return new FanoutEngine(options);
}
