import { ERROR_CODES, parseClientMessage } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('parseClientMessage()', () => {
  it('parses subscribe with symbols, upper-casing, trimming and deduplicating them', () => {
    const result = parseClientMessage('{"action":"subscribe","symbols":["aapl"," TSLA ","AAPL"]}');

    expect(result).toEqual({
      ok: true,
      message: { action: 'subscribe', symbols: ['AAPL', 'TSLA'] },
    });
  });

  it('accepts "symbol" as well as "symbols", and both together', () => {
    expect(parseClientMessage('{"action":"unsubscribe","symbol":"BRK.B"}')).toEqual({
      ok: true,
      message: { action: 'unsubscribe', symbols: ['BRK.B'] },
    });
    expect(parseClientMessage('{"action":"subscribe","symbols":["AAPL"],"symbol":"MSFT"}')).toEqual(
      {
        ok: true,
        message: { action: 'subscribe', symbols: ['AAPL', 'MSFT'] },
      },
    );
  });

  it('parses ping, ignoring extra fields', () => {
    expect(parseClientMessage('{"action":"ping","extra":1}')).toEqual({
      ok: true,
      message: { action: 'ping' },
    });
  });

  it.each([
    ['not json', 'BAD_JSON'],
    ['[1,2]', 'BAD_JSON'],
    ['"subscribe"', 'BAD_JSON'],
    ['null', 'BAD_JSON'],
    ['{}', 'UNKNOWN_ACTION'],
    ['{"action":"dance"}', 'UNKNOWN_ACTION'],
    ['{"action":42}', 'UNKNOWN_ACTION'],
    ['{"action":"subscribe"}', 'INVALID_SYMBOL'],
    ['{"action":"subscribe","symbols":[]}', 'INVALID_SYMBOL'],
    ['{"action":"subscribe","symbols":"AAPL"}', 'INVALID_SYMBOL'],
    ['{"action":"subscribe","symbols":["AA PL"]}', 'INVALID_SYMBOL'],
    ['{"action":"subscribe","symbols":[42]}', 'INVALID_SYMBOL'],
    ['{"action":"subscribe","symbols":["1ABC"]}', 'INVALID_SYMBOL'],
    ['{"action":"subscribe","symbols":["ABCDEFGHIJKLM"]}', 'INVALID_SYMBOL'],
  ])('rejects %s with %s', (text, code) => {
    const result = parseClientMessage(text);

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(0);
    }
  });

  it('rejects more symbols than the limit with TOO_MANY_SYMBOLS', () => {
    const symbols = Array.from({ length: 51 }, (_, i) => `S${i}`);

    const result = parseClientMessage(JSON.stringify({ action: 'subscribe', symbols }));

    expect(result).toMatchObject({ ok: false, error: { code: 'TOO_MANY_SYMBOLS' } });
    expect(
      parseClientMessage(JSON.stringify({ action: 'subscribe', symbols: symbols.slice(0, 50) })).ok,
    ).toBe(true);
  });

  it('rejects frames over the byte limit, counting UTF-8 bytes rather than characters', () => {
    const padding = 'é'.repeat(1500); // 1,500 characters, 3,000 bytes
    const text = JSON.stringify({ action: 'ping', padding: padding + padding });

    expect(text.length).toBeLessThan(4096);
    expect(parseClientMessage(text)).toMatchObject({
      ok: false,
      error: { code: 'MESSAGE_TOO_LARGE' },
    });
    expect(parseClientMessage(JSON.stringify({ action: 'ping', padding })).ok).toBe(true);
  });

  it('honours custom limits', () => {
    const limits = { maxSymbols: 2, maxMessageBytes: 64, symbolPattern: /^[A-Z]{4}$/ };

    expect(
      parseClientMessage('{"action":"subscribe","symbols":["AAPL","MSFT","TSLA"]}', limits),
    ).toMatchObject({ ok: false, error: { code: 'TOO_MANY_SYMBOLS' } });
    expect(parseClientMessage('{"action":"subscribe","symbols":["IBM"]}', limits)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_SYMBOL' },
    });
    expect(parseClientMessage(`{"action":"ping","x":"${'a'.repeat(64)}"}`, limits)).toMatchObject({
      ok: false,
      error: { code: 'MESSAGE_TOO_LARGE' },
    });
  });

  it('never throws and always returns a contract code, whatever the input', () => {
    const anyJson = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.json(),
      fc
        .record(
          {
            action: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe', 'ping'), fc.anything()),
            symbols: fc.anything(),
            symbol: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value) ?? ''),
    );

    fc.assert(
      fc.property(anyJson, (text) => {
        const result = parseClientMessage(text);
        if (result.ok) {
          expect(['subscribe', 'unsubscribe', 'ping']).toContain(result.message.action);
        } else {
          expect(ERROR_CODES).toContain(result.error.code);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('only ever yields symbols that match the pattern', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 60 }), (symbols) => {
        const result = parseClientMessage(JSON.stringify({ action: 'subscribe', symbols }));
        if (result.ok && result.message.action !== 'ping') {
          for (const symbol of result.message.symbols)
            expect(symbol).toMatch(/^[A-Z][A-Z0-9.-]{0,11}$/);
          expect(new Set(result.message.symbols).size).toBe(result.message.symbols.length);
        }
      }),
    );
  });
});
