// The page the browser tests and the client benchmark load: a tape and a grid bound to one
// client. Query: ?ws=<url>&symbols=A,B,C
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
client.trades$.subscribe((trade: Trade) => {
  received++;
  const before = previous.get(trade.symbol);
  if (before !== undefined && before !== trade.price) {
    directions[trade.symbol] = trade.price > before ? 'up' : 'down';
  }
  previous.set(trade.symbol, trade.price);
});

// What the client reported after reconnects, for the recovery tests.
const reports: RecoveryReport[] = [];
const gaps: SeqAnomaly[] = [];
client.recovered$.subscribe((report) => reports.push(report));
client.gaps$.subscribe((gap) => gaps.push(gap));

Object.assign(globalThis, {
  ticker: { client, statuses, directions, reports, gaps, received: () => received },
});
