// The page the browser tests and the client benchmark load: a tape and a grid bound to one
// client. Query: ?ws=<url>&symbols=A,B,C[&sparkline=<minutes>]
import type { SeqAnomaly, Trade } from '@market-stream/core';
import { defineTickerElements, type TickerGridElement } from '../../../src/elements.js';
import { createTickerClient, type RecoveryReport } from '../../../src/index.js';

defineTickerElements();
const params = new URLSearchParams(location.search);
const symbols = (params.get('symbols') ?? '').split(',').filter(Boolean);
const client = createTickerClient({
  url: params.get('ws') ?? `ws://${location.host}/ws`,
  reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
  staleAfterMs: Number(params.get('staleAfterMs') ?? 10_000),
});
const grid = document.getElementById('grid') as TickerGridElement;
const tape = document.getElementById('tape') as TickerGridElement;
grid.symbols = symbols;
if (params.get('sparkline')) grid.setAttribute('sparkline', params.get('sparkline') ?? '');
tape.symbols = symbols;
grid.client = client;
tape.client = client;

const status = document.getElementById('status') as HTMLElement;
const statuses: string[] = [];
client.status$.subscribe((value) => {
  statuses.push(value);
  status.dataset.status = value;
  status.textContent = value;
});
// Direction of each symbol's latest change, so tests can check the flash colour against it.
const directions: Record<string, 'up' | 'down'> = {};
const previous = new Map<string, number>();
let received = 0;
const buckets: Record<string, { time: number; price: number }[]> = {};
client.trades$.subscribe((trade: Trade) => {
  received++;
  const before = previous.get(trade.symbol);
  if (before !== undefined && before !== trade.price) {
    directions[trade.symbol] = trade.price > before ? 'up' : 'down';
  }
  previous.set(trade.symbol, trade.price);
  // Each symbol's last price per second of event time: what its sparkline should draw.
  const second = trade.timestamp - (trade.timestamp % 1000);
  const own = buckets[trade.symbol] ?? [];
  buckets[trade.symbol] = own;
  const last = own.at(-1);
  if (last?.time === second) last.price = trade.price;
  else if ((last?.time ?? 0) < second) own.push({ time: second, price: trade.price });
});

// `ticker-select` events the grid dispatched, for the selection tests.
const selections: string[] = [];
document.addEventListener('ticker-select', (event) => {
  selections.push((event as CustomEvent<{ symbol: string }>).detail.symbol);
});

// What the client reported after reconnects, for the recovery tests.
const reports: RecoveryReport[] = [];
const gaps: SeqAnomaly[] = [];
client.recovered$.subscribe((report) => reports.push(report));
client.gaps$.subscribe((gap) => gaps.push(gap));

Object.assign(globalThis, {
  ticker: {
    client,
    statuses,
    directions,
    reports,
    gaps,
    buckets,
    selections,
    received: () => received,
  },
});
