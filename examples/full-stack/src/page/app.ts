// The ticker page's script (bundled for the browser by bundlePage.ts), the same on the local
// server (inline config) and on the deployed site (config.json, see buildSite.ts).
import { createTickerClient } from '@market-stream/client';
import { appSyncEventsWebSocket } from '@market-stream/client/appsync';
import { defineTickerElements, type TickerGridElement } from '@market-stream/client/elements';
import { loadPageConfig } from './pageConfig.js';
import { seedSparklines } from './seedSparklines.js';
import { startChartPanel } from './startChartPanel.js';
import { startLivePanel } from './startLivePanel.js';
import { startPageAlerts } from './startPageAlerts.js';

const config = await loadPageConfig().catch((error: unknown) => {
  // Say why on the page rather than leave a grid that never moves.
  const status = document.getElementById('status');
  if (status) {
    status.textContent = `cannot start: ${(error as Error).message}`;
    status.dataset.status = 'closed';
  }
  throw error;
});
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
        ...(config.historyUrl && { historyUrl: `${config.historyUrl}/trades` }),
      }),
    })
  : createTickerClient({ url: config.webSocketUrl, symbols });
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
if (grid) {
  startChartPanel(client, grid, symbols, config.historyUrl);
  if (config.historyUrl) void seedSparklines(grid, symbols, config.historyUrl);
}

const statusText = document.getElementById('status');
client.status$.subscribe((status) => {
  if (statusText) {
    statusText.textContent = status;
    statusText.dataset.status = status;
  }
});
startLivePanel();
