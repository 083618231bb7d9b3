import {
  type AppSyncEventsServerMessage,
  readAuthSubprotocol,
  type ServerMessage,
  type Trade,
} from '@market-stream/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import {
  type AppSyncEventsOptions,
  appSyncEventsWebSocket,
  InvalidAppSyncOptionsError,
} from '../../src/appsync.js';
import { createTickerClient, type RecoveryReport, type WebSocketLike } from '../../src/index.js';

const REALTIME = 'wss://abc123.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';

/** A WebSocket that records what the adapter sends and lets a test play AppSync. */
class FakeAppSync implements WebSocketLike {
  static last: FakeAppSync | undefined;
  readyState = 0;
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];
  closedWith: number | undefined;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeAppSync.last = this;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number): void {
    this.closedWith = code ?? 1005;
  }
  open(): void {
    this.readyState = 1;
    (this.onopen as (() => void) | null)?.();
  }
  reply(message: AppSyncEventsServerMessage | Record<string, unknown>): void {
    (this.onmessage as ((event: { data: string }) => void) | null)?.({
      data: JSON.stringify(message),
    });
  }
  /** Subscribe messages sent, by channel. */
  subscriptions(): Map<string, string> {
    return new Map(
      this.sent
        .filter((m) => m.type === 'subscribe')
        .map((m) => [m.channel as string, m.id as string]),
    );
  }
}

/** A history API over a trade list, answering as `GET /api/trades` does (newest first). */
function historyOf(trades: readonly Trade[], status = 200) {
  const requests: string[] = [];
  const fetch = async (input: string | URL | Request) => {
    const url = new URL(String(input));
    requests.push(`${url.searchParams.get('symbol')}:${url.searchParams.get('limit')}`);
    const symbol = url.searchParams.get('symbol');
    const limit = Number(url.searchParams.get('limit'));
    const newest = trades
      .filter((trade) => trade.symbol === symbol)
      .slice(-limit)
      .reverse();
    return new Response(JSON.stringify(newest), { status });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const range = (symbol: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => tradeFactory({ symbol, seq: from + i }));

/** Opens one adapter socket up to `connection_ack`, collecting what the client would receive. */
function connect(options: Partial<AppSyncEventsOptions> = {}) {
  const Adapter = appSyncEventsWebSocket({
    apiKey: 'da2-key',
    WebSocket: FakeAppSync,
    historyUrl: 'http://127.0.0.1:1/api/trades',
    ...options,
  });
  const socket = new Adapter(REALTIME);
  const appsync = FakeAppSync.last as FakeAppSync;
  const received: ServerMessage[] = [];
  const events: string[] = [];
  socket.onmessage = (event: { data: string }) => received.push(JSON.parse(event.data));
  socket.onopen = () => events.push('open');
  socket.onclose = (event: { code: number }) => events.push(`close ${event.code}`);
  appsync.open();
  appsync.reply({ type: 'connection_ack', connectionTimeoutMs: 300_000 });
  return { socket, appsync, received, events };
}

/** Waits for the adapter's asynchronous answers (history reads) to be delivered. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('appSyncEventsWebSocket()', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens with the AppSync subprotocols and reports open only on connection_ack', () => {
    const Adapter = appSyncEventsWebSocket({ apiKey: 'da2-key', WebSocket: FakeAppSync });
    const socket = new Adapter(REALTIME);
    const appsync = FakeAppSync.last as FakeAppSync;
    const opened = vi.fn();
    socket.onopen = opened;

    appsync.open();

    expect(appsync.url).toBe(REALTIME);
    expect(appsync.protocols[0]).toBe('aws-appsync-event-ws');
    expect(readAuthSubprotocol(appsync.protocols[1] as string)).toEqual({
      host: 'abc123.appsync-api.us-east-1.amazonaws.com',
      'x-api-key': 'da2-key',
    });
    expect(appsync.sent).toEqual([{ type: 'connection_init' }]);
    expect(opened).not.toHaveBeenCalled();
    expect(socket.readyState).toBe(0);
    appsync.reply({ type: 'connection_ack', connectionTimeoutMs: 300_000 });
    expect(opened).toHaveBeenCalledOnce();
    expect(socket.readyState).toBe(1);
  });

  it('sends a token as Authorization, read again on every connection', () => {
    let token = 'first';
    const Adapter = appSyncEventsWebSocket({
      authToken: () => token,
      host: 'api.example.com',
      WebSocket: FakeAppSync,
    });
    new Adapter(REALTIME);
    const first = readAuthSubprotocol((FakeAppSync.last as FakeAppSync).protocols[1] as string);
    token = 'refreshed';
    new Adapter(REALTIME);
    const second = readAuthSubprotocol((FakeAppSync.last as FakeAppSync).protocols[1] as string);

    expect(first).toEqual({ host: 'api.example.com', Authorization: 'first' });
    expect(second).toEqual({ host: 'api.example.com', Authorization: 'refreshed' });
  });

  it('refuses options without exactly one of apiKey and authToken', () => {
    expect(() => appSyncEventsWebSocket({ WebSocket: FakeAppSync })).toThrow(
      InvalidAppSyncOptionsError,
    );
    expect(() =>
      appSyncEventsWebSocket({ apiKey: 'k', authToken: 't', WebSocket: FakeAppSync }),
    ).toThrow(InvalidAppSyncOptionsError);
  });

  it('subscribes one channel per symbol, then answers subscribed and the snapshot from history', async () => {
    const history = historyOf([...range('AAPL', 1, 3), ...range('MSFT', 1, 7)]);
    const { socket, appsync, received } = connect({ fetch: history.fetch });

    socket.send('{"action":"subscribe","symbols":["AAPL","MSFT"]}');
    const ids = appsync.subscriptions();
    expect([...ids.keys()]).toEqual(['/trades/AAPL', '/trades/MSFT']);
    expect(appsync.sent[1]).toMatchObject({
      type: 'subscribe',
      authorization: { host: 'abc123.appsync-api.us-east-1.amazonaws.com', 'x-api-key': 'da2-key' },
    });
    expect(new Set(ids.values()).size).toBe(2);
    for (const id of ids.values()) appsync.reply({ type: 'subscribe_success', id });

    await until(() => received.length === 2);
    expect(received[0]).toEqual({ type: 'subscribed', symbols: ['AAPL', 'MSFT'] });
    expect(received[1]).toEqual({
      type: 'snapshot',
      trades: [tradeFactory({ symbol: 'AAPL', seq: 3 }), tradeFactory({ symbol: 'MSFT', seq: 7 })],
    });
    expect(history.requests.sort()).toEqual(['AAPL:1', 'MSFT:1']);
  });

  it('turns data events into trades messages of the channel symbol, and reports a bad event', async () => {
    const { socket, appsync, received } = connect({ historyUrl: undefined });
    socket.send('{"action":"subscribe","symbols":["AAPL"]}');
    const id = appsync.subscriptions().get('/trades/AAPL') as string;
    appsync.reply({ type: 'subscribe_success', id });
    await until(() => received.length === 1);

    const trades = [tradeFactory({ seq: 4 }), tradeFactory({ symbol: 'TSLA', seq: 9 })];
    appsync.reply({ type: 'data', id, event: JSON.stringify({ type: 'trades', trades }) });
    appsync.reply({ type: 'data', id, event: 'not json' });
    appsync.reply({
      type: 'data',
      id: 'unknown',
      event: JSON.stringify({ type: 'trades', trades }),
    });

    expect(received.slice(1)).toEqual([
      { type: 'trades', trades: [tradeFactory({ seq: 4 })] },
      {
        type: 'error',
        code: 'BAD_JSON',
        message: 'an event on /trades/AAPL is not a trades message; dropped',
      },
    ]);
  });

  it('answers ping with pong and unsubscribes by subscription id', async () => {
    const { socket, appsync, received } = connect({ historyUrl: undefined });
    socket.send('{"action":"subscribe","symbols":["AAPL","MSFT"]}');
    const ids = appsync.subscriptions();
    for (const id of ids.values()) appsync.reply({ type: 'subscribe_success', id });
    await until(() => received.length === 1);

    socket.send('{"action":"ping"}');
    socket.send('{"action":"unsubscribe","symbols":["MSFT"]}');
    await until(() => received.length === 3);

    expect(received.slice(1)).toEqual([
      { type: 'pong' },
      { type: 'subscribed', symbols: ['AAPL'] },
    ]);
    expect(appsync.sent.at(-1)).toEqual({ type: 'unsubscribe', id: ids.get('/trades/MSFT') });
    appsync.reply({
      type: 'data',
      id: ids.get('/trades/MSFT') as string,
      event: JSON.stringify({ type: 'trades', trades: [tradeFactory({ symbol: 'MSFT' })] }),
    });
    expect(received).toHaveLength(3);
  });

  it('answers a bad message and a subscribe past maxSymbols with contract errors', async () => {
    const { socket, appsync, received } = connect({ maxSymbols: 2 });

    socket.send('{"action":"dance"}');
    socket.send('{"action":"subscribe","symbols":["A","B"]}');
    socket.send('{"action":"subscribe","symbols":["C"]}');
    await until(() => received.length === 2);

    expect(received.map((message) => message.type === 'error' && message.code)).toEqual([
      'UNKNOWN_ACTION',
      'TOO_MANY_SYMBOLS',
    ]);
    expect([...appsync.subscriptions().keys()]).toEqual(['/trades/A', '/trades/B']);
  });

  it('reports a refused subscription, leaves it out of subscribed and answers its since UNAVAILABLE', async () => {
    const { socket, appsync, received } = connect({ fetch: historyOf(range('AAPL', 1, 5)).fetch });
    socket.send('{"action":"subscribe","symbols":["AAPL","SECRET"],"since":{"AAPL":5,"SECRET":3}}');
    const ids = appsync.subscriptions();

    appsync.reply({ type: 'subscribe_success', id: ids.get('/trades/AAPL') as string });
    appsync.reply({
      type: 'subscribe_error',
      id: ids.get('/trades/SECRET') as string,
      errors: [{ errorType: 'UnauthorizedException', message: 'not allowed' }],
    });
    await until(() => received.some((message) => message.type === 'recovery'));

    expect(received).toEqual([
      {
        type: 'error',
        code: 'UNAUTHORIZED',
        message: 'AppSync refused /trades/SECRET (UnauthorizedException: not allowed)',
      },
      { type: 'subscribed', symbols: ['AAPL'] },
      {
        type: 'recovery',
        recovered: { AAPL: 0 },
        unrecovered: [{ symbol: 'SECRET', reason: 'UNAVAILABLE' }],
      },
    ]);
  });

  it('recovers a since from the history: every trade after it, or why not', async () => {
    const stored = [
      ...range('OK', 1, 30), // since 20: 21…30 recovered
      ...range('OLD', 50, 60), // since 20: the history starts at 50, EXPIRED
      ...range('MANY', 1, 3_000), // since 20 with 2,500 per symbol: TOO_MANY
      ...range('NEW', 1, 4), // since 20: the sequence started again, AHEAD
    ];
    const history = historyOf(stored);
    const { socket, appsync, received } = connect({
      fetch: history.fetch,
      maxRecoveredTrades: 10_000,
    });
    socket.send(
      '{"action":"subscribe","symbols":["OK","OLD","MANY","NEW","EMPTY","FRESH"],' +
        '"since":{"OK":20,"OLD":20,"MANY":20,"NEW":20,"EMPTY":20}}',
    );
    for (const id of appsync.subscriptions().values())
      appsync.reply({ type: 'subscribe_success', id });
    await until(() => received.some((message) => message.type === 'recovery'));

    const [subscribed, trades, snapshot, recovery] = received;
    expect(subscribed).toMatchObject({ type: 'subscribed' });
    expect(trades).toEqual({ type: 'trades', trades: range('OK', 21, 30) });
    expect(snapshot).toEqual({
      type: 'snapshot',
      trades: [
        tradeFactory({ symbol: 'OLD', seq: 60 }),
        tradeFactory({ symbol: 'MANY', seq: 3_000 }),
        tradeFactory({ symbol: 'NEW', seq: 4 }),
      ],
    });
    expect(recovery).toEqual({
      type: 'recovery',
      recovered: { OK: 10 },
      unrecovered: [
        { symbol: 'OLD', reason: 'EXPIRED', from: 21, to: 59 },
        { symbol: 'MANY', reason: 'TOO_MANY', from: 21, to: 2_999 },
        { symbol: 'NEW', reason: 'AHEAD' },
        { symbol: 'EMPTY', reason: 'EXPIRED' },
      ],
    });
    // FRESH has no since and no history: no snapshot entry. Each since symbol fetched its
    // share of maxRecoveredTrades (10,000 / 5), capped at recoveryLimit (1,000).
    expect(history.requests).toContain('OK:1000');
    expect(history.requests).toContain('FRESH:1');
    expect(received).toHaveLength(4);
  });

  it('answers every since UNAVAILABLE without a history API, and when it fails', async () => {
    for (const options of [{ historyUrl: undefined }, { fetch: historyOf([], 503).fetch }]) {
      const { socket, appsync, received } = connect(options);
      socket.send('{"action":"subscribe","symbols":["AAPL"],"since":{"AAPL":7}}');
      for (const id of appsync.subscriptions().values())
        appsync.reply({ type: 'subscribe_success', id });
      await until(() => received.some((message) => message.type === 'recovery'));

      expect(received.at(-1)).toEqual({
        type: 'recovery',
        recovered: {},
        unrecovered: [{ symbol: 'AAPL', reason: 'UNAVAILABLE' }],
      });
    }
  });

  it('closes when ka stops for connectionTimeoutMs, so the client reconnects', () => {
    vi.useFakeTimers();
    const { appsync, events } = connect();
    appsync.reply({ type: 'connection_ack', connectionTimeoutMs: 1_000 });

    vi.advanceTimersByTime(900);
    appsync.reply({ type: 'ka' });
    vi.advanceTimersByTime(900);
    expect(events).toEqual(['open', 'open']);
    vi.advanceTimersByTime(200);

    expect(events).toEqual(['open', 'open', 'close 4000']);
    expect(appsync.closedWith).toBe(4000);
  });

  it('closes when no connection_ack comes within ackTimeoutMs', () => {
    vi.useFakeTimers();
    const Adapter = appSyncEventsWebSocket({
      apiKey: 'k',
      WebSocket: FakeAppSync,
      ackTimeoutMs: 500,
    });
    const socket = new Adapter(REALTIME);
    const closed = vi.fn();
    socket.onclose = closed;
    (FakeAppSync.last as FakeAppSync).open();

    vi.advanceTimersByTime(499);
    expect(closed).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(closed).toHaveBeenCalledOnce();
    expect(socket.readyState).toBe(3);
  });

  it('reports connection_error as UNAUTHORIZED and closes the connection', () => {
    const Adapter = appSyncEventsWebSocket({ apiKey: 'wrong', WebSocket: FakeAppSync });
    const socket = new Adapter(REALTIME);
    const appsync = FakeAppSync.last as FakeAppSync;
    const received: ServerMessage[] = [];
    const closes: number[] = [];
    socket.onmessage = (event: { data: string }) => received.push(JSON.parse(event.data));
    socket.onclose = (event: { code: number }) => closes.push(event.code);
    appsync.open();

    appsync.reply({
      type: 'connection_error',
      errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized' }],
    });

    expect(received).toEqual([
      {
        type: 'error',
        code: 'UNAUTHORIZED',
        message:
          'AppSync refused the AppSync connection (UnauthorizedException: You are not authorized)',
      },
    ]);
    expect(closes).toEqual([4000]);
    expect(appsync.closedWith).toBe(4000);
  });

  it('drops pending answers when the connection closes during a history read', async () => {
    let release: (() => void) | undefined;
    const slow = (async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return new Response('[]');
    }) as typeof globalThis.fetch;
    const { socket, appsync, received } = connect({ fetch: slow });
    socket.send('{"action":"subscribe","symbols":["AAPL"]}');
    for (const id of appsync.subscriptions().values())
      appsync.reply({ type: 'subscribe_success', id });
    await until(() => received.length === 1 && release !== undefined);

    socket.close(1000, 'client closed');
    release?.();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(received).toEqual([{ type: 'subscribed', symbols: ['AAPL'] }]);
    expect(appsync.closedWith).toBe(1000);
  });

  it('lets createTickerClient reconnect, resubscribe with since and recover from the history', async () => {
    const stored = range('AAPL', 1, 3);
    const history = historyOf(stored);
    const client = createTickerClient({
      url: REALTIME,
      symbols: ['AAPL'],
      WebSocket: appSyncEventsWebSocket({
        apiKey: 'da2-key',
        WebSocket: FakeAppSync,
        historyUrl: 'http://127.0.0.1:1/api/trades',
        fetch: history.fetch,
      }),
      reconnect: { initialDelayMs: 1, maxDelayMs: 2 },
    });
    const seqs: number[] = [];
    const reports: RecoveryReport[] = [];
    const gaps: unknown[] = [];
    client.trades$.subscribe((trade) => seqs.push(trade.seq));
    client.recovered$.subscribe((report) => reports.push(report));
    client.gaps$.subscribe((gap) => gaps.push(gap));
    const first = FakeAppSync.last as FakeAppSync;
    first.open();
    first.reply({ type: 'connection_ack', connectionTimeoutMs: 300_000 });
    const id = first.subscriptions().get('/trades/AAPL') as string;
    first.reply({ type: 'subscribe_success', id });
    await until(() => seqs.length === 1);
    first.reply({
      type: 'data',
      id,
      event: JSON.stringify({ type: 'trades', trades: range('AAPL', 4, 5) }),
    });

    stored.push(...range('AAPL', 6, 9)); // published while the connection is down
    (first.onclose as ((event: { code: number }) => void) | null)?.({ code: 1006 });
    await until(() => FakeAppSync.last !== first);
    const second = FakeAppSync.last as FakeAppSync;
    second.open();
    second.reply({ type: 'connection_ack', connectionTimeoutMs: 300_000 });
    second.reply({
      type: 'subscribe_success',
      id: second.subscriptions().get('/trades/AAPL') as string,
    });
    await until(() => reports.length === 1);
    client.close();

    expect(seqs).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(reports).toEqual([{ total: 4, recovered: { AAPL: 4 }, unrecovered: [] }]);
    expect(gaps).toEqual([]);
  });
});
