import type { SeqAnomaly, Trade } from '@market-stream/core';
import {
  asyncScheduler,
  filter,
  firstValueFrom,
  type Observable,
  type SchedulerLike,
  take,
  timeout,
  toArray,
} from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import {
  ClientClosedError,
  createTickerClient,
  InvalidSymbolError,
  type TickerClient,
  TooManySymbolsError,
  WebSocketUnavailableError,
} from '../../src/index.js';
import { type ProtocolServer, startProtocolServer } from '../helpers/protocolServer.js';

const next = <T>(source: Observable<T>, predicate: (value: T) => boolean = () => true) =>
  firstValueFrom(source.pipe(filter(predicate), take(1), timeout(5_000)));

describe('createTickerClient()', () => {
  let server: ProtocolServer;
  let client: TickerClient | undefined;

  beforeEach(async () => {
    server = await startProtocolServer();
  });
  afterEach(async () => {
    client?.close();
    await server.close();
  });

  it('throws a typed error when no WebSocket implementation exists', () => {
    expect(() => createTickerClient({ url: server.url })).toThrow(WebSocketUnavailableError);
  });

  it('subscribes on open with the action-routed message API Gateway needs, token on the URL', async () => {
    client = createTickerClient({
      url: server.url,
      WebSocket,
      symbols: ['aapl', 'MSFT'],
      token: 's3cret&x',
    });

    await next(client.status$, (status) => status === 'open');
    await server.waitFor((received) => received.length >= 1);

    expect(server.received[0]).toEqual({ action: 'subscribe', symbols: ['AAPL', 'MSFT'] });
    expect(server.connectionUrls[0]).toBe('/ws?token=s3cret%26x');
  });

  it('splits large subscriptions into messages of at most 50 symbols', async () => {
    const symbols = Array.from({ length: 120 }, (_, i) => `S${i}`);
    client = createTickerClient({ url: server.url, WebSocket, symbols });

    await server.waitFor((received) => received.length >= 3);

    const sent = server.received as { symbols: string[] }[];
    expect(sent.map((message) => message.symbols.length)).toEqual([50, 50, 20]);
    expect(sent.flatMap((message) => message.symbols)).toEqual(symbols);
  });

  it('applies a snapshot, then trades in order, and keeps the newest per symbol', async () => {
    client = createTickerClient({ url: server.url, WebSocket, symbols: ['AAPL', 'TSLA'] });
    await server.waitFor((received) => received.length >= 1);
    const seen = firstValueFrom(client.trades$.pipe(take(3), toArray(), timeout(5_000)));

    server.send({
      type: 'snapshot',
      trades: [tradeFactory({ symbol: 'AAPL', seq: 7, price: 10 })],
    });
    server.send({
      type: 'trades',
      trades: [
        tradeFactory({ symbol: 'AAPL', seq: 8, price: 11 }),
        tradeFactory({ symbol: 'TSLA', seq: 1, price: 200 }),
      ],
    });

    expect((await seen).map((trade) => [trade.symbol, trade.seq])).toEqual([
      ['AAPL', 7],
      ['AAPL', 8],
      ['TSLA', 1],
    ]);
    expect(client.latest('aapl')?.price).toBe(11);
    const latest = await next(client.latest$, (map) => map.size === 2);
    expect(latest.get('TSLA')?.price).toBe(200);
  });

  it('reports gaps and drops duplicates, as detectGaps does', async () => {
    client = createTickerClient({ url: server.url, WebSocket, symbols: ['AAPL'] });
    await server.waitFor((received) => received.length >= 1);
    const anomalies = firstValueFrom(client.gaps$.pipe(take(2), toArray(), timeout(5_000)));
    const trades: Trade[] = [];
    client.trades$.subscribe((trade) => trades.push(trade));

    server.send({ type: 'snapshot', trades: [tradeFactory({ seq: 1 })] });
    server.send({
      type: 'trades',
      trades: [tradeFactory({ seq: 2 }), tradeFactory({ seq: 5 }), tradeFactory({ seq: 4 })],
    });

    const [gap, duplicate] = (await anomalies) as [SeqAnomaly, SeqAnomaly];
    expect(gap).toMatchObject({ kind: 'gap', symbol: 'AAPL', expected: 3, seq: 5, missing: 2 });
    expect(duplicate).toMatchObject({ kind: 'duplicate', expected: 6, seq: 4 });
    expect(trades.map((trade) => trade.seq)).toEqual([1, 2, 5]);
    expect(client.latest('AAPL')?.seq).toBe(5);
  });

  it('ignores trades of symbols it is not subscribed to and forgets unsubscribed ones', async () => {
    client = createTickerClient({ url: server.url, WebSocket, symbols: ['AAPL', 'TSLA'] });
    await server.waitFor((received) => received.length >= 1);
    server.send({
      type: 'trades',
      trades: [tradeFactory({ symbol: 'AAPL' }), tradeFactory({ symbol: 'TSLA' })],
    });
    await next(client.latest$, (map) => map.size === 2);

    client.unsubscribe(['TSLA']);
    server.send({ type: 'trades', trades: [tradeFactory({ symbol: 'TSLA', seq: 2 })] });
    server.send({ type: 'trades', trades: [tradeFactory({ symbol: 'NVDA', seq: 1 })] });
    server.send({ type: 'trades', trades: [tradeFactory({ symbol: 'AAPL', seq: 2 })] });
    await next(client.trades$, (trade) => trade.symbol === 'AAPL' && trade.seq === 2);

    expect(client.latest('TSLA')).toBeUndefined();
    expect(client.latest('NVDA')).toBeUndefined();
    expect(client.symbols).toEqual(['AAPL']);
    await server.waitFor((received) => received.length >= 2);
    expect(server.received[1]).toEqual({ action: 'unsubscribe', symbols: ['TSLA'] });
  });

  it('reconnects after a drop, resubscribes to everything and, without recovery, resets the gap baseline on the snapshot', async () => {
    client = createTickerClient({
      url: server.url,
      WebSocket,
      symbols: ['AAPL'],
      reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
      recover: false,
    });
    await server.waitFor((received) => received.length >= 1);
    client.subscribe(['TSLA']);
    server.send({ type: 'trades', trades: [tradeFactory({ seq: 3 })] });
    await next(client.trades$);
    const gaps: SeqAnomaly[] = [];
    client.gaps$.subscribe((gap) => gaps.push(gap));

    server.dropAll();
    await next(client.status$, (status) => status === 'reconnecting');
    await server.connections(2);
    await server.waitFor((received) => received.length >= 3);
    server.send({ type: 'snapshot', trades: [tradeFactory({ seq: 40 })] });
    server.send({ type: 'trades', trades: [tradeFactory({ seq: 41 })] });
    await next(client.trades$, (trade) => trade.seq === 41);

    expect(server.received[2]).toEqual({ action: 'subscribe', symbols: ['AAPL', 'TSLA'] });
    expect(gaps).toEqual([]);
    expect(client.latest('AAPL')?.seq).toBe(41);
  });

  it('backs off exponentially while the server is down and resets after a healthy connection', async () => {
    const delays: number[] = [];
    const recording: SchedulerLike = {
      now: () => asyncScheduler.now(),
      schedule: (work, delay, state) => {
        delays.push(delay ?? 0);
        return asyncScheduler.schedule(work as never, delay, state);
      },
    };
    const backoffs = () => delays.filter((delay) => delay !== 50);
    client = createTickerClient({
      url: server.url,
      WebSocket,
      reconnect: { initialDelayMs: 20, maxDelayMs: 80, resetAfterMs: 50 },
      pingIntervalMs: 0,
      random: () => 0.999_999, // the top of each jitter range, so delays show the ceilings
      scheduler: recording,
    });
    await next(client.status$, (status) => status === 'open');
    const port = Number(new URL(server.url).port);

    await server.close();
    await vi.waitFor(() => expect(backoffs().length).toBeGreaterThanOrEqual(4), {
      timeout: 5_000,
    });
    server = await startProtocolServer(port);
    await next(client.status$, (status) => status === 'open');
    await new Promise((resolve) => setTimeout(resolve, 150)); // healthy for > resetAfterMs
    const before = backoffs().length;
    server.dropAll();
    await vi.waitFor(() => expect(backoffs().length).toBeGreaterThan(before), { timeout: 5_000 });

    expect(backoffs().slice(0, 4)).toEqual([19, 39, 79, 79]);
    expect(backoffs()[before]).toBe(19);
  });

  it('stays closed after a drop when reconnect is false', async () => {
    client = createTickerClient({ url: server.url, WebSocket, reconnect: false });
    await next(client.status$, (status) => status === 'open');

    server.dropAll();

    await expect(next(client.status$, (status) => status === 'closed')).resolves.toBe('closed');
    expect(() => client?.subscribe(['AAPL'])).toThrow(ClientClosedError);
  });

  it('surfaces server error messages as ProtocolErrors without dropping the connection', async () => {
    client = createTickerClient({ url: server.url, WebSocket });
    await next(client.status$, (status) => status === 'open');
    const error = next(client.errors$);

    server.send({ type: 'error', code: 'RATE_LIMITED', message: 'slow down' });
    server.send({ type: 'error', code: 'RATE_LIMITED' } as never);

    await expect(error).resolves.toMatchObject({ code: 'RATE_LIMITED', message: 'slow down' });
    expect(await next(client.status$)).toBe('open');
  });

  it('ignores frames that are not protocol messages', async () => {
    client = createTickerClient({ url: server.url, WebSocket, symbols: ['AAPL'] });
    await server.waitFor((received) => received.length >= 1);

    server.send('not json' as never);
    server.send({ type: 'trades', trades: 'nope' } as never);
    server.send({ type: 'trades', trades: [tradeFactory({ seq: 1 })] });

    await expect(next(client.trades$)).resolves.toMatchObject({ symbol: 'AAPL', seq: 1 });
  });

  it('rejects bad symbols and too many symbols with typed errors, subscribing none', () => {
    client = createTickerClient({ url: server.url, WebSocket, maxSymbols: 2 });

    expect(() => client?.subscribe(['AAPL', 'no way'])).toThrow(InvalidSymbolError);
    expect(() => client?.subscribe(['AAPL', 'MSFT', 'TSLA'])).toThrow(TooManySymbolsError);
    expect(client.symbols).toEqual([]);
  });

  it('completes every stream on close', async () => {
    client = createTickerClient({ url: server.url, WebSocket });
    const statuses = firstValueFrom(client.status$.pipe(toArray(), timeout(5_000)));

    client.close();

    expect((await statuses).at(-1)).toBe('closed');
  });
});
