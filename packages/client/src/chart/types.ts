import type { Bar, Trade } from '@market-stream/core';
import type { Subscribable } from 'rxjs';

/**
 * What `<ticker-chart>` draws live trades from: a `TickerClient` from `createTickerClient`, or
 * anything with the same `trades$` (a test harness, a replay).
 *
 * @example
 * ```ts
 * import type { ChartSource } from '@market-stream/client/chart';
 * import { Subject } from 'rxjs';
 *
 * const source: ChartSource = { trades$: new Subject<Trade>() };
 * chart.client = source;
 * ```
 */
export interface ChartSource {
  /** Trades of any symbols; the chart takes its symbol's. */
  trades$: Subscribable<Trade>;
  /** Called with the chart's symbol so the source delivers it. */
  subscribe?(symbols: readonly string[]): void;
}

/**
 * `<ticker-chart>`: one symbol's candles (or a line of closes) over a volume histogram, drawn
 * with TradingView's lightweight-charts: the history API's newest closed bars, then live, the
 * newest bar updated from the client's trades and new bars started on interval boundaries in
 * event time (see `LiveBarBuilder` for the rules on duplicate, recovered and late trades).
 *
 * Attributes (and properties): `symbol`, `interval` (`5s`, `1m`, `5m`, `15m`, `1h`, `1d`; see
 * `CHART_INTERVALS`), `history-url` / `historyUrl` (the bars route, default `/api/bars`),
 * `trades-url` / `tradesUrl` (the trades route, default `/api/trades`, asked for the trades since
 * the newest closed bar so the open bar is whole; `""` asks for none), `type` (`candles` or
 * `line`). Changing `symbol` or `interval` reloads the history. Parts: `chart` (the drawing),
 * `legend` (with `symbol`, `interval`, `close`; `data-trend="up|down"`), `error` (shown when the
 * history could not be loaded; live bars are still drawn). Custom properties: those of the other
 * elements (`--ticker-bg`, `--ticker-fg`, `--ticker-border`, `--ticker-muted`, `--ticker-up`,
 * `--ticker-down`, `--ticker-font`, `--ticker-radius`), read when the chart is attached, and
 * `--ticker-chart-height` (360px). Under `prefers-reduced-motion: reduce` scrolling has no
 * momentum. Dispatches `error` (an `ErrorEvent` carrying a `ChartHistoryError`) when the
 * history fails.
 *
 * @example
 * ```ts
 * import { createTickerClient } from '@market-stream/client';
 * import { defineTickerChart, type TickerChartElement } from '@market-stream/client/chart';
 *
 * defineTickerChart();
 * const chart = document.createElement('ticker-chart') as TickerChartElement;
 * chart.symbol = 'AAPL';
 * chart.interval = '5m';
 * chart.client = createTickerClient({ url: 'ws://localhost:3000/ws' });
 * document.body.append(chart);
 * ```
 */
export interface TickerChartElement extends HTMLElement {
  /** The live trades' source. */
  client: ChartSource | undefined;
  /** The ticker drawn, upper case. */
  symbol: string;
  /** The bar interval's name. */
  interval: string;
  /** The history API's bars route. */
  historyUrl: string;
  /** The history API's trades route (`""`: none asked for). */
  tradesUrl: string;
  /** How the price is drawn. */
  type: 'candles' | 'line';
  /** The bars drawn, oldest first (the last may be open): a read-only copy. */
  readonly bars: readonly Bar[];
  /** Live trades not drawn: `duplicates` (seq already counted) and `late` (older interval). */
  readonly dropped: { duplicates: number; late: number };
  /** Whether the history of the current symbol and interval is loaded (or failed). */
  readonly ready: boolean;
}
