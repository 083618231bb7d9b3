/**
 * `<ticker-chart>`: live candles (or a line) and volume of one symbol, drawn with TradingView's
 * lightweight-charts (an optional peer dependency: install `lightweight-charts` to use this
 * entry; the base entry never loads it). Register it with {@link defineTickerChart}; importing
 * this module registers nothing.
 *
 * @packageDocumentation
 * @module @market-stream/client/chart
 */

export type { DefineTickerChartOptions } from './chart/defineTickerChart.js';
export { defineTickerChart } from './chart/defineTickerChart.js';
export { ChartHistoryError } from './chart/errors.js';
export { CHART_INTERVALS } from './chart/intervals.js';
export type { BarUpdate } from './chart/LiveBarBuilder.js';
export { LiveBarBuilder } from './chart/LiveBarBuilder.js';
export type { ChartSource, TickerChartElement } from './chart/types.js';
export { DEFAULT_CHART } from './defaults.js';
