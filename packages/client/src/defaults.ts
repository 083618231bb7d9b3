/**
 * How {@link createTickerClient} reconnects after a connection drops: exponential backoff with
 * full jitter. Attempt `n` (from 0) waits a uniformly random time in
 * `[0, min(maxDelayMs, initialDelayMs * 2^n))`; the attempt counter resets once a connection
 * has stayed open for `resetAfterMs`.
 *
 * @example
 * ```ts
 * import type { ReconnectOptions } from '@market-stream/client';
 *
 * const reconnect: ReconnectOptions = { initialDelayMs: 250, maxDelayMs: 10_000, resetAfterMs: 5_000 };
 * ```
 */
export interface ReconnectOptions {
  /**
   * Upper bound of the first retry's delay.
   * @default 500
   */
  initialDelayMs: number;
  /**
   * Upper bound of any retry's delay.
   * @default 30000
   */
  maxDelayMs: number;
  /**
   * How long a connection must stay open to count as healthy and reset the backoff.
   * @default 5000
   */
  resetAfterMs: number;
}

/**
 * The default {@link ReconnectOptions}: first retry within 500 ms, never more than 30 s apart,
 * backoff reset after 5 s of healthy connection.
 *
 * @example
 * ```ts
 * import { DEFAULT_RECONNECT } from '@market-stream/client';
 *
 * DEFAULT_RECONNECT.maxDelayMs; // 30000
 * ```
 */
export const DEFAULT_RECONNECT: Readonly<ReconnectOptions> = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  resetAfterMs: 5_000,
});

/**
 * How {@link createTickerClient} recovers the trades missed while disconnected (recovery by
 * `seq`): after a reconnect it sends the last `seq` it holds per symbol as the subscribe's
 * `since`, and holds those symbols' trades until the server's `recovery` answer, to apply the
 * recovered and the live trades merged in `seq` order.
 *
 * @example
 * ```ts
 * import type { RecoveryOptions } from '@market-stream/client';
 *
 * const recover: RecoveryOptions = { timeoutMs: 3_000, maxHeldTrades: 10_000 };
 * ```
 */
export interface RecoveryOptions {
  /**
   * How long to wait for a connection's `recovery` answers. A server that ignores `since`
   * never answers; when the time is up, what is held is applied in `seq` order and the
   * symbols still waiting are reported as not recovered (`TIMEOUT`).
   * @default 5000
   */
  timeoutMs: number;
  /**
   * Most trades held, over all symbols, while waiting for `recovery` answers. When one more
   * arrives, everything held is applied in `seq` order and the symbols still waiting are
   * reported as not recovered (`OVERFLOW`); later trades go through the usual `seq` check.
   * @default 20000
   */
  maxHeldTrades: number;
}

/**
 * The default {@link RecoveryOptions}.
 *
 * - `timeoutMs` (5 s): a server builds its answer at once from memory (the engine's replay
 *   buffer) or with a few Query pages (the history table, a Lambda that may start cold); 5 s
 *   leaves room for that and bounds how long a server that ignores `since` freezes the symbols.
 * - `maxHeldTrades` (20,000, about 5 MB of parsed trades): four times what one subscribe's
 *   answer may carry (the servers' `maxRecoveredTrades`, 5,000), plus the live trades that
 *   overtake it on the serverless path.
 *
 * @example
 * ```ts
 * import { DEFAULT_RECOVERY } from '@market-stream/client';
 *
 * DEFAULT_RECOVERY.timeoutMs; // 5000
 * ```
 */
export const DEFAULT_RECOVERY: Readonly<RecoveryOptions> = Object.freeze({
  timeoutMs: 5_000,
  maxHeldTrades: 20_000,
});

/**
 * Defaults of the {@link TickerClientOptions} that are not about reconnecting.
 *
 * - `staleAfterMs` (10 s): a symbol with no trade for this long is reported in `stale$`.
 * - `pingIntervalMs` (30 s): keep-alive pings, well inside API Gateway's 10-minute idle timeout.
 * - `maxSymbols` (1000): most symbols one client tracks; bounds every per-symbol map.
 *
 * @example
 * ```ts
 * import { DEFAULT_CLIENT_OPTIONS } from '@market-stream/client';
 *
 * DEFAULT_CLIENT_OPTIONS.staleAfterMs; // 10000
 * ```
 */
export const DEFAULT_CLIENT_OPTIONS = Object.freeze({
  staleAfterMs: 10_000,
  pingIntervalMs: 30_000,
  maxSymbols: 1_000,
});

/**
 * Defaults of the ticker elements' animation.
 *
 * - `durationMs` (150): how long a price eases from the old value to the new one.
 * - `flashMs` (500): how long the green or red flash takes to fade out.
 * - `pulseScale` (1.04): how far the price grows at the start of a change (a subtle pulse).
 * - `maxTickers` (500): most tickers one element shows; later symbols are ignored.
 * - `tapeSpeed` (60): tape scroll speed in pixels per second.
 * - `noticeMs` (4000): how long the "reconnected, N trades recovered" notice stays: long
 *   enough to read a short line, short enough not to linger over live prices.
 *
 * @example
 * ```ts
 * import { DEFAULT_ANIMATION } from '@market-stream/client/elements';
 *
 * DEFAULT_ANIMATION.durationMs; // 150
 * ```
 */
export const DEFAULT_ANIMATION = Object.freeze({
  durationMs: 150,
  flashMs: 500,
  pulseScale: 1.04,
  maxTickers: 500,
  tapeSpeed: 60,
  noticeMs: 4_000,
});

/**
 * Default tag names of {@link defineTickerElements}: `<ticker-grid>` and `<ticker-tape>`.
 *
 * @example
 * ```ts
 * import { DEFAULT_ELEMENT_TAGS } from '@market-stream/client/elements';
 *
 * DEFAULT_ELEMENT_TAGS.grid; // 'ticker-grid'
 * ```
 */
export const DEFAULT_ELEMENT_TAGS = Object.freeze({
  /** @default 'ticker-grid' */
  grid: 'ticker-grid',
  /** @default 'ticker-tape' */
  tape: 'ticker-tape',
});

/**
 * Defaults of `<ticker-chart>` (`@market-stream/client/chart`) and its `LiveBarBuilder`:
 * 5,000 bars kept per chart (three and a half days of 1-minute bars), 300 bars asked of the
 * history API, at most 10,000 live trades held while the history loads (then the oldest are
 * dropped), the history at `/api/bars` and `/api/trades`, the tag `ticker-chart`, 1-minute candles.
 *
 * @example
 * ```ts
 * import { DEFAULT_CHART } from '@market-stream/client/chart';
 *
 * DEFAULT_CHART.historyUrl; // '/api/bars'
 * ```
 */
export const DEFAULT_CHART = Object.freeze({
  /** @default 5000 */
  maxBars: 5_000,
  /** @default 300 */
  historyLimit: 300,
  /** @default 10000 */
  maxPendingTrades: 10_000,
  /** @default '/api/bars' */
  historyUrl: '/api/bars',
  /** @default '/api/trades' */
  tradesUrl: '/api/trades',
  /** @default 'ticker-chart' */
  tag: 'ticker-chart',
  /** @default '1m' */
  interval: '1m',
  /** @default 'candles' */
  type: 'candles' as 'candles' | 'line',
  /**
   * Shortest time between two live redraws, ms: a bar ticking faster is drawn at its newest
   * state twice a second (a bar is always drawn at its last state before the next one opens).
   * A redraw costs lightweight-charts ~4 ms of main-thread work in headless Chromium whatever
   * the bars or the canvas size, so this keeps it to ~3 % of frames.
   * @default 500
   */
  redrawMs: 500,
});

/**
 * Defaults of the sparklines of `<ticker-grid sparkline="N">` (N minutes).
 *
 * - `bucketMs` (1000): trades are folded into one point per second (the second's last price),
 *   so a 5-minute line holds at most 300 points however fast a symbol trades.
 * - `maxMinutes` (60): the longest window `sparkline` accepts (3,600 points per symbol).
 * - `drawsPerFrame` (12): most sparklines one grid redraws in a frame, so drawing stays a
 *   small, bounded part of a frame however many symbols trade; with 200 lines all changing, each
 *   is redrawn every 17 frames (about 0.3 s at 60 Hz).
 *
 * @example
 * ```ts
 * import { DEFAULT_SPARKLINE } from '@market-stream/client/elements';
 *
 * DEFAULT_SPARKLINE.bucketMs; // 1000
 * ```
 */
export const DEFAULT_SPARKLINE = Object.freeze({
  bucketMs: 1_000,
  maxMinutes: 60,
  drawsPerFrame: 12,
});
