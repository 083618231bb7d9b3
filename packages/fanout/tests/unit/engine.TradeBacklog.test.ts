import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { TradeBacklog } from '../../src/engine/TradeBacklog.js';
import { tradesMessage } from '../../src/engine/tradesMessage.js';

const trade = (symbol: string, seq: number) => tradeFactory({ symbol, seq });
const record = (symbols: string[]) => ({ id: 'c', shard: 0, connectedAt: 0, symbols });

describe('TradeBacklog', () => {
  it('keeps every trade of subscribed symbols in all mode and leaves them as one message, per symbol in seq order', () => {
    const backlog = new TradeBacklog('all', () => {});
    const subscribed = new Set(['A', 'B']);

    const waiting = backlog.add(
      [trade('A', 1), trade('C', 1), trade('B', 1), trade('A', 2)],
      subscribed,
    );
    const payload = backlog.take(record(['A', 'B']));

    expect(waiting).toBe(3);
    expect(JSON.parse(payload!)).toEqual({
      type: 'trades',
      trades: [trade('A', 1), trade('A', 2), trade('B', 1)],
    });
    expect(backlog.size).toBe(0);
  });

  it('keeps the newest trade per symbol in latest mode and counts each one it replaces', () => {
    let conflated = 0;
    const backlog = new TradeBacklog('latest', () => conflated++);

    backlog.add([trade('B', 1), trade('A', 1), trade('A', 3)], new Set(['A', 'B']));
    backlog.add([trade('A', 2), trade('B', 2)], new Set(['A', 'B']));
    const payload = backlog.take(record(['A', 'B']));

    expect(conflated).toBe(2);
    expect(JSON.parse(payload!).trades).toEqual([trade('A', 3), trade('B', 2)]);
  });

  it('forgets the trades of re-subscribed symbols and has nothing to send when empty', () => {
    const backlog = new TradeBacklog('all', () => {});
    backlog.add([trade('A', 1), trade('B', 1)], new Set(['A', 'B']));

    backlog.forget(['A']);
    const first = backlog.take(record(['A', 'B']));
    const second = backlog.take(record(['A', 'B']));

    expect(JSON.parse(first!).trades).toEqual([trade('B', 1)]);
    expect(second).toBeUndefined();
  });
});

describe('tradesMessage()', () => {
  it('is byte-identical to JSON.stringify of the trades message', () => {
    const trades = fc.array(
      fc.record({
        symbol: fc.constantFrom('A', 'B'),
        seq: fc.nat(),
        price: fc.double({ noNaN: true, noDefaultInfinity: true }),
      }),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(trades, (values) => {
        const list = values.map((value) => tradeFactory(value));

        const text = tradesMessage(list.map((t) => JSON.stringify(t)));

        expect(text).toBe(JSON.stringify({ type: 'trades', trades: list }));
      }),
    );
  });
});
