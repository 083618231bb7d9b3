import type { Trade } from '@market-stream/core';
import { ModelOutputError } from '../errors.js';
import type { TradeQuote } from '../models/PriceModel.js';

// Binary floating point cannot hold most cent values (99.99 × 100 = 9998.999999999998); nudge
// before flooring or ceiling so an exact cent is not pushed a cent outwards.
const NUDGE = 1e-7;

/**
 * Puts a floating-point quote on the cent grid with the Trade contract's invariants: price
 * rounded to the cent and at least 1 cent; bid floored, ask ceiled; bid ≤ price ≤ ask; bid < ask;
 * bid at least 1 cent; size rounded to an integer of at least 1. Works in integer cents so the
 * comparisons are exact.
 *
 * @throws ModelOutputError when a field is not a finite number (or price or size is not > 0).
 * @internal
 */
export function quoteToTrade(
  symbol: string,
  quote: TradeQuote,
  timestamp: number,
  seq: number,
): Trade {
  const { price, bid, ask, size } = quote;
  if (!(price > 0 && price < Number.POSITIVE_INFINITY)) {
    throw new ModelOutputError(symbol, 'price', price);
  }
  if (!Number.isFinite(bid)) throw new ModelOutputError(symbol, 'bid', bid);
  if (!Number.isFinite(ask)) throw new ModelOutputError(symbol, 'ask', ask);
  if (!(size > 0 && size < Number.POSITIVE_INFINITY)) {
    throw new ModelOutputError(symbol, 'size', size);
  }
  let p = Math.round(price * 100);
  if (p < 1) p = 1;
  let b = Math.floor(bid * 100 + NUDGE);
  let a = Math.ceil(ask * 100 - NUDGE);
  if (b > p) b = p;
  if (b < 1) b = 1;
  if (a < p) a = p;
  if (a <= b) a = b + 1;
  const shares = Math.round(size);
  return {
    symbol,
    price: p / 100,
    size: Math.max(shares, 1),
    bid: b / 100,
    ask: a / 100,
    timestamp,
    seq,
  };
}
