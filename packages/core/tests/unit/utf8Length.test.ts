import { utf8Length } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const encoder = new TextEncoder();

describe('utf8Length()', () => {
  it('counts what TextEncoder writes, for any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(utf8Length(text)).toBe(encoder.encode(text).byteLength);
      }),
    );
    for (const text of ['', 'AAPL', '€1', '\ud83d\ude00', '\ud83d', '\ude00', '\ud83dA']) {
      expect(utf8Length(text)).toBe(encoder.encode(text).byteLength);
    }
  });
});
