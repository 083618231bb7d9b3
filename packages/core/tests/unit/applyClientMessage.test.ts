import { applyClientMessage, parseClientMessage } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('applyClientMessage()', () => {
  it('subscribe adds only new symbols, replies the whole set sorted, and asks a snapshot of the added', () => {
    const outcome = applyClientMessage(
      ['MSFT'],
      '{"action":"subscribe","symbols":["tsla","MSFT","AAPL"]}',
    );

    expect(outcome).toEqual({
      symbols: ['AAPL', 'MSFT', 'TSLA'],
      added: ['TSLA', 'AAPL'],
      removed: [],
      replies: [{ type: 'subscribed', symbols: ['AAPL', 'MSFT', 'TSLA'] }],
      snapshotOf: ['TSLA', 'AAPL'],
    });
  });

  it('subscribe of symbols all held replies subscribed and asks no snapshot', () => {
    const outcome = applyClientMessage(['AAPL'], '{"action":"subscribe","symbol":"aapl"}');

    expect(outcome.replies).toEqual([{ type: 'subscribed', symbols: ['AAPL'] }]);
    expect([outcome.added, outcome.snapshotOf]).toEqual([[], []]);
  });

  it('sorts a set held in insertion order', () => {
    const outcome = applyClientMessage(['TSLA', 'AAPL'], '{"action":"unsubscribe","symbol":"ZZZ"}');

    expect(outcome.symbols).toEqual(['AAPL', 'TSLA']);
    expect(outcome.removed).toEqual([]);
  });

  it('unsubscribe removes held symbols, ignores unknown ones, and replies the set', () => {
    const outcome = applyClientMessage(
      new Set(['AAPL', 'TSLA']),
      '{"action":"unsubscribe","symbols":["tsla","NVDA"]}',
    );

    expect(outcome).toEqual({
      symbols: ['AAPL'],
      added: [],
      removed: ['TSLA'],
      replies: [{ type: 'subscribed', symbols: ['AAPL'] }],
      snapshotOf: [],
    });
  });

  it('ping replies pong and leaves the set', () => {
    expect(applyClientMessage(['B', 'A'], '{"action":"ping"}')).toEqual({
      symbols: ['A', 'B'],
      added: [],
      removed: [],
      replies: [{ type: 'pong' }],
      snapshotOf: [],
    });
  });

  it('refuses a set over maxSymbols with TOO_MANY_SYMBOLS, leaving the set as it was', () => {
    const outcome = applyClientMessage(
      ['A', 'B'],
      '{"action":"subscribe","symbols":["B","C","D"]}',
      { maxSymbols: 3 },
    );

    expect(outcome.symbols).toEqual(['A', 'B']);
    expect(outcome.refused).toEqual({
      code: 'TOO_MANY_SYMBOLS',
      message: 'at most 3 symbols per connection; 2 held, 2 more asked',
    });
    expect(outcome.replies).toEqual([{ type: 'error', ...outcome.refused }]);
  });

  it.each([
    ['not json', 'BAD_JSON'],
    ['{"action":"fly"}', 'UNKNOWN_ACTION'],
    ['{"action":"subscribe","symbols":["no way"]}', 'INVALID_SYMBOL'],
    [JSON.stringify({ action: 'subscribe', symbols: ['X'.repeat(5_000)] }), 'MESSAGE_TOO_LARGE'],
  ])('refuses %j with %s, changing nothing', (text, code) => {
    const outcome = applyClientMessage(['AAPL'], text);

    expect(outcome.refused?.code).toBe(code);
    expect(outcome.replies).toEqual([expect.objectContaining({ type: 'error', code })]);
    expect([outcome.symbols, outcome.added, outcome.removed]).toEqual([['AAPL'], [], []]);
  });

  it('accepts a parse result in place of the frame', () => {
    const parsed = parseClientMessage('{"action":"subscribe","symbol":"AAPL"}');

    expect(applyClientMessage([], parsed).symbols).toEqual(['AAPL']);
  });

  it('keeps its invariants for any held set and any subscribe or unsubscribe', () => {
    const symbol = fc.constantFrom<string>('A', 'B', 'C', 'D', 'E', 'F');
    fc.assert(
      fc.property(
        fc.uniqueArray(symbol, { maxLength: 4 }),
        fc.constantFrom('subscribe', 'unsubscribe'),
        fc.array(symbol, { minLength: 1, maxLength: 4 }),
        (held, action, symbols) => {
          const outcome = applyClientMessage(held, JSON.stringify({ action, symbols }), {
            maxSymbols: 4,
          });

          expect(outcome.symbols).toEqual([...outcome.symbols].sort());
          expect(outcome.symbols.length).toBeLessThanOrEqual(4);
          const after = new Set(outcome.symbols);
          expect(outcome.added.every((s) => after.has(s) && !held.includes(s))).toBe(true);
          expect(outcome.removed.every((s) => !after.has(s) && held.includes(s))).toBe(true);
          expect(after.size).toBe(held.length + outcome.added.length - outcome.removed.length);
          if (!outcome.refused) {
            expect(outcome.replies).toEqual([{ type: 'subscribed', symbols: outcome.symbols }]);
          }
        },
      ),
    );
  });
});
