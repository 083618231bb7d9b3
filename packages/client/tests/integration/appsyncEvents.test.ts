import type { ProtocolError, SeqAnomaly, Trade } from '@market-stream/core';
import {
  type AppSyncEventsEmulator,
  startAppSyncEventsEmulator,
} from '@market-stream/fanout/local';
import { filter, firstValueFrom, type Observable, take, throwError, timeout } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { startTcpProxy, type TcpProxy } from '../../../../tests/helpers/tcpProxy.js';
import { appSyncEventsWebSocket } from '../../src/appsync.js';
import {
  createTickerClient,
  type TickerClient,
  type TickerClientOptions,
} from '../../src/index.js';
import { type HistoryServer, publishTrades, startHistoryServer } from '../helpers/appsyncStack.js';

/** The first value of `source` that fits, within 10 s, or an error naming what did not come. */
const next = <T>(what: string, source: Observable<T>, predicate: (value: T) => boolean) =>
  firstValueFrom(
    source.pipe(
      filter(predicate),
      take(1),
      timeout({ first: 10_000, with: () => throwError(() => new Error(`no ${what} within 10 s`)) }),
    ),
  );

const range = (symbol: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) =>
    tradeFactory({ symbol, seq: from + i, price: 100 + (from + i) / 100 }),
  );
const seqsFrom = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, i) => first + i);

describe('createTickerClient() over AppSync Events (the local emulator, a real history API)', () => {
  let emulator: AppSyncEventsEmulator;
  let history: HistoryServer;
  let proxy: TcpProxy | undefined;
  const clients: TickerClient[] = [];

  beforeEach(async () => {
    emulator = await startAppSyncEventsEmulator();
    history = await startHistoryServer();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await proxy?.close();
    proxy = undefined;
    await history.close();
    await emulator.close();
  });

  const publish = (trades: readonly Trade[]) =>
    publishTrades(emulator.httpEndpoint, emulator.apiKey, history, trades);

  function connect(options: Partial<TickerClientOptions> & { apiKey?: string; via?: TcpProxy }) {
    const { apiKey = emulator.apiKey, via, ...rest } = options;
    let url = emulator.realtimeEndpoint;
    if (via) {
      const target = new URL(url);
      target.host = `127.0.0.1:${via.port}`;
      url = target.toString();
    }
    const client = createTickerClient({
      url,
      WebSocket: appSyncEventsWebSocket({ apiKey, historyUrl: history.url, WebSocket }),
      reconnect: { initialDelayMs: 50, maxDelayMs: 250 },
      ...rest,
    });
    clients.push(client);
    return client;
  }

  it('opens, takes the snapshot from the history, then every live trade in seq order', async () => {
    await publish([...range('AAPL', 1, 5), ...range('MSFT', 1, 2)]);
    const client = connect({ symbols: ['AAPL', 'MSFT'] });
    const seqs: string[] = [];
    const gaps: SeqAnomaly[] = [];
    client.trades$.subscribe((trade) => seqs.push(`${trade.symbol}#${trade.seq}`));
    client.gaps$.subscribe((gap) => gaps.push(gap));

    await next('open', client.status$, (status) => status === 'open');
    const snapshot = await next('snapshot', client.latest$, (latest) => latest.size === 2);
    expect(snapshot.get('AAPL')?.seq).toBe(5);
    expect(snapshot.get('MSFT')?.seq).toBe(2);
    const last = Promise.all([
      next('AAPL#60', client.trades$, (t) => t.symbol === 'AAPL' && t.seq === 60),
      next('MSFT#57', client.trades$, (t) => t.symbol === 'MSFT' && t.seq === 57),
    ]);
    for (let seq = 6; seq <= 60; seq += 5) {
      await publish([...range('AAPL', seq, seq + 4), ...range('MSFT', seq - 3, seq + 1)]);
    }
    await last;

    const of = (symbol: string) =>
      seqs.filter((s) => s.startsWith(`${symbol}#`)).map((s) => Number(s.split('#')[1]));
    expect(of('AAPL')).toEqual(seqsFrom(5, 60));
    expect(of('MSFT')).toEqual(seqsFrom(2, 57));
    expect(gaps).toEqual([]);
  });

  it('subscribes and unsubscribes at runtime: only the subscribed channels arrive', async () => {
    const client = connect({ symbols: ['KEEP'] });
    await next('open', client.status$, (status) => status === 'open');
    const seen: string[] = [];
    client.trades$.subscribe((trade) => seen.push(`${trade.symbol}#${trade.seq}`));

    // ADD#1 is only in the history: it comes as ADD's snapshot, after AppSync confirmed the
    // subscription, so ADD#2 published from then on is live.
    history.store(range('ADD', 1, 1));
    const snapshot = next('ADD#1', client.trades$, (t) => t.symbol === 'ADD');
    client.subscribe(['ADD']);
    await snapshot;
    const added = next('ADD#2', client.trades$, (t) => t.symbol === 'ADD' && t.seq === 2);
    await publish(range('ADD', 2, 2));
    await added;
    client.unsubscribe(['ADD']);
    const kept = next('KEEP#1', client.trades$, (t) => t.symbol === 'KEEP');
    await publish(range('ADD', 3, 3));
    await publish(range('KEEP', 1, 1));
    await kept;

    expect(seen).toEqual(['ADD#1', 'ADD#2', 'KEEP#1']);
    expect(client.latest('ADD')).toBeUndefined();
  });

  it('reconnects after the connection drops, resubscribes and recovers every missed seq from the history', async () => {
    proxy = await startTcpProxy(Number(new URL(emulator.realtimeEndpoint).port));
    await publish([...range('AAPL', 1, 10), ...range('MSFT', 1, 10)]);
    const client = connect({ symbols: ['AAPL', 'MSFT'], via: proxy });
    const seqs = new Map<string, number[]>([
      ['AAPL', []],
      ['MSFT', []],
    ]);
    const gaps: SeqAnomaly[] = [];
    client.trades$.subscribe((trade) => seqs.get(trade.symbol)?.push(trade.seq));
    client.gaps$.subscribe((gap) => gaps.push(gap));
    await next('snapshot', client.latest$, (latest) => latest.size === 2);
    const live = Promise.all([
      next('AAPL#20', client.trades$, (t) => t.symbol === 'AAPL' && t.seq === 20),
      next('MSFT#20', client.trades$, (t) => t.symbol === 'MSFT' && t.seq === 20),
    ]);
    await publish([...range('AAPL', 11, 20), ...range('MSFT', 11, 20)]);
    await live;

    const report = next('recovery report', client.recovered$, () => true);
    const reconnecting = next('reconnecting', client.status$, (s) => s === 'reconnecting');
    proxy.cut(500);
    await reconnecting;
    // Published while the client is away: only the history has them.
    await publish([...range('AAPL', 21, 45), ...range('MSFT', 21, 30)]);
    const { total, recovered, unrecovered } = await report;
    const after = Promise.all([
      next('AAPL#50', client.trades$, (t) => t.symbol === 'AAPL' && t.seq === 50),
      next('MSFT#35', client.trades$, (t) => t.symbol === 'MSFT' && t.seq === 35),
    ]);
    await publish([...range('AAPL', 46, 50), ...range('MSFT', 31, 35)]);
    await after;

    expect(seqs.get('AAPL')).toEqual(seqsFrom(10, 50));
    expect(seqs.get('MSFT')).toEqual(seqsFrom(10, 35));
    expect(gaps).toEqual([]);
    expect(unrecovered).toEqual([]);
    expect(recovered).toEqual({ AAPL: 25, MSFT: 10 });
    expect(total).toBe(35);
    expect(proxy.accepted).toBeGreaterThanOrEqual(2);
  });

  it('reports a wrong API key on errors$ and never opens, without crashing', async () => {
    const client = connect({ symbols: ['AAPL'], apiKey: 'da2-wrong' });
    const statuses: string[] = [];
    const errors: ProtocolError[] = [];
    client.status$.subscribe((status) => statuses.push(status));
    client.errors$.subscribe((error) => errors.push(error));

    const refused = await next('error', client.errors$, () => true);
    await next('reconnecting', client.status$, (status) => status === 'reconnecting');

    expect(refused.code).toBe('UNAUTHORIZED');
    expect(statuses).not.toContain('open');
    expect(client.latest('AAPL')).toBeUndefined();
  });
});
