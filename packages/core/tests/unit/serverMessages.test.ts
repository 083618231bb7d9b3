import {
  encodeServerMessage,
  MarketStreamError,
  ProtocolError,
  parseServerMessage,
  type ServerMessage,
  tradeKey,
} from '@market-stream/core';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';

describe('encodeServerMessage() and parseServerMessage()', () => {
  const messages: ServerMessage[] = [
    { type: 'subscribed', symbols: ['AAPL', 'TSLA'] },
    { type: 'snapshot', trades: [tradeFactory()] },
    { type: 'trades', trades: [tradeFactory(), tradeFactory({ seq: 2 })] },
    { type: 'pong' },
    { type: 'error', code: 'RATE_LIMITED', message: 'slow down' },
  ];

  it.each(messages)('round-trips %j', (message) => {
    expect(parseServerMessage(encodeServerMessage(message))).toEqual(message);
  });

  it.each([
    'nope',
    '{}',
    '{"type":"bogus"}',
    '{"type":"trades"}',
    '{"type":"subscribed","symbols":1}',
    'null',
  ])('ignores %s', (text) => {
    expect(parseServerMessage(text)).toBeUndefined();
  });
});

describe('errors', () => {
  it('ProtocolError is a MarketStreamError carrying the contract code', () => {
    const error = new ProtocolError('RATE_LIMITED', 'too many messages');

    expect(error).toBeInstanceOf(MarketStreamError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProtocolError');
    expect(error.code).toBe('RATE_LIMITED');
  });
});

describe('tradeKey()', () => {
  it('is symbol#seq', () => {
    expect(tradeKey(tradeFactory({ symbol: 'TSLA', seq: 42 }))).toBe('TSLA#42');
  });
});
