import { DEFAULT_CHART } from '../defaults.js';
import { elementRegistry } from '../internal/elementRegistry.js';
import { createTickerChart } from './createTickerChart.js';

/**
 * Options of {@link defineTickerChart}.
 *
 * @example
 * ```ts
 * import type { DefineTickerChartOptions } from '@market-stream/client/chart';
 *
 * const options: DefineTickerChartOptions = { tag: 'stock-chart' };
 * ```
 */
export interface DefineTickerChartOptions {
  /**
   * Tag name of the chart element.
   * @default 'ticker-chart' (`DEFAULT_CHART.tag`)
   */
  tag?: string;
  /**
   * The registry to define it in.
   * @default globalThis.customElements
   */
  registry?: CustomElementRegistry;
}

/**
 * Registers `<ticker-chart>`. Nothing is registered on import (safe to import in Node); call
 * this once in the browser. Calling it again is harmless: a tag already defined is left alone.
 *
 * @param options - Tag name and registry, see {@link DefineTickerChartOptions}.
 * @throws `MarketStreamError` (`ELEMENTS_UNAVAILABLE`) when there is no custom element registry.
 *
 * @example
 * ```ts
 * import { createTickerClient } from '@market-stream/client';
 * import { defineTickerChart, type TickerChartElement } from '@market-stream/client/chart';
 *
 * defineTickerChart();
 * document.body.innerHTML = '<ticker-chart symbol="AAPL" interval="1m"></ticker-chart>';
 * const chart = document.querySelector('ticker-chart') as TickerChartElement;
 * chart.client = createTickerClient({ url: 'ws://localhost:3000/ws' });
 * ```
 */
export function defineTickerChart(options: DefineTickerChartOptions = {}): void {
  const registry = elementRegistry(options.registry);
  const tag = options.tag ?? DEFAULT_CHART.tag;
  if (!registry.get(tag)) registry.define(tag, createTickerChart());
}
