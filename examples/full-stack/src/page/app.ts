// The ticker page's script (bundled for the browser by bundlePage.ts).
import { createTickerClient } from '@market-stream/client';
import { appSyncEventsWebSocket } from '@market-stream/client/appsync';
import { defineTickerElements, type TickerGridElement } from '@market-stream/client/elements';
import { startChartPanel } from './startChartPanel.js';
import { startPageAlerts } from './startPageAlerts.js';

interface PageConfig {
  symbols: string[];
  /** The `events` topology (`--fanout events`): the local AppSync Events emulator. */
  events?: { realtimeUrl: string; host: string; apiKey: string };
}

const config = JSON.parse(document.getElementById('config')?.textContent ?? '{}') as PageConfig;
const requested = new URLSearchParams(location.search).get('symbols');
const symbols = requested
  ? requested
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean)
  : config.symbols;

defineTickerElements();
const client = config.events
  ? createTickerClient({
      url: config.events.realtimeUrl,
      symbols,
      // AppSync Events behind the same client: snapshots and recovery from the history API.
      WebSocket: appSyncEventsWebSocket({
        apiKey: config.events.apiKey,
        host: config.events.host,
        historyUrl: '/api/trades',
      }),
    })
  : createTickerClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
      symbols,
    });
for (const element of document.querySelectorAll<TickerGridElement>('ticker-grid, ticker-tape')) {
  element.symbols = symbols;
  element.client = client;
}

const grid = document.querySelector<TickerGridElement>('ticker-grid');
const alerts = startPageAlerts(client, grid, symbols);
document
  .getElementById('alerts-open')
  ?.addEventListener('click', () => alerts.open(grid?.selectedSymbol ?? undefined));
document
  .getElementById('detail-alerts')
  ?.addEventListener('click', () => alerts.open(grid?.selectedSymbol ?? undefined));
if (grid) startChartPanel(client, grid, symbols);

const statusText = document.getElementById('status');
client.status$.subscribe((status) => {
  if (statusText) {
    statusText.textContent = status;
    statusText.dataset.status = status;
  }
});

const panel = {
  tps: document.getElementById('tps'),
  clients: document.getElementById('clients'),
  p99: document.getElementById('p99'),
};
const integer = new Intl.NumberFormat('en-US');
async function refreshPanel(): Promise<void> {
  try {
    const health = (await (await fetch('/healthz', { cache: 'no-store' })).json()) as Record<
      string,
      number
    >;
    if (panel.tps) panel.tps.textContent = integer.format(health.tradesPerSecond ?? 0);
    if (panel.clients) panel.clients.textContent = integer.format(health.clients ?? 0);
    if (panel.p99)
      panel.p99.textContent = Number.isFinite(health.latencyP99Ms)
        ? integer.format(Math.round(health.latencyP99Ms ?? 0))
        : '–';
  } catch {
    // The status indicator already shows a lost connection; the panel just keeps its last values.
  }
}
void refreshPanel();
setInterval(refreshPanel, 1_000);
