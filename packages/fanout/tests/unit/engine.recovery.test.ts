import type { RecoveryMessage, Trade } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { createFanout } from '../../src/engine/createFanout.js';
import { REPLAY_BYTES_PER_TRADE, ReplayBuffer } from '../../src/engine/ReplayBuffer.js';
import type { FanoutOptions } from '../../src/engine/types.js';
import { MergedFanoutMetrics } from '../../src/metrics/MergedFanoutMetrics.js';
import { advanceTo, RecordingTransport, virtualScheduler } from './engine.helpers.js';

const WINDOW = 50;

function setup(options: Partial<FanoutOptions> = {}) {
  const scheduler = virtualScheduler();
  const transport = new RecordingTransport();
  const fanout = createFanout({
    transport,
    scheduler,
    mode: 'all',
    flushIntervalMs: WINDOW,
    maxFlushIntervalMs: WINDOW,
    clock: () => 0,
    ...options,
  });
  return { scheduler, transport, fanout };
}

const trade = (symbol: string, seq: number, timestamp = 0) =>
  tradeFactory({ symbol, seq, timestamp });

/** Publishes `symbol`'s trades `from`…`to`. */
const publishRange = (
  fanout: ReturnType<typeof setup>['fanout'],
  symbol: string,
  from: number,
  to: number,
) => {
  for (let seq = from; seq <= to; seq++) fanout.publish(trade(symbol, seq));
};

const subscribe = (symbols: string[], since?: Record<string, number>) =>
  JSON.stringify({ action: 'subscribe', symbols, ...(since === undefined ? {} : { since }) });

const seqs = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The `seq`s of `symbol` in `keys` (`SYMBOL#seq`), in the order received. */
const ofSymbol = (keys: readonly string[], symbol: string) =>
  keys.filter((key) => key.startsWith(`${symbol}#`)).map((key) => Number(key.split('#')[1]));

const recoveryOf = (transport: RecordingTransport, id: string) =>
  transport.messages(id).find((m): m is RecoveryMessage => m.type === 'recovery');

describe('ReplayBuffer', () => {
  const buffer = (bounds: Partial<ConstructorParameters<typeof ReplayBuffer>[0]> = {}) => {
    const clock = { now: 0 };
    const replay = new ReplayBuffer(
      { tradesPerSymbol: 1_000, maxTrades: 10_000, maxAgeMs: 60_000, ...bounds },
      () => clock.now,
    );
    return { replay, clock };
  };

  it('keeps at most tradesPerSymbol per symbol, dropping the oldest', () => {
    const { replay } = buffer({ tradesPerSymbol: 4 });

    for (let seq = 1; seq <= 10; seq++) replay.push(trade('A', seq));

    expect(replay.size).toBe(4);
    expect(replay.countAfter('A', 6)).toBe(4);
    expect(replay.tradesAfter('A', 6).map((t) => t.seq)).toEqual([7, 8, 9, 10]);
    expect(replay.countAfter('A', 5)).toBeUndefined();
    expect(replay.bytes).toBe(4 * REPLAY_BYTES_PER_TRADE);
  });

  it('keeps at most maxTrades over all symbols, dropping the oldest of all first', () => {
    const { replay } = buffer({ maxTrades: 5 });

    for (let seq = 1; seq <= 3; seq++) {
      replay.push(trade('A', seq));
      replay.push(trade('B', seq));
    }

    expect(replay.size).toBe(5);
    expect(replay.countAfter('A', 0)).toBeUndefined();
    expect(replay.countAfter('A', 1)).toBe(2);
    expect(replay.countAfter('B', 0)).toBe(3);
  });

  it('drops trades maxAgeMs after their arrival, on a lookup as on a push, with no timer', () => {
    const { replay, clock } = buffer({ maxAgeMs: 1_000 });
    replay.push(trade('A', 1));
    clock.now = 600;
    replay.push(trade('A', 2));

    clock.now = 1_000;
    const afterOneSecond = replay.countAfter('A', 0);
    const sizeThen = replay.size;
    clock.now = 1_600;
    const afterTwo = replay.countAfter('A', 1);

    expect(afterOneSecond).toBeUndefined();
    expect(sizeThen).toBe(1);
    expect(afterTwo).toBeUndefined();
    expect(replay.size).toBe(0);
  });

  it('starts a symbol over when its sequence starts again', () => {
    const { replay } = buffer();
    for (let seq = 1; seq <= 3; seq++) replay.push(trade('A', seq));

    replay.push(trade('A', 1));

    expect(replay.size).toBe(1);
    expect(replay.tradesAfter('A', 0).map((t) => t.seq)).toEqual([1]);
  });

  it('answers like a list of every trade with the bounds applied (any pushes and lookups)', () => {
    const step = fc.record({
      symbol: fc.constantFrom('A', 'B', 'C', 'D'),
      gap: fc.integer({ min: 0, max: 40 }),
      lookup: fc.option(fc.integer({ min: 0, max: 3_000 }), { freq: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 3_000, size: 'large' }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 100, max: 20_000 }),
        (steps, tradesPerSymbol, maxTrades, maxAgeMs) => {
          const { replay, clock } = buffer({ tradesPerSymbol, maxTrades, maxAgeMs });
          let model: { trade: Trade; at: number }[] = [];
          const last = new Map<string, number>();
          for (const { symbol, gap, lookup } of steps) {
            clock.now += gap;
            model = model.filter(({ at }) => at > clock.now - maxAgeMs);
            if (lookup !== null) {
              const kept = model.filter(({ trade }) => trade.symbol === symbol);
              const expected =
                kept.length > 0 && kept[0]!.trade.seq <= lookup + 1
                  ? kept.filter(({ trade }) => trade.seq > lookup).length
                  : undefined;
              expect(replay.countAfter(symbol, lookup)).toBe(expected);
              continue;
            }
            const seq = (last.get(symbol) ?? 0) + 1;
            last.set(symbol, seq);
            replay.push(trade(symbol, seq));
            model.push({ trade: trade(symbol, seq), at: clock.now });
            const ofSymbol = model.filter(({ trade }) => trade.symbol === symbol);
            if (ofSymbol.length > tradesPerSymbol) model.splice(model.indexOf(ofSymbol[0]!), 1);
            if (model.length > maxTrades) model.shift();
            expect(replay.size).toBe(model.length);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('createFanout() recovery', () => {
  it('sends the kept trades after since, then the recovery, then live trades', () => {
    const { scheduler, transport, fanout } = setup();
    publishRange(fanout, 'AAPL', 1, 10);
    fanout.connect('c');

    fanout.handleMessage('c', subscribe(['AAPL'], { AAPL: 6 }));
    fanout.publish(trade('AAPL', 11));
    advanceTo(scheduler, WINDOW);

    expect(transport.types('c')).toEqual(['subscribed', 'trades', 'recovery', 'trades']);
    expect(transport.tradeKeys('c')).toEqual(['AAPL#7', 'AAPL#8', 'AAPL#9', 'AAPL#10', 'AAPL#11']);
    expect(recoveryOf(transport, 'c')).toEqual({
      type: 'recovery',
      recovered: { AAPL: 4 },
      unrecovered: [],
    });
  });

  it('recovers nothing, and sends no snapshot, when the client holds the newest', () => {
    const { scheduler, transport, fanout } = setup();
    publishRange(fanout, 'AAPL', 1, 10);
    fanout.connect('c');

    fanout.handleMessage('c', subscribe(['AAPL'], { AAPL: 10 }));
    fanout.publish(trade('AAPL', 11));
    advanceTo(scheduler, WINDOW);

    expect(transport.types('c')).toEqual(['subscribed', 'recovery', 'trades']);
    expect(recoveryOf(transport, 'c')?.recovered).toEqual({ AAPL: 0 });
    expect(transport.tradeKeys('c')).toEqual(['AAPL#11']);
  });

  it('answers AHEAD with the snapshot when since is past the newest seq', () => {
    const { transport, fanout } = setup();
    publishRange(fanout, 'AAPL', 1, 10);
    fanout.connect('c');

    fanout.handleMessage('c', subscribe(['AAPL'], { AAPL: 50 }));

    expect(transport.types('c')).toEqual(['subscribed', 'snapshot', 'recovery']);
    expect(transport.messages('c')[1]).toEqual({ type: 'snapshot', trades: [trade('AAPL', 10)] });
    expect(recoveryOf(transport, 'c')?.unrecovered).toEqual([{ symbol: 'AAPL', reason: 'AHEAD' }]);
  });

  it('answers EXPIRED with the range and the snapshot when the trades are no longer kept', () => {
    const { scheduler, transport, fanout } = setup({ replay: { tradesPerSymbol: 3 } });
    publishRange(fanout, 'AAPL', 1, 10);
    fanout.connect('c');

    fanout.handleMessage('c', subscribe(['AAPL', 'ZZZ'], { AAPL: 2, ZZZ: 5 }));
    fanout.publish(trade('AAPL', 11));
    advanceTo(scheduler, WINDOW);

    expect(transport.types('c')).toEqual(['subscribed', 'snapshot', 'recovery', 'trades']);
    expect(recoveryOf(transport, 'c')?.unrecovered).toEqual([
      { symbol: 'AAPL', reason: 'EXPIRED', from: 3, to: 9 },
      { symbol: 'ZZZ', reason: 'EXPIRED' },
    ]);
    expect(transport.tradeKeys('c')).toEqual(['AAPL#11']);
  });

  it('answers EXPIRED once the trades are older than maxAgeMs, on the scheduler clock', () => {
    const { scheduler, transport, fanout } = setup({ replay: { maxAgeMs: 1_000 } });
    publishRange(fanout, 'AAPL', 1, 5);
    advanceTo(scheduler, 1_000);
    publishRange(fanout, 'AAPL', 6, 6);
    fanout.connect('c');

    fanout.handleMessage('c', subscribe(['AAPL'], { AAPL: 4 }));

    expect(recoveryOf(transport, 'c')?.unrecovered).toEqual([
      { symbol: 'AAPL', reason: 'EXPIRED', from: 5, to: 5 },
    ]);
    expect(fanout.metrics.replayTrades).toBe(1);
  });

  it('leaves out, as TOO_MANY, the symbols that would take the answer past maxRecoveredTrades', () => {
    const { scheduler, transport, fanout } = setup({ maxRecoveredTrades: 5 });
    for (const symbol of ['A', 'B', 'C']) publishRange(fanout, symbol, 1, 10);
    fanout.connect('c');

    fanout.handleMessage('c', subscribe(['A', 'B', 'C', 'M'], { A: 7, B: 0, C: 8 }));
    publishRange(fanout, 'B', 11, 11);
    advanceTo(scheduler, WINDOW);

    expect(transport.types('c')).toEqual([
      'subscribed',
      'trades',
      'snapshot',
      'recovery',
      'trades',
    ]);
    expect(transport.tradeKeys('c')).toEqual(['A#8', 'A#9', 'A#10', 'C#9', 'C#10', 'B#11']);
    expect(transport.messages('c')[2]).toEqual({ type: 'snapshot', trades: [trade('B', 10)] });
    expect(recoveryOf(transport, 'c')).toEqual({
      type: 'recovery',
      recovered: { A: 3, C: 2 },
      unrecovered: [{ symbol: 'B', reason: 'TOO_MANY', from: 1, to: 9 }],
    });
  });

  it('snapshots the added symbols without since alongside the recovered ones', () => {
    const { transport, fanout } = setup();
    publishRange(fanout, 'AAPL', 1, 4);
    publishRange(fanout, 'MSFT', 1, 2);
    fanout.connect('c', { symbols: ['TSLA'] });

    fanout.handleMessage('c', subscribe(['AAPL', 'MSFT', 'TSLA'], { AAPL: 3, TSLA: 9 }));

    // TSLA was held already: its since is dropped.
    expect(transport.messages('c').slice(2)).toEqual([
      { type: 'subscribed', symbols: ['AAPL', 'MSFT', 'TSLA'] },
      { type: 'trades', trades: [trade('AAPL', 4)] },
      { type: 'snapshot', trades: [trade('MSFT', 2)] },
      { type: 'recovery', recovered: { AAPL: 1 }, unrecovered: [] },
    ]);
  });

  it('answers LATEST with the snapshot in latest mode, and 0 or AHEAD as in all mode', () => {
    const { transport, fanout } = setup({ mode: 'latest' });
    for (const symbol of ['A', 'B', 'C']) publishRange(fanout, symbol, 1, 10);
    fanout.connect('c');
    fanout.connect('own', { mode: 'latest' });
    fanout.connect('all', { mode: 'all' });

    fanout.handleMessage('c', subscribe(['A', 'B', 'C'], { A: 5, B: 10, C: 11 }));
    fanout.handleMessage('all', subscribe(['A'], { A: 5 }));

    expect(transport.messages('c')[1]).toEqual({
      type: 'snapshot',
      trades: [trade('A', 10), trade('C', 10)],
    });
    expect(recoveryOf(transport, 'c')).toEqual({
      type: 'recovery',
      recovered: { B: 0 },
      unrecovered: [
        { symbol: 'A', reason: 'LATEST', from: 6, to: 9 },
        { symbol: 'C', reason: 'AHEAD' },
      ],
    });
    expect(recoveryOf(transport, 'all')?.recovered).toEqual({ A: 5 });
  });

  it('answers UNAVAILABLE with the snapshot when replay is off', () => {
    const { transport, fanout } = setup({ replay: false });
    publishRange(fanout, 'AAPL', 1, 10);
    fanout.connect('c');

    fanout.handleMessage('c', subscribe(['AAPL'], { AAPL: 8 }));

    expect(transport.types('c')).toEqual(['subscribed', 'snapshot', 'recovery']);
    expect(recoveryOf(transport, 'c')?.unrecovered).toEqual([
      { symbol: 'AAPL', reason: 'UNAVAILABLE', from: 9, to: 9 },
    ]);
    expect(fanout.metrics.replayTrades).toBe(0);
  });

  it('sends neither twice nor never a trade pending in the window when the subscribe came', () => {
    const { scheduler, transport, fanout } = setup({ shards: 1 });
    fanout.connect('busy', { symbols: ['AAPL'] });
    fanout.connect('c');
    publishRange(fanout, 'AAPL', 1, 2); // 1 at once to busy, 2 pending for the flush at 50
    advanceTo(scheduler, 10);
    publishRange(fanout, 'AAPL', 3, 4);

    fanout.handleMessage('c', subscribe(['AAPL'], { AAPL: 1 }));
    publishRange(fanout, 'AAPL', 5, 6);
    advanceTo(scheduler, 200);
    publishRange(fanout, 'AAPL', 7, 7);
    advanceTo(scheduler, 400);

    expect(ofSymbol(transport.tradeKeys('c'), 'AAPL')).toEqual(seqs(2, 7));
    expect(ofSymbol(transport.tradeKeys('busy'), 'AAPL')).toEqual(seqs(1, 7));
  });

  it('sends the answer through the bounded queue: a client that cannot take it is closed (1013)', () => {
    const { transport, fanout } = setup({ maxQueuedMessages: 3 });
    publishRange(fanout, 'AAPL', 1, 1_000);
    publishRange(fanout, 'MSFT', 1, 1_000);
    fanout.connect('slow');
    fanout.connect('fine');
    transport.backpressured.add('slow');

    fanout.handleMessage('slow', subscribe(['AAPL', 'MSFT'], { AAPL: 0, MSFT: 0 }));
    fanout.handleMessage('fine', subscribe(['AAPL', 'MSFT'], { AAPL: 0, MSFT: 0 }));

    expect(transport.closed.get('slow')?.code).toBe(1013);
    expect([...fanout.connectionIds()]).toEqual(['fine']);
    expect(transport.tradeKeys('fine')).toHaveLength(2_000);
  });

  it('counts the buffer and the recoveries in the metrics and the Prometheus text', () => {
    const { transport, fanout } = setup({ replay: { tradesPerSymbol: 3 } });
    publishRange(fanout, 'A', 1, 10);
    publishRange(fanout, 'B', 1, 10);
    fanout.connect('c');

    fanout.handleMessage('c', subscribe(['A', 'B', 'Z'], { A: 8, B: 1, Z: 1 }));

    expect(recoveryOf(transport, 'c')).toBeDefined();
    const snapshot = fanout.metrics.snapshot();
    expect(snapshot).toMatchObject({
      replayTrades: 6,
      replayBytes: 6 * REPLAY_BYTES_PER_TRADE,
      recoveries: 1,
      recoveredTrades: 2,
      unrecovered: { EXPIRED: 2, TOO_MANY: 0, UNAVAILABLE: 0, LATEST: 0, AHEAD: 0 },
    });
    const text = fanout.metrics.toPrometheus();
    expect(text).toContain('market_stream_fanout_replay_trades 6\n');
    expect(text).toContain(`market_stream_fanout_replay_bytes ${6 * REPLAY_BYTES_PER_TRADE}\n`);
    expect(text).toContain('market_stream_fanout_recoveries_total 1\n');
    expect(text).toContain('market_stream_fanout_recovered_trades_total 2\n');
    expect(text).toContain('market_stream_fanout_unrecovered_total{reason="EXPIRED"} 2\n');
  });

  it("sums the workers' replay buffers and recoveries in MergedFanoutMetrics", () => {
    const workers = [1, 2].map(() => setup({ replay: { tradesPerSymbol: 3 } }));
    for (const { fanout } of workers) {
      publishRange(fanout, 'A', 1, 10);
      fanout.connect('c');
      fanout.handleMessage('c', subscribe(['A'], { A: 8 }));
    }
    const merged = new MergedFanoutMetrics();

    for (const [i, { fanout }] of workers.entries())
      merged.update(i + 1, fanout.metrics.toReport());
    merged.retire(2);

    expect(merged.snapshot()).toMatchObject({
      replayTrades: 3,
      replayBytes: 3 * REPLAY_BYTES_PER_TRADE,
      recoveries: 2,
      recoveredTrades: 4,
    });
    expect(merged.toPrometheus()).toContain('market_stream_fanout_recoveries_total 2\n');
  });

  it.each([
    [{ replay: { tradesPerSymbol: 0 } }, /replay\.tradesPerSymbol must be a positive integer/],
    [{ replay: { maxTrades: 1.5 } }, /replay\.maxTrades must be a positive integer/],
    [{ replay: { maxAgeMs: 0 } }, /replay\.maxAgeMs must be a positive number/],
    [{ replay: { maxAgeMs: Number.NaN } }, /replay\.maxAgeMs must be a positive number/],
    [{ replay: true as unknown as false }, /replay must be false or an object/],
    [{ maxRecoveredTrades: -1 }, /maxRecoveredTrades must be a whole number/],
    [{ maxRecoveredTrades: 2.5 }, /maxRecoveredTrades must be a whole number/],
  ])('refuses %o with a RangeError', (options, message) => {
    expect(() => setup(options)).toThrow(RangeError);
    expect(() => setup(options)).toThrow(message);
  });

  it('accepts maxAgeMs: Infinity and maxRecoveredTrades: 0', () => {
    const { transport, fanout } = setup({
      replay: { maxAgeMs: Number.POSITIVE_INFINITY },
      maxRecoveredTrades: 0,
    });
    publishRange(fanout, 'A', 1, 3);
    fanout.connect('c');

    fanout.handleMessage('c', subscribe(['A'], { A: 1 }));

    expect(recoveryOf(transport, 'c')?.unrecovered).toEqual([
      { symbol: 'A', reason: 'TOO_MANY', from: 2, to: 2 },
    ]);
  });
});

interface Step {
  gap: number;
  symbol: string;
  slow: string | null;
}

const SYMBOLS = ['A', 'B', 'C'] as const;

describe('createFanout() recovery, property', () => {
  it('gives every seq from since + 1 on exactly once, in order, across windows and direct sends', () => {
    const steps = fc.array(
      fc.record({
        gap: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: 20 }),
          fc.integer({ min: 40, max: 120 }),
        ),
        symbol: fc.constantFrom(...SYMBOLS),
        slow: fc.option(fc.constantFrom('a', 'b', 'r'), { freq: 8 }),
      }),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(
        steps,
        fc.nat(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        (load: Step[], at, fractions, shards, directSend) => {
          const { scheduler, transport, fanout } = setup({ shards, directSend });
          fanout.connect('a', { symbols: ['A', 'B'] });
          fanout.connect('b', { symbols: ['A', 'B', 'C'], mode: 'latest' });
          fanout.connect('r', { symbols: ['C'] });
          const subscribeAt = at % (load.length + 1);
          const published = new Map<string, number>();
          const since: Record<string, number> = {};
          let time = 0;
          load.forEach(({ gap, symbol, slow }, i) => {
            if (i === subscribeAt) {
              // The client held A and B up to some seq each before it lost its connection.
              ['A', 'B'].forEach((s, j) => {
                since[s] = Math.floor(fractions[j]! * ((published.get(s) ?? 0) + 0.99));
              });
              fanout.handleMessage('r', subscribe(['A', 'B'], since));
            }
            time += gap;
            advanceTo(scheduler, time);
            if (slow !== null) {
              if (transport.backpressured.has(slow)) transport.backpressured.delete(slow);
              else transport.backpressured.add(slow);
            }
            const seq = (published.get(symbol) ?? 0) + 1;
            published.set(symbol, seq);
            fanout.publish(trade(symbol, seq, time));
          });
          if (subscribeAt === load.length) {
            for (const s of ['A', 'B']) since[s] = published.get(s) ?? 0;
            fanout.handleMessage('r', subscribe(['A', 'B'], since));
          }
          transport.backpressured.clear();
          advanceTo(scheduler, time + 4 * WINDOW);

          const keys = transport.tradeKeys('r');
          for (const symbol of ['A', 'B']) {
            expect(ofSymbol(keys, symbol)).toEqual(
              seqs(since[symbol]! + 1, published.get(symbol) ?? 0),
            );
          }
          expect(ofSymbol(keys, 'C')).toEqual(seqs(1, published.get('C') ?? 0));
          expect(transport.closed.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
