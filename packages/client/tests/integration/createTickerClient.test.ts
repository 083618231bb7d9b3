import type { SeqAnomaly, Trade } from '@market-stream/core';
import { type FanoutServer, serveFanout } from '@market-stream/fanout';
import {
  filter,
  firstValueFrom,
  type Observable,
  ReplaySubject,
  Subject,
  take,
  timeout,
} from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { createTickerClient, type TickerClient } from '../../src/index.js';

const next = <T>(source: Observable<T>, predicate: (value: T) => boolean = () => true) =>
  firstValueFrom(source.pipe(filter(predicate), take(1), timeout(10_000)));

describe('createTickerClient() against serveFanout', () => {
  let source: Subject<Trade>;
  let server: FanoutServer;
  const clients: TickerClient[] = [];
  const connect = (options: Partial<Parameters<typeof createTickerClient>[0]> = {}) => {
    const client = createTickerClient({
      url: server.url,
      WebSocket,
      reconnect: { initialDelayMs: 50, maxDelayMs: 250 },
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    source = new Subject<Trade>();
    server = await serveFanout({ port: 0, source, mode: 'all', flushIntervalMs: 10 });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await server.close();
  });

  it('applies the snapshot on subscribe, then every trade in order', async () => {
    source.next(tradeFactory({ symbol: 'SNAP', seq: 1, price: 10 }));
    source.next(tradeFactory({ symbol: 'SNAP', seq: 2, price: 11 }));
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the engine take them in
    const client = connect({ symbols: ['SNAP'] });

    const snapshot = await next(client.trades$);
    expect(snapshot).toMatchObject({ symbol: 'SNAP', seq: 2, price: 11 });
    const gaps: SeqAnomaly[] = [];
    client.gaps$.subscribe((gap) => gaps.push(gap));
    const seqs: number[] = [];
    client.trades$.subscribe((trade) => seqs.push(trade.seq));
    const last = next(client.trades$, (trade) => trade.seq === 40);
    for (let seq = 3; seq <= 40; seq++) source.next(tradeFactory({ symbol: 'SNAP', seq }));

    await last;
    expect(seqs).toEqual(Array.from({ length: 38 }, (_, i) => i + 3));
    expect(gaps).toEqual([]);
    expect(client.latest('SNAP')?.seq).toBe(40);
  });

  it('reports a seq gap in the stream as gaps$', async () => {
    const client = connect({ symbols: ['GAP'] });
    await next(client.status$, (status) => status === 'open');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const gap = next(client.gaps$);
    const last = next(client.trades$, (trade) => trade.symbol === 'GAP' && trade.seq === 6);

    for (const seq of [1, 2, 5, 6]) source.next(tradeFactory({ symbol: 'GAP', seq }));

    await expect(gap).resolves.toMatchObject({
      kind: 'gap',
      symbol: 'GAP',
      expected: 3,
      seq: 5,
      missing: 2,
    });
    await last;
    expect(client.latest('GAP')?.seq).toBe(6);
  });

  it('subscribes and unsubscribes at runtime', async () => {
    const client = connect({ symbols: ['KEEP'] });
    await next(client.status$, (status) => status === 'open');

    client.subscribe(['ADD']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const added = next(client.trades$, (trade) => trade.symbol === 'ADD');
    source.next(tradeFactory({ symbol: 'ADD', seq: 1, price: 42 }));
    await added;
    client.unsubscribe(['ADD']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seen: string[] = [];
    client.trades$.subscribe((trade) => seen.push(`${trade.symbol}#${trade.seq}`));
    const kept = next(client.trades$, (trade) => trade.symbol === 'KEEP');
    source.next(tradeFactory({ symbol: 'ADD', seq: 2, price: 43 }));
    source.next(tradeFactory({ symbol: 'KEEP', seq: 1 }));
    await kept;

    expect(seen).toEqual(['KEEP#1']);
    expect(client.latest('ADD')).toBeUndefined();
  });

  it('marks a silent symbol stale and clears the mark on its next trade', async () => {
    const client = connect({ symbols: ['QUIET', 'BUSY'], staleAfterMs: 200 });

    const stale = await next(client.stale$, (set) => set.has('QUIET'));
    expect(stale.has('QUIET')).toBe(true);
    source.next(tradeFactory({ symbol: 'QUIET', seq: 1 }));
    await expect(next(client.stale$, (set) => !set.has('QUIET'))).resolves.toBeDefined();
    expect(client.latest('QUIET')?.seq).toBe(1);
  });

  it('reconnects after a server restart on the same port, resubscribes and applies the new snapshot', async () => {
    const client = connect({ symbols: ['RST'] });
    await next(client.status$, (status) => status === 'open');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fifth = next(client.trades$, (trade) => trade.symbol === 'RST' && trade.seq === 5);
    for (let seq = 1; seq <= 5; seq++)
      source.next(tradeFactory({ symbol: 'RST', seq, price: 100 }));
    await fifth;
    const anomalies: SeqAnomaly[] = [];
    client.gaps$.subscribe((anomaly) => anomalies.push(anomaly));
    const statuses: string[] = [];
    client.status$.subscribe((status) => statuses.push(status));

    const { port } = server;
    await server.close();
    await next(client.status$, (status) => status === 'reconnecting');
    // The restarted source starts its sequence over (seq 3 < 5); the engine knows that trade
    // before it listens, so the client can only learn it from the snapshot.
    source = new Subject<Trade>();
    const restarted = new ReplaySubject<Trade>();
    restarted.next(tradeFactory({ symbol: 'RST', seq: 3, price: 90 }));
    source.subscribe(restarted);
    server = await serveFanout({ port, source: restarted, mode: 'all', flushIntervalMs: 10 });
    const snapshot = await next(client.trades$, (trade) => trade.symbol === 'RST');
    const live = next(client.trades$, (trade) => trade.symbol === 'RST' && trade.seq === 4);
    source.next(tradeFactory({ symbol: 'RST', seq: 4, price: 91 }));
    await live;

    expect(snapshot).toMatchObject({ seq: 3, price: 90 });
    expect(statuses).toContain('reconnecting');
    expect(statuses.at(-1)).toBe('open');
    expect(client.symbols).toEqual(['RST']);
    expect(client.latest('RST')).toMatchObject({ seq: 4, price: 91 });
    expect(anomalies).toEqual([]);
  });
});
