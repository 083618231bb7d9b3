/** The interval buttons the page offers (all are `CHART_INTERVALS` of the chart entry). */
export const PAGE_INTERVALS = ['1m', '5m', '15m', '1h'] as const;

/** What the URL selects: a ticker (or none) and the chart's interval. */
export interface ChartView {
  symbol: string | null;
  interval: string;
}

/**
 * Reads `?symbol=AAPL&interval=1m` from a URL's search: a symbol the page does not show, or an
 * interval it does not offer, falls back to none and `1m`, so a stale or edited link still opens.
 */
export function readView(search: string, symbols: readonly string[]): ChartView {
  const params = new URLSearchParams(search);
  const symbol = params.get('symbol')?.toUpperCase() ?? null;
  const interval = params.get('interval') ?? '';
  return {
    symbol: symbol && symbols.includes(symbol) ? symbol : null,
    interval: (PAGE_INTERVALS as readonly string[]).includes(interval)
      ? interval
      : PAGE_INTERVALS[0],
  };
}

/** The page URL showing `view`, keeping the other parameters (e.g. `symbols`). */
export function viewUrl(href: string, view: ChartView): string {
  const url = new URL(href);
  if (view.symbol) {
    url.searchParams.set('symbol', view.symbol);
    url.searchParams.set('interval', view.interval);
  } else {
    url.searchParams.delete('symbol');
    url.searchParams.delete('interval');
  }
  return `${url.pathname}${url.search}${url.hash}`;
}
