import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { PayloadTooLargeError, splitTradesMessage } from '../../src/index.js';

describe('splitTradesMessage()', () => {
  it('returns a frame within the limit unchanged', () => {
    const payload = JSON.stringify({ type: 'trades', trades: [tradeFactory()] });
    expect(splitTradesMessage(payload, 128 * 1024)).toEqual([payload]);
  });

  it('splits a trades message into frames under the limit that hold every trade once, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 300, max: 5_000 }),
        (count, limit) => {
          const trades = Array.from({ length: count }, (_, i) =>
            tradeFactory({ symbol: i % 2 ? 'BRK.B' : 'AAPL', seq: i + 1 }),
          );
          const frames = splitTradesMessage(JSON.stringify({ type: 'trades', trades }), limit);

          for (const frame of frames) expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(limit);
          const parsed = frames.map(
            (frame) => JSON.parse(frame) as { type: string; trades: unknown[] },
          );
          expect(parsed.every((message) => message.type === 'trades')).toBe(true);
          expect(parsed.flatMap((message) => message.trades)).toEqual(trades);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses, never truncates, a message that is not trades or a trade that alone is too large', () => {
    const snapshot = JSON.stringify({ type: 'snapshot', trades: [tradeFactory(), tradeFactory()] });
    const oneTrade = JSON.stringify({ type: 'trades', trades: [tradeFactory()] });

    expect(() => splitTradesMessage(snapshot, 100)).toThrow(PayloadTooLargeError);
    expect(() => splitTradesMessage(oneTrade, 100)).toThrow(PayloadTooLargeError);
    expect(() => splitTradesMessage('x'.repeat(200), 100)).toThrow(
      expect.objectContaining({ bytes: 200, limit: 100, code: 'PAYLOAD_TOO_LARGE' }),
    );
  });
});
