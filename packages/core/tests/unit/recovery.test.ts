import {
  applyClientMessage,
  parseClientMessage,
  parseServerMessage,
  recoveryReplies,
  type Trade,
} from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const trade = (symbol: string, seq: number): Trade => ({
  symbol,
  price: 100 + seq / 100,
  size: 1,
  bid: 99,
  ask: 101,
  timestamp: 1_700_000_000_000 + seq,
  seq,
});

const subscribe = (body: Record<string, unknown>) =>
  parseClientMessage(JSON.stringify({ action: 'subscribe', ...body }));

describe('subscribe with since', () => {
  it('parses since, normalizing its symbols like "symbols"', () => {
    expect(subscribe({ symbols: ['aapl', 'TSLA'], since: { ' aapl ': 1041, TSLA: 0 } })).toEqual({
      ok: true,
      message: { action: 'subscribe', symbols: ['AAPL', 'TSLA'], since: { AAPL: 1041, TSLA: 0 } },
    });
  });

  it('drops an empty since, and ignores since on unsubscribe', () => {
    expect(subscribe({ symbols: ['AAPL'], since: {} })).toEqual({
      ok: true,
      message: { action: 'subscribe', symbols: ['AAPL'] },
    });
    expect(
      parseClientMessage('{"action":"unsubscribe","symbols":["AAPL"],"since":{"AAPL":-1}}'),
    ).toEqual({ ok: true, message: { action: 'unsubscribe', symbols: ['AAPL'] } });
  });

  it.each([
    ['an array', [1041], 'INVALID_SINCE'],
    ['a number', 1041, 'INVALID_SINCE'],
    ['null', null, 'INVALID_SINCE'],
    ['a negative seq', { AAPL: -1 }, 'INVALID_SINCE'],
    ['a fraction', { AAPL: 1.5 }, 'INVALID_SINCE'],
    ['a string seq', { AAPL: '1041' }, 'INVALID_SINCE'],
    ['a seq past 2^53 - 1', { AAPL: 2 ** 53 }, 'INVALID_SINCE'],
    ['a huge seq', { AAPL: 1e300 }, 'INVALID_SINCE'],
    ['a symbol the message does not subscribe to', { MSFT: 1 }, 'INVALID_SINCE'],
    ['a key that is no symbol', { 'A B': 1 }, 'INVALID_SYMBOL'],
  ])('refuses since with %s', (_, since, code) => {
    const result = subscribe({ symbols: ['AAPL'], since });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('refuses a since naming more symbols than the limit, before reading them', () => {
    const since = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`S${i}`, i]));
    const result = subscribe({ symbols: ['AAPL'], since });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('TOO_MANY_SYMBOLS');
  });

  it('accepts 0 and Number.MAX_SAFE_INTEGER', () => {
    const result = subscribe({
      symbols: ['A', 'B'],
      since: { A: 0, B: Number.MAX_SAFE_INTEGER },
    });
    expect(result.ok && result.message.action === 'subscribe' && result.message.since).toEqual({
      A: 0,
      B: Number.MAX_SAFE_INTEGER,
    });
  });

  it('never throws and never yields a since outside the rules, whatever the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (since) => {
        const result = subscribe({ symbols: ['AAPL', 'TSLA'], since });
        if (!result.ok || result.message.action !== 'subscribe') return;
        for (const [symbol, seq] of Object.entries(result.message.since ?? {})) {
          expect(['AAPL', 'TSLA']).toContain(symbol);
          expect(Number.isSafeInteger(seq) && seq >= 0).toBe(true);
        }
      }),
    );
  });

  it('applyClientMessage passes on the since of the symbols the message adds, not of those held', () => {
    const outcome = applyClientMessage(
      ['TSLA'],
      '{"action":"subscribe","symbols":["AAPL","TSLA","MSFT"],"since":{"AAPL":5,"TSLA":9}}',
    );
    expect(outcome.added).toEqual(['AAPL', 'MSFT']);
    expect(outcome.snapshotOf).toEqual(['AAPL', 'MSFT']);
    expect(outcome.since).toEqual({ AAPL: 5 });
    expect(applyClientMessage([], '{"action":"subscribe","symbols":["AAPL"]}').since).toBe(
      undefined,
    );
  });
});

describe('recoveryReplies()', () => {
  it('sends the recovered trades, then the snapshot, then the recovery summary', () => {
    const messages = recoveryReplies(
      [
        { symbol: 'AAPL', since: 3, trades: [trade('AAPL', 4), trade('AAPL', 5)] },
        { symbol: 'TSLA', since: 7, reason: 'EXPIRED', newest: trade('TSLA', 20) },
        { symbol: 'IBM', since: 2, trades: [] },
      ],
      [trade('MSFT', 1)],
    );
    expect(messages).toEqual([
      { type: 'trades', trades: [trade('AAPL', 4), trade('AAPL', 5)] },
      { type: 'snapshot', trades: [trade('MSFT', 1), trade('TSLA', 20)] },
      {
        type: 'recovery',
        recovered: { AAPL: 2, IBM: 0 },
        unrecovered: [{ symbol: 'TSLA', reason: 'EXPIRED', from: 8, to: 19 }],
      },
    ]);
  });

  it('splits recovered trades into messages of at most tradesPerMessage, in order', () => {
    const trades = Array.from({ length: 7 }, (_, i) => trade('AAPL', i + 1));
    const messages = recoveryReplies([{ symbol: 'AAPL', since: 0, trades }], [], 3);
    expect(
      messages.map((m) => (m.type === 'trades' ? m.trades.map((t) => t.seq) : m.type)),
    ).toEqual([[1, 2, 3], [4, 5, 6], [7], 'recovery']);
  });

  it('names no range when nothing but the snapshot was missed, or since is ahead', () => {
    const [, summary] = recoveryReplies(
      [
        { symbol: 'A', since: 4, reason: 'LATEST', newest: trade('A', 5) },
        { symbol: 'B', since: 90, reason: 'AHEAD', newest: trade('B', 3) },
        { symbol: 'C', since: 1, reason: 'UNAVAILABLE' },
      ],
      [],
    );
    expect(summary).toEqual({
      type: 'recovery',
      recovered: {},
      unrecovered: [
        { symbol: 'A', reason: 'LATEST' },
        { symbol: 'B', reason: 'AHEAD' },
        { symbol: 'C', reason: 'UNAVAILABLE' },
      ],
    });
  });

  it('parseServerMessage reads a recovery message and refuses a malformed one', () => {
    const text = '{"type":"recovery","recovered":{"AAPL":2},"unrecovered":[]}';
    expect(parseServerMessage(text)).toEqual(JSON.parse(text));
    expect(parseServerMessage('{"type":"recovery","recovered":{}}')).toBe(undefined);
    expect(parseServerMessage('{"type":"recovery","recovered":null,"unrecovered":[]}')).toBe(
      undefined,
    );
  });
});
