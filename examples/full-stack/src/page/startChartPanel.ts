import type { TickerClient } from '@market-stream/client';
import { defineTickerChart, type TickerChartElement } from '@market-stream/client/chart';
import type { TickerGridElement } from '@market-stream/client/elements';
import { type ChartView, readView, viewUrl } from './chartView.js';

/**
 * The selected ticker's chart in the grid's `detail` slot (renderPage's `#detail`), with the
 * interval buttons. The selection lives in the URL: selecting a card pushes a history entry,
 * an interval replaces it, Back and Forward (popstate) show the entry's view again, and a link
 * with `?symbol=AAPL&interval=1m` opens that view. The chart element is created on first use and
 * reads its bars from `historyUrl` (`/api` locally and on the deployed site).
 */
export function startChartPanel(
  client: TickerClient,
  grid: TickerGridElement,
  symbols: readonly string[],
  historyUrl: string | null,
): void {
  const detail = document.getElementById('detail') as HTMLElement;
  const title = document.getElementById('detail-symbol') as HTMLElement;
  const buttons = [...detail.querySelectorAll<HTMLButtonElement>('button[data-interval]')];
  let chart: TickerChartElement | undefined;
  let view = readView(location.search, symbols);

  const show = (next: ChartView): void => {
    view = next;
    grid.selectedSymbol = next.symbol;
    if (!next.symbol) return;
    chart ??= createChart(client, detail, historyUrl);
    chart.interval = next.interval;
    chart.symbol = next.symbol;
    title.textContent = next.symbol;
    for (const button of buttons)
      button.setAttribute('aria-pressed', String(button.dataset.interval === next.interval));
  };
  const go = (next: ChartView, push: boolean): void => {
    const url = viewUrl(location.href, next);
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
    show(next);
  };

  grid.addEventListener('ticker-select', (event) => {
    const { symbol } = (event as CustomEvent<{ symbol: string }>).detail;
    if (symbol !== view.symbol) go({ ...view, symbol }, true);
  });
  for (const button of buttons) {
    button.addEventListener('click', () =>
      go({ ...view, interval: button.dataset.interval ?? view.interval }, false),
    );
  }
  document.getElementById('detail-close')?.addEventListener('click', () => {
    go({ ...view, symbol: null }, true);
  });
  addEventListener('popstate', () => show(readView(location.search, symbols)));
  show(view);
}

function createChart(
  client: TickerClient,
  detail: HTMLElement,
  historyUrl: string | null,
): TickerChartElement {
  defineTickerChart();
  const chart = document.createElement('ticker-chart') as TickerChartElement;
  if (historyUrl) {
    chart.setAttribute('history-url', `${historyUrl}/bars`);
    chart.setAttribute('trades-url', `${historyUrl}/trades`);
  }
  chart.client = client;
  detail.append(chart);
  return chart;
}
