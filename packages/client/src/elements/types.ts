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
 * What both ticker elements share: the source they draw and the symbols they show.
 *
 * @example
 * ```ts
 * import type { TickerElement } from '@market-stream/client/elements';
 *
 * for (const element of document.querySelectorAll<TickerElement>('ticker-grid, ticker-tape')) {
 *   element.client = client;
 * }
 * ```
 */
export interface TickerElement extends HTMLElement {
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
 * `<ticker-grid>`: a responsive grid of animated tickers. Each card shows the symbol, the price
 * easing to each new value, a green or red flash and a subtle pulse on every change, the change
 * and % change since the first price, and a stale marker.
 *
 * Attributes: `symbols` (comma-separated; without it every symbol the source sends is shown,
 * in arrival order, up to 500), `url` (connect its own client with the global WebSocket),
 * `token`, `locale`, `currency`, `duration` (ms), `sparkline` (minutes, see below), `selected`
 * (see {@link TickerGridElement.selectedSymbol}) and `status` (set by the element: the client's
 * connection status).
 *
 * Sparklines (opt-in): with `sparkline="5"` each card draws the last 5 minutes of its price as a
 * line on a canvas (`::part(sparkline)`, green when up over the window, red when down). Trades
 * are folded into one point per second (`DEFAULT_SPARKLINE.bucketMs`), so a line holds at most
 * minutes × 60 points (up to `DEFAULT_SPARKLINE.maxMinutes`); the window ends at the newest
 * trade's event time; trades older than the newest second are ignored. A line is redrawn only
 * when it changed, at most once per frame, in the shared animation loop. Without the attribute
 * no canvas exists and nothing is drawn.
 *
 * Selection: cards are focusable options (`role="option"` in a `listbox`); a click, Enter or
 * Space dispatches a bubbling, composed, cancelable `ticker-select` event with
 * `detail: { symbol }` and, unless cancelled, selects the card (`aria-selected="true"`,
 * `::part(card selected)`). Content with `slot="detail"` is shown right below the selected
 * card's row across the grid's full width (`::part(detail)`), e.g. a `<ticker-chart>`.
 *
 * Narrow screens: below 600 px of width the grid becomes a compact watchlist, one row per
 * ticker (symbol, sparkline, price, % change).
 *
 * Parts: `grid`, `ticker` and `card` (plus `stale` while stale and `selected` when selected;
 * the trend is `data-trend="up|down|flat"`), `symbol`, `badge`, `price`, `change`, `percent`,
 * `sparkline`, `stale-marker`, `flash`, `flash-up`, `flash-down`, `detail`, and `notice`: after a
 * reconnect, for `DEFAULT_ANIMATION.noticeMs` (4 s), a short line "Reconnected, N trades
 * recovered" or "Reconnected; K symbols could not be recovered" (`role="status"`, plus part
 * `unrecovered` when symbols were lost), over the top right corner so nothing moves; recovered
 * trades move each price once, to the newest. Custom properties: `--ticker-bg`,
 * `--ticker-surface`, `--ticker-border`, `--ticker-fg`, `--ticker-muted`, `--ticker-up`,
 * `--ticker-down`, `--ticker-font`, `--ticker-min-width`, `--ticker-gap`, `--ticker-radius`,
 * `--ticker-price-size`, `--ticker-accent` (the selected card's outline).
 *
 * @example
 * ```ts
 * import { createTickerClient } from '@market-stream/client';
 * import { defineTickerElements, type TickerGridElement } from '@market-stream/client/elements';
 *
 * defineTickerElements();
 * const grid = document.createElement('ticker-grid') as TickerGridElement;
 * grid.symbols = ['AAPL', 'MSFT', 'NVDA'];
 * grid.setAttribute('sparkline', '5');
 * grid.client = createTickerClient({ url: 'ws://localhost:3000/ws' });
 * grid.addEventListener('ticker-select', (event) => {
 *   console.log('selected', (event as CustomEvent<{ symbol: string }>).detail.symbol);
 * });
 * grid.setBadge('AAPL', '▲ 200');
 * document.body.append(grid);
 * ```
 */
export interface TickerGridElement extends TickerElement {
  /**
   * The selected card's symbol, or `null`. Reflects the `selected` attribute; a click, Enter or
   * Space on a card sets it (after a `ticker-select` event that was not cancelled).
   */
  selectedSymbol: string | null;
  /**
   * Shows a short `text` in the card of `symbol` (`::part(badge)`), or removes it with `null`.
   * Kept for a card that does not exist yet.
   */
  setBadge(symbol: string, text: string | null): void;
  /**
   * Puts `points` (event time in epoch ms and price, e.g. closes from `/api/bars`) before the
   * live points of `symbol`'s sparkline; points at or after the first live one are ignored.
   * Does nothing without the `sparkline` attribute.
   */
  seedSparkline(symbol: string, points: readonly { time: number; price: number }[]): void;
}

/**
 * `<ticker-tape>`: a Times-Square-style tape scrolling symbols, prices and % changes from right
 * to left with a CSS transform animation (paused on hover, static with reduced motion).
 * The attributes, properties and custom properties of {@link TickerElement} and {@link TickerGridElement}
 * except sparklines and selection, plus `speed`
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
export interface TickerTapeElement extends TickerElement {}
