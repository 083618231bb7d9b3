// The test page of the AppSync Events browser test: the grid and the tape fed by createTickerClient over
// appSyncEventsWebSocket. Query: ?realtime=<wss url>&apiKey=<key>&history=<url>&symbols=A,B,C
import type { SeqAnomaly } from '@market-stream/core';
import { appSyncEventsWebSocket } from '../../../src/appsync.js';
import { defineTickerElements, type TickerGridElement } from '../../../src/elements.js';
import { createTickerClient } from '../../../src/index.js';

defineTickerElements();
const params = new URLSearchParams(location.search);
const symbols = (params.get('symbols') ?? '').split(',').filter(Boolean);
const client = createTickerClient({
  url: params.get('realtime') ?? '',
  WebSocket: appSyncEventsWebSocket({
    apiKey: params.get('apiKey') ?? '',
    historyUrl: params.get('history') ?? undefined,
  }),
  reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
});
const grid = document.getElementById('grid') as TickerGridElement;
const tape = document.getElementById('tape') as TickerGridElement;
grid.symbols = symbols;
tape.symbols = symbols;
grid.client = client;
tape.client = client;
const status = document.getElementById('status') as HTMLElement;

const statuses: string[] = [];
const gaps: SeqAnomaly[] = [];
let received = 0;
client.status$.subscribe((value) => {
  statuses.push(value);
  status.dataset.status = value;
  status.textContent = value;
});
client.gaps$.subscribe((gap) => gaps.push(gap));
client.trades$.subscribe(() => received++);

Object.assign(globalThis, { ticker: { client, statuses, gaps, received: () => received } });
