// The chart test page: a <ticker-chart> bound to one client, plus a way for a test to inject
// raw trades that bypass the client's own seq checks.
// Query: ?ws=<url>&symbol=AAPL&interval=1m&history=<bars url>&trades=<trades url>
import type { Trade } from '@market-stream/core';
import { merge, Subject } from 'rxjs';
import { defineTickerChart, type TickerChartElement } from '../../../src/chart.js';
import { createTickerClient, type RecoveryReport } from '../../../src/index.js';

defineTickerChart();
const params = new URLSearchParams(location.search);
const symbol = params.get('symbol') ?? 'AAPL';
const client = createTickerClient({
  url: params.get('ws') ?? `ws://${location.host}/ws`,
  symbols: [symbol],
  reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
});
const injected = new Subject<Trade>();
const chart = document.createElement('ticker-chart') as TickerChartElement;
chart.symbol = symbol;
chart.interval = params.get('interval') ?? '1m';
chart.historyUrl = params.get('history') ?? '/api/bars';
chart.tradesUrl = params.get('trades') ?? '/api/trades';
chart.client = { trades$: merge(client.trades$, injected), subscribe: (s) => client.subscribe(s) };
chart.style.margin = '12px';
for (const node of document.querySelectorAll('ticker-grid, ticker-tape')) node.remove();
document.querySelector('main')?.append(chart);

const reports: RecoveryReport[] = [];
const statuses: string[] = [];
client.recovered$.subscribe((report) => reports.push(report));
const badge = document.getElementById('status') as HTMLElement;
client.status$.subscribe((status) => {
  statuses.push(status);
  badge.dataset.status = status;
  badge.textContent = status;
});

Object.assign(globalThis, {
  chartPage: { chart, client, reports, statuses, inject: (trade: Trade) => injected.next(trade) },
});
