import {
  APPSYNC_EVENTS_PROTOCOL,
  authSubprotocol,
  DEFAULT_SYMBOLS,
  encodeTradeEvents,
  parseTradeEvent,
  type Trade,
  tradesChannel,
} from '@market-stream/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import { type AppSyncEventsEmulator, startAppSyncEventsEmulator } from '../../src/local.js';
import { type AppSyncTestClient, connectAppSync, publishHttp } from './appsync.helpers.js';
import { eventually, pick, random } from './ws.helpers.js';

const tradesEvent = (trades: Trade[]) => JSON.stringify({ type: 'trades', trades });
const seqs = (events: string[]) =>
  events.flatMap((event) => parseTradeEvent(event) ?? []).map((t) => t.seq);

describe('startAppSyncEventsEmulator()', () => {
  let emulator: AppSyncEventsEmulator;
  const clients: AppSyncTestClient[] = [];
  const connect = async (options?: Parameters<typeof connectAppSync>[1]) => {
    const client = await connectAppSync(emulator, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    emulator = await startAppSyncEventsEmulator({ keepAliveIntervalMs: 50 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('serves both endpoints on one loopback port and generates an API key', () => {
    expect(emulator.httpEndpoint).toBe(`http://127.0.0.1:${emulator.port}/event`);
    expect(emulator.realtimeEndpoint).toBe(`ws://127.0.0.1:${emulator.port}/event/realtime`);
    expect(emulator.apiKey).toMatch(/^da2-[a-z0-9]{26}$/);
  });

  it('acknowledges connection_init with connectionTimeoutMs, then sends ka', async () => {
    const client = await connect();

    expect(client.messages[0]).toEqual({ type: 'connection_ack', connectionTimeoutMs: 300_000 });
    await client.next((message) => message.type === 'ka', 2_000, 'ka');
  });

  it('delivers an HTTP publish to exact and wildcard subscribers, event strings unchanged, in order', async () => {
    const exact = await connect();
    const wildcard = await connect();
    const other = await connect();
    const { id: exactId, answer } = await exact.subscribe('/trades/AAPL');
    const { id: wildcardId } = await wildcard.subscribe('/trades/*');
    const { id: otherId } = await other.subscribe('/trades/TSLA');
    expect(answer).toEqual({ type: 'subscribe_success', id: exactId });
    const events = [1, 2, 3].map((seq) => tradesEvent([tradeFactory({ seq })]));

    const { status, body } = await publishHttp(emulator, { channel: '/trades/AAPL', events });

    expect(status).toBe(200);
    expect(body.failed).toEqual([]);
    expect(body.successful?.map((event) => event.index)).toEqual([0, 1, 2]);
    await eventually(
      () => exact.events(exactId).length === 3 && wildcard.events(wildcardId).length === 3,
    );
    expect(exact.events(exactId)).toEqual(events);
    expect(wildcard.events(wildcardId)).toEqual(events);
    expect(other.events(otherId)).toEqual([]);
  });

  it('accepts a channel without its leading slash, as the HTTP publish example writes it', async () => {
    const client = await connect();
    const { id } = await client.subscribe('/trades/MSFT');

    const { status } = await publishHttp(emulator, { channel: 'trades/MSFT', events: ['{"n":1}'] });

    expect(status).toBe(200);
    await client.next((message) => message.type === 'data' && message.id === id);
  });

  it('publishes over the WebSocket: publish_success by index, data to subscribers', async () => {
    const publisher = await connect();
    const subscriber = await connect();
    const { id } = await subscriber.subscribe('/trades/NVDA');

    publisher.send({
      type: 'publish',
      id: 'p1',
      channel: '/trades/NVDA',
      events: ['{"a":1}', 'not json'],
      authorization: publisher.authorization,
    });

    const answer = await publisher.next((message) => message.type === 'publish_success');
    expect(answer).toMatchObject({
      id: 'p1',
      successful: [{ index: 0 }],
      failed: [{ index: 1, errorCode: 400 }],
    });
    await eventually(() => subscriber.events(id).length === 1);
    expect(subscriber.events(id)).toEqual(['{"a":1}']);
  });

  it('stops delivering after unsubscribe; an unknown id is an unsubscribe_error', async () => {
    const client = await connect();
    const { id } = await client.subscribe('/trades/AMD');
    await publishHttp(emulator, { channel: '/trades/AMD', events: ['1'] });
    await eventually(() => client.events(id).length === 1);

    client.send({ type: 'unsubscribe', id });
    client.send({ type: 'unsubscribe', id: 'nope' });
    await client.next((message) => message.type === 'unsubscribe_success' && message.id === id);
    await client.next((message) => message.type === 'unsubscribe_error' && message.id === 'nope');
    await publishHttp(emulator, { channel: '/trades/AMD', events: ['2'] });
    const { id: marker } = await client.subscribe('/trades/AMD');
    await publishHttp(emulator, { channel: '/trades/AMD', events: ['3'] });

    await eventually(() => client.events(marker).length === 1);
    expect(client.events(id)).toEqual(['1']);
  });

  describe('auth', () => {
    it('refuses an HTTP publish with a wrong or missing key: 401 UnauthorizedException, nothing delivered', async () => {
      const client = await connect();
      const { id } = await client.subscribe('/trades/META');

      const wrong = await publishHttp(
        emulator,
        { channel: '/trades/META', events: ['1'] },
        'da2-wrong',
      );
      const missing = await fetch(emulator.httpEndpoint, { method: 'POST', body: '{}' });
      await publishHttp(emulator, { channel: '/trades/META', events: ['2'] });

      expect(wrong.status).toBe(401);
      expect(wrong.body.errors?.[0]?.errorType).toBe('UnauthorizedException');
      expect(missing.status).toBe(401);
      await eventually(() => client.events(id).length === 1);
      expect(client.events(id)).toEqual(['2']);
    });

    it('refuses a connection whose header- subprotocol carries a wrong key: connection_error, then close', async () => {
      const client = await connect({ apiKey: 'da2-wrong', init: false });

      const error = await client.next((message) => message.type === 'connection_error');
      const { code } = await client.closed();

      expect(error).toMatchObject({ errors: [{ errorType: 'UnauthorizedException' }] });
      expect(code).toBe(1008);
    });

    it('refuses a subscribe or a WebSocket publish whose authorization has a wrong key', async () => {
      const client = await connect();

      const { answer } = await client.subscribe('/trades/AAPL', { 'x-api-key': 'da2-wrong' });
      client.send({
        type: 'publish',
        id: 'p',
        channel: '/trades/AAPL',
        events: ['1'],
        authorization: {},
      });

      expect(answer).toMatchObject({
        type: 'subscribe_error',
        errors: [{ errorType: 'UnauthorizedException' }],
      });
      await client.next((message) => message.type === 'publish_error' && message.id === 'p');
    });

    it('accepts tokens given as valid Authorization values', async () => {
      const withTokens = await startAppSyncEventsEmulator({ tokens: ['Bearer t0k'] });
      try {
        const response = await fetch(withTokens.httpEndpoint, {
          method: 'POST',
          headers: { authorization: 'Bearer t0k' },
          body: JSON.stringify({ channel: '/trades/AAPL', events: ['1'] }),
        });
        expect(response.status).toBe(200);
      } finally {
        await withTokens.close();
      }
    });
  });

  describe('limits', () => {
    it('refuses a publish of 6 events as a whole: 400 BadRequestException, nothing delivered', async () => {
      const client = await connect();
      const { id } = await client.subscribe('/trades/AMZN');

      const six = await publishHttp(emulator, {
        channel: '/trades/AMZN',
        events: ['1', '2', '3', '4', '5', '6'],
      });
      await publishHttp(emulator, { channel: '/trades/AMZN', events: ['7'] });

      expect(six.status).toBe(400);
      expect(six.body.errors?.[0]?.errorType).toBe('BadRequestException');
      await eventually(() => client.events(id).length === 1);
      expect(client.events(id)).toEqual(['7']);
    });

    it('refuses an event over 240 KB in failed, publishing the others of the request', async () => {
      const client = await connect();
      const { id } = await client.subscribe('/trades/GOOGL');
      const big = JSON.stringify({ pad: 'é'.repeat(APPSYNC_EVENTS_PROTOCOL.maxEventBytes / 2) });

      const { status, body } = await publishHttp(emulator, {
        channel: '/trades/GOOGL',
        events: ['"a"', big, '"b"'],
      });

      expect(status).toBe(200);
      expect(body.successful?.map((event) => event.index)).toEqual([0, 2]);
      expect(body.failed).toMatchObject([{ index: 1, errorCode: 400 }]);
      await eventually(() => client.events(id).length === 2);
      expect(client.events(id)).toEqual(['"a"', '"b"']);
    });

    it('delivers a batch over 240 KB whole once encodeTradeEvents splits it: every trade, in order', async () => {
      const client = await connect();
      const { id } = await client.subscribe('/trades/TSLA');
      const trades = tradeSequence(['TSLA'], 6_000);
      const events = encodeTradeEvents(trades);
      expect(events.length).toBeGreaterThan(1);

      for (let i = 0; i < events.length; i += 5) {
        const { body } = await publishHttp(emulator, {
          channel: '/trades/TSLA',
          events: events.slice(i, i + 5),
        });
        expect(body.failed).toEqual([]);
      }

      await eventually(() => client.events(id).length === events.length);
      expect(seqs(client.events(id))).toEqual(trades.map((trade) => trade.seq));
    });

    it('refuses a subscription past maxSubscriptionsPerConnection with LimitExceededException', async () => {
      const small = await startAppSyncEventsEmulator({ maxSubscriptionsPerConnection: 2 });
      try {
        const client = await connectAppSync(small);
        clients.push(client);
        await client.subscribe('/trades/A');
        await client.subscribe('/trades/B');

        const { answer } = await client.subscribe('/trades/C');

        expect(answer).toMatchObject({
          type: 'subscribe_error',
          errors: [{ errorType: 'LimitExceededException' }],
        });
        expect(small.stats().subscriptions).toBe(2);
      } finally {
        await Promise.all(clients.splice(0).map((client) => client.close()));
        await small.close();
      }
    });

    it('refuses an upgrade past maxConnections with 429', async () => {
      const small = await startAppSyncEventsEmulator({ maxConnections: 1 });
      try {
        clients.push(await connectAppSync(small));

        const status = await new Promise<number>((resolve, reject) => {
          const socket = new WebSocket(small.realtimeEndpoint, [
            APPSYNC_EVENTS_PROTOCOL.subprotocol,
            authSubprotocol({ 'x-api-key': small.apiKey }),
          ]);
          socket.on('unexpected-response', (_request, response) =>
            resolve(response.statusCode ?? 0),
          );
          socket.on('open', () => reject(new Error('upgrade accepted past maxConnections')));
          socket.on('error', () => undefined);
        });

        expect(status).toBe(429);
        expect(small.stats().errorsByType.ConnectionLimit).toBe(1);
      } finally {
        await Promise.all(clients.splice(0).map((client) => client.close()));
        await small.close();
      }
    });

    it('terminates a client that stops reading once its unsent bytes pass maxBufferedBytes; others keep receiving', async () => {
      const small = await startAppSyncEventsEmulator({ maxBufferedBytes: 64 * 1024 });
      try {
        const stalled = await connectAppSync(small);
        const reader = await connectAppSync(small);
        clients.push(stalled, reader);
        await stalled.subscribe('/trades/AAPL');
        const { id } = await reader.subscribe('/trades/AAPL');
        // biome-ignore lint/suspicious/noExplicitAny: the ws client's TCP socket, to stop reading
        ((stalled.socket as any)._socket as import('node:net').Socket).pause();
        const event = JSON.stringify({ pad: 'x'.repeat(200 * 1024) });

        for (let i = 0; i < 200; i++) {
          await publishHttp(small, { channel: '/trades/AAPL', events: [event] });
          if (small.stats().errorsByType.SlowConsumer) break;
        }

        expect(small.stats().errorsByType.SlowConsumer).toBe(1);
        await eventually(() => small.stats().connections === 1, 5_000, 'the stalled client to go');
        const sent = small.stats().eventsIn;
        await eventually(
          () => reader.events(id).length === sent,
          10_000,
          'the reader to get every event',
        );
        // the stalled client never reads the server's close; drop it rather than wait for ws's 30 s
        stalled.socket.terminate();
      } finally {
        await Promise.all(clients.splice(0).map((client) => client.close()));
        await small.close();
      }
    });
  });

  describe('bad input', () => {
    it('answers bad JSON, an unknown type and an unknown namespace to that client only; others keep receiving', async () => {
      const bad = await connect();
      const good = await connect();
      const { id } = await good.subscribe('/trades/AAPL');
      const before = emulator.stats().errorsByType;

      bad.send('{not json');
      bad.send({ type: 'dance', id: 'd1' });
      bad.send({ id: 'x' });
      const { answer } = await bad.subscribe('/quotes/AAPL');
      const { answer: invalid } = await bad.subscribe('/trades/BRK.B');
      await publishHttp(emulator, { channel: '/trades/AAPL', events: ['"still here"'] });

      const errors = bad.messages.filter((message) => message.type === 'error');
      expect(errors).toMatchObject([
        { errors: [{ errorType: 'BadRequestException' }] },
        { id: 'd1', errors: [{ errorType: 'UnsupportedOperation' }] },
        { errors: [{ errorType: 'UnsupportedOperation' }] },
      ]);
      expect(answer).toMatchObject({
        type: 'subscribe_error',
        errors: [{ errorType: 'BadRequestException' }],
      });
      expect(invalid.type).toBe('subscribe_error');
      await eventually(() => good.events(id).length === 1);
      expect(good.messages.some((message) => message.type === 'error')).toBe(false);
      expect(bad.socket.readyState).toBe(WebSocket.OPEN);
      expect((await bad.subscribe('/trades/AAPL')).answer.type).toBe('subscribe_success');
      const after = emulator.stats().errorsByType;
      expect((after.UnsupportedOperation ?? 0) - (before.UnsupportedOperation ?? 0)).toBe(2);
    });

    it('refuses a publish to an unknown namespace or a wildcard channel with 400', async () => {
      const unknown = await publishHttp(emulator, { channel: '/quotes/AAPL', events: ['1'] });
      const wildcard = await publishHttp(emulator, { channel: '/trades/*', events: ['1'] });
      const junk = await publishHttp(emulator, '{"channel":');

      expect([unknown.status, wildcard.status, junk.status]).toEqual([400, 400, 400]);
    });
  });

  it('500 clients with random subscriptions get exactly the events of their channels, per channel in publish order, nothing lost', async () => {
    const next = random(14);
    const symbols = DEFAULT_SYMBOLS.slice(0, 20);
    const clientsWithChannels: Array<{
      client: AppSyncTestClient;
      subscriptions: Map<string, string>;
    }> = [];
    const fleet = await Promise.all(Array.from({ length: 500 }, () => connectAppSync(emulator)));
    clients.push(...fleet);
    await Promise.all(
      fleet.map(async (client, index) => {
        const channels =
          index % 10 === 0
            ? ['/trades/*']
            : pick(symbols, 1 + Math.floor(next() * 3), next).map(tradesChannel);
        const subscriptions = new Map<string, string>();
        for (const channel of channels) {
          const { id, answer } = await client.subscribe(channel);
          expect(answer.type).toBe('subscribe_success');
          subscriptions.set(id, channel);
        }
        clientsWithChannels.push({ client, subscriptions });
      }),
    );
    emulator.resetStats();
    const perSymbol = new Map(symbols.map((symbol) => [symbol, tradeSequence([symbol], 60)]));
    const eventsOf = new Map(
      symbols.map((symbol) => {
        const trades = perSymbol.get(symbol) ?? [];
        const events: string[] = [];
        for (let i = 0; i < trades.length; i += 4) events.push(tradesEvent(trades.slice(i, i + 4)));
        return [tradesChannel(symbol), events];
      }),
    );

    await Promise.all(
      [...eventsOf].map(async ([channel, events]) => {
        for (let i = 0; i < events.length; i += 5) {
          const { status } = await publishHttp(emulator, {
            channel,
            events: events.slice(i, i + 5),
          });
          expect(status).toBe(200);
        }
      }),
    );

    const expected = (channel: string) =>
      channel === '/trades/*' ? [...eventsOf.values()].flat() : (eventsOf.get(channel) ?? []);
    const total = clientsWithChannels.reduce(
      (sum, { subscriptions }) =>
        sum + [...subscriptions.values()].reduce((n, channel) => n + expected(channel).length, 0),
      0,
    );
    await eventually(() => emulator.stats().deliveries === total, 20_000, 'every delivery');
    await eventually(
      () =>
        clientsWithChannels.every(({ client, subscriptions }) =>
          [...subscriptions.keys()].every(
            (id) => client.events(id).length === expected(subscriptions.get(id) ?? '').length,
          ),
        ),
      20_000,
      'every client to receive its events',
    );
    for (const { client, subscriptions } of clientsWithChannels) {
      for (const [id, channel] of subscriptions) {
        const received = client.events(id);
        if (channel === '/trades/*') {
          for (const events of eventsOf.values()) {
            expect(received.filter((event) => events.includes(event))).toEqual(events);
          }
          expect(received).toHaveLength(expected(channel).length);
        } else {
          expect(received).toEqual(expected(channel));
        }
      }
    }
    expect(emulator.stats()).toMatchObject({
      publishes: 20 * 3,
      eventsIn: 20 * 15,
      deliveries: total,
    });
  }, 60_000);
});
