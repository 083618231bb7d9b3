/**
 * Seed 000's load for the events benchmark: 20 symbols × 5 trades/s, cut into 1 s Kinesis
 * batches (the processor's window in the full-stack example), the same trades for every topology.
 */
import type { Trade } from '@market-stream/core';
import type { KinesisEventLike } from '@market-stream/fanout/lambda';

/** The 20 symbols of seed 000's load. */
export const EVENTS_SYMBOLS = Array.from(
  { length: 20 },
  (_, i) => `SYM${String.fromCharCode(65 + i)}`,
);
/** Trades per symbol per second. */
export const TRADES_PER_SYMBOL_PER_SECOND = 5;
/** One batch is one second of trades. */
export const TRADES_PER_BATCH = EVENTS_SYMBOLS.length * TRADES_PER_SYMBOL_PER_SECOND;

/** Deterministic pseudo-random numbers, so every run sees the same trades. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

/** `count` batches of {@link TRADES_PER_BATCH} trades on random symbols, `seq` per symbol from 1. */
export function tradeBatches(count: number): Trade[][] {
  const next = random(7);
  const seq = new Map<string, number>();
  let time = Date.now();
  return Array.from({ length: count }, () =>
    Array.from({ length: TRADES_PER_BATCH }, () => {
      const symbol = EVENTS_SYMBOLS[Math.floor(next() * EVENTS_SYMBOLS.length)] as string;
      const n = (seq.get(symbol) ?? 0) + 1;
      seq.set(symbol, n);
      const price = Math.round((100 + next() * 10) * 100) / 100;
      return {
        symbol,
        price,
        size: 100,
        bid: price - 0.01,
        ask: price + 0.01,
        timestamp: time++,
        seq: n,
      };
    }),
  );
}

/** The Kinesis event a Lambda processor would get for `trades`. */
export function kinesisEvent(trades: readonly Trade[]): KinesisEventLike {
  return {
    Records: trades.map((trade, i) => ({
      kinesis: {
        data: Buffer.from(JSON.stringify(trade)).toString('base64'),
        partitionKey: trade.symbol,
        sequenceNumber: String(i + 1),
      },
    })),
  };
}

/**
 * The real clients counted for `target` clients: the largest divisor of `target` not above
 * `maxReal`, so the target is a whole number of copies of the clients counted.
 */
export function realClients(target: number, maxReal: number): number {
  for (let real = Math.min(target, maxReal); real > 1; real--) if (target % real === 0) return real;
  return 1;
}
