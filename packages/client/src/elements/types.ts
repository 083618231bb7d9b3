import type { Trade } from '@market-stream/core';
import type { Subscribable } from 'rxjs';
import type { ConnectionStatus, RecoveryReport } from '../client/types.js';

/**
 * What a ticker element draws from: a `TickerClient` from `createTickerClient`, or anything with the same
 * observables (a test harness, a replay).
 *
 * @example
 * ```ts
 * import type { TickerSource } from '@market-stream/client/elements';
 * import { Subject } from 'rxjs';
 *
 * const trades$ = new Subject<Trade>();
 * const source: TickerSource = { trades$ };
 * grid.client = source;
 * ```
 */
export interface TickerSource {
  /** Trades to draw, per symbol in order. */
  trades$: Subscribable<Trade>;
  /** The set of stale symbols; they get the stale marker. */
  stale$?: Subscribable<ReadonlySet<string>>;
  /** Connection status, reflected as the element's `status` attribute. */
  status$?: Subscribable<ConnectionStatus>;
  /** What came back after each reconnect; shown for a few seconds as the `notice` part. */
  recovered$?: Subscribable<RecoveryReport>;
  /** The newest known trade of a symbol, drawn at once when the element binds. */
  latest?(symbol: string): Trade | undefined;
  /** Called with the element's `symbols` so the source delivers them. */
  subscribe?(symbols: readonly string[]): void;
}

/**
 * `<ticker-grid>`: a responsive grid of animated tickers. Each shows the symbol, the price
 * easing to each new value, a green or red flash and a subtle pulse on every change, the change
 * and % change since the first price, and a stale marker.
 *
 * Attributes: `symbols` (comma-separated; without it every symbol the source sends is shown,
 * in arrival order, up to 500), `url` (connect its own client with the global WebSocket),
 * `token`, `locale`, `currency`, `duration` (ms), and `status` (set by the element: the
 * client's connection status). Parts: `grid`, `ticker` (plus `stale` while stale; the trend is
 * `data-trend="up|down|flat"`), `symbol`, `price`, `change`, `percent`, `stale-marker`, `flash`, `flash-up`,
 * `flash-down`, and `notice`: after a reconnect, for `DEFAULT_ANIMATION.noticeMs` (4 s), a short
 * line "Reconnected, N trades recovered" or "Reconnected; K symbols could not be recovered"
 * (`role="status"`, plus part `unrecovered` when symbols were lost), over the top right corner
 * so nothing moves; recovered trades move each price once, to the newest. Custom properties: `--ticker-bg`, `--ticker-surface`, `--ticker-border`,
 * `--ticker-fg`, `--ticker-muted`, `--ticker-up`, `--ticker-down`, `--ticker-font`,
 * `--ticker-min-width`, `--ticker-gap`, `--ticker-radius`, `--ticker-price-size`.
 *
 * @example
 * ```ts
 * import { createTickerClient } from '@market-stream/client';
 * import { defineTickerElements, type TickerGridElement } from '@market-stream/client/elements';
 *
 * defineTickerElements();
 * const grid = document.createElement('ticker-grid') as TickerGridElement;
 * grid.symbols = ['AAPL', 'MSFT', 'NVDA'];
 * grid.client = createTickerClient({ url: 'ws://localhost:3000/ws' });
 * document.body.append(grid);
 * ```
 */
export interface TickerGridElement extends HTMLElement {
  /** The source to draw; setting it subscribes to the element's symbols. */
  client: TickerSource | undefined;
  /**
   * The symbols shown, in order; empty means "whatever arrives". Reflects the `symbols`
   * attribute; accepts an array or a comma-separated string.
   */
  get symbols(): readonly string[];
  set symbols(symbols: readonly string[] | string);
}

/**
 * `<ticker-tape>`: a Times-Square-style tape scrolling symbols, prices and % changes from right
 * to left with a CSS transform animation (paused on hover, static with reduced motion).
 * Same attributes, properties and custom properties as {@link TickerGridElement}, plus `speed`
 * (pixels per second, default 60). Parts: `tape`, `track`, `item`, `symbol`, `price`,
 * `percent`, `flash-up`, `flash-down`, `notice`.
 *
 * @example
 * ```ts
 * import { defineTickerElements, type TickerTapeElement } from '@market-stream/client/elements';
 *
 * defineTickerElements();
 * const tape = document.querySelector('ticker-tape') as TickerTapeElement;
 * tape.client = client;
 * ```
 */
export interface TickerTapeElement extends TickerGridElement {}
