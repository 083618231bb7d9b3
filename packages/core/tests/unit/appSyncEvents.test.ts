import {
  APPSYNC_EVENTS_PROTOCOL,
  authSubprotocol,
  EventTooLargeError,
  encodeTradeEvents,
  MarketStreamError,
  parseTradeEvent,
  readAuthSubprotocol,
  symbolOfChannel,
  TRADES_NAMESPACE,
  type Trade,
  tradesChannel,
} from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

const utf8 = (text: string) => new TextEncoder().encode(text).length;
const tradesOf = (events: readonly string[]) => events.flatMap((event) => JSON.parse(event).trades);
const aaplTrades = (count: number) =>
  Array.from({ length: count }, (_, i) => tradeFactory({ seq: i + 1 }));

describe('tradesChannel() and symbolOfChannel()', () => {
  it('maps a symbol to its channel in the trades namespace and back', () => {
    expect(TRADES_NAMESPACE).toBe('trades');
    expect(tradesChannel('AAPL')).toBe('/trades/AAPL');
    expect(symbolOfChannel('/trades/AAPL')).toBe('AAPL');
    expect(symbolOfChannel(tradesChannel('BRK.B'))).toBe('BRK.B');
  });

  it('writes . and - as lower-case letters, so every channel is a valid AppSync segment', () => {
    expect(tradesChannel('BRK.B')).toBe('/trades/BRKdB');
    expect(tradesChannel('BF-B')).toBe('/trades/BFhB');
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z][A-Z0-9.-]{0,11}$/), (symbol) => {
        const channel = tradesChannel(symbol);
        expect(channel.split('/')[2]).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/);
        expect(symbolOfChannel(channel)).toBe(symbol);
      }),
    );
  });

  it.each([
    '/trades/*',
    '/trades/',
    '/trades',
    '/trades/AAPL/x',
    '/quotes/AAPL',
    'trades/AAPL',
    '/trades/aapl',
    '/trades/BRK.B',
    '/trades/dB',
    '',
  ])('has no symbol for %j', (channel) => {
    expect(symbolOfChannel(channel)).toBeUndefined();
  });
});

describe('APPSYNC_EVENTS_PROTOCOL', () => {
  it('holds the documented AppSync Events constants', () => {
    expect(APPSYNC_EVENTS_PROTOCOL).toEqual({
      subprotocol: 'aws-appsync-event-ws',
      headerPrefix: 'header-',
      realtimePath: '/event/realtime',
      publishPath: '/event',
      maxEventBytes: 245_760,
      maxEventsPerPublish: 5,
    });
    expect(Object.isFrozen(APPSYNC_EVENTS_PROTOCOL)).toBe(true);
  });
});

describe('authSubprotocol() and readAuthSubprotocol()', () => {
  it('encodes the headers as header- + base64url JSON without padding', () => {
    const headers = { host: 'example.appsync-api.us-east-1.amazonaws.com', 'x-api-key': 'da2-k' };

    const protocol = authSubprotocol(headers);

    expect(protocol.startsWith('header-')).toBe(true);
    expect(protocol.slice(7)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(protocol.slice(7), 'base64url').toString('utf8'))).toEqual(
      headers,
    );
  });

  it('round-trips any headers, multi-byte text included', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string({ unit: 'grapheme' })), (headers) => {
        expect(readAuthSubprotocol(authSubprotocol(headers))).toEqual(headers);
      }),
    );
  });

  it.each([
    'aws-appsync-event-ws',
    'header-',
    'header-***',
    `header-${Buffer.from('not json').toString('base64url')}`,
    `header-${Buffer.from('[1,2]').toString('base64url')}`,
    `header-${Buffer.from('{"x-api-key":1}').toString('base64url')}`,
    `header-${Buffer.from([0xff, 0xfe]).toString('base64url')}`,
  ])('refuses %j', (protocol) => {
    expect(readAuthSubprotocol(protocol)).toBeUndefined();
  });
});

describe('encodeTradeEvents()', () => {
  it('puts a small batch in one trades message', () => {
    const trades = aaplTrades(3);

    const events = encodeTradeEvents(trades);

    expect(events).toEqual([JSON.stringify({ type: 'trades', trades })]);
    expect(parseTradeEvent(events[0] ?? '')).toEqual(trades);
  });

  it('returns no events for no trades', () => {
    expect(encodeTradeEvents([])).toEqual([]);
  });

  it('splits at the byte limit into as few events as fit, in order, nothing lost', () => {
    const trades = aaplTrades(10_000);

    const events = encodeTradeEvents(trades);

    expect(events.length).toBeGreaterThan(1);
    for (const event of events) expect(utf8(event)).toBeLessThanOrEqual(245_760);
    expect(tradesOf(events)).toEqual(trades);
    // as few as fit: each event but the last could not take the next event's first trade
    for (let i = 0; i + 1 < events.length; i++) {
      const next = JSON.stringify(JSON.parse(events[i + 1] ?? '').trades[0]);
      expect(utf8(events[i] ?? '') + 1 + utf8(next)).toBeGreaterThan(245_760);
    }
  });

  it('fills an event to exactly maxBytes and no further', () => {
    const trades = aaplTrades(4);
    const oneTrade = utf8(JSON.stringify({ type: 'trades', trades: trades.slice(0, 1) }));
    const twoTrades = utf8(JSON.stringify({ type: 'trades', trades: trades.slice(0, 2) }));

    expect(encodeTradeEvents(trades, twoTrades)).toHaveLength(2);
    expect(encodeTradeEvents(trades, twoTrades - 1)).toHaveLength(4);
    expect(encodeTradeEvents(trades.slice(0, 1), oneTrade)).toHaveLength(1);
  });

  it('measures UTF-8 bytes, not UTF-16 units, for multi-byte text', () => {
    const trades = Array.from(
      { length: 40 },
      (_, i) => ({ ...tradeFactory({ seq: i + 1 }), venue: '東京証券取引所📈' }) as Trade,
    );
    const maxBytes = 1_000;

    const events = encodeTradeEvents(trades, maxBytes);

    for (const event of events) expect(utf8(event)).toBeLessThanOrEqual(maxBytes);
    expect(events.some((event) => event.length < maxBytes && utf8(event) > event.length)).toBe(
      true,
    );
    expect(tradesOf(events)).toEqual(trades);
  });

  it('never truncates: any trades, any limit that holds one, come back whole and in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 60 }),
        fc.integer({ min: 300, max: 3_000 }),
        (notes, maxBytes) => {
          const trades = notes.map(
            (note, i) => ({ ...tradeFactory({ seq: i + 1 }), note }) as Trade,
          );
          const events = encodeTradeEvents(trades, maxBytes);
          for (const event of events) expect(utf8(event)).toBeLessThanOrEqual(maxBytes);
          expect(tradesOf(events)).toEqual(trades);
        },
      ),
    );
  });

  it('throws a typed error when one trade alone is over the limit', () => {
    const big = { ...tradeFactory(), note: 'x'.repeat(300) } as Trade;

    const act = () => encodeTradeEvents([tradeFactory(), big], 200);

    expect(act).toThrow(EventTooLargeError);
    try {
      act();
    } catch (error) {
      expect(error).toBeInstanceOf(MarketStreamError);
      expect((error as EventTooLargeError).code).toBe('EVENT_TOO_LARGE');
      expect((error as EventTooLargeError).maxBytes).toBe(200);
      expect((error as EventTooLargeError).bytes).toBeGreaterThan(200);
    }
  });
});

describe('parseTradeEvent()', () => {
  it('reads back the trades of an event', () => {
    const trades = [tradeFactory({ seq: 7 }), tradeFactory({ seq: 8, price: 101 })];

    expect(parseTradeEvent(JSON.stringify({ type: 'trades', trades }))).toEqual(trades);
  });

  it.each([
    'not json',
    'null',
    '42',
    '"trades"',
    '[]',
    '{}',
    '{"type":"snapshot","trades":[]}',
    '{"type":"trades"}',
    '{"type":"trades","trades":{}}',
    '{"type":"trades","trades":[{"symbol":"AAPL"}]}',
    JSON.stringify({ type: 'trades', trades: [tradeFactory(), { ...tradeFactory(), price: -1 }] }),
  ])('refuses %s', (event) => {
    expect(parseTradeEvent(event)).toBeUndefined();
  });
});
