import { SYMBOL_PATTERN } from '@market-stream/core';
import { InvalidOptionsError } from '../errors.js';
import { DEFAULT_TICKERS } from '../tickers.js';
import { createRandom } from './random.js';

/**
 * Symbols and start prices from the `symbols` and `startPrices` options: a count takes the first
 * N default tickers; a symbol outside the defaults without a start price gets one between $20 and
 * $500 drawn from the seed, so it is stable for a given seed.
 *
 * @internal
 */
export function resolveSymbols(
  symbols: readonly string[] | number | undefined,
  startPrices: Readonly<Record<string, number>> | undefined,
  seed: string,
): { symbols: string[]; startPrices: number[] } {
  let names: string[];
  if (symbols === undefined) {
    names = DEFAULT_TICKERS.map((ticker) => ticker.symbol);
  } else if (typeof symbols === 'number') {
    if (!Number.isInteger(symbols) || symbols < 1 || symbols > DEFAULT_TICKERS.length) {
      throw new InvalidOptionsError(
        'symbols',
        `a count must be an integer from 1 to ${DEFAULT_TICKERS.length}, got ${symbols}`,
      );
    }
    names = DEFAULT_TICKERS.slice(0, symbols).map((ticker) => ticker.symbol);
  } else if (Array.isArray(symbols)) {
    if (symbols.length === 0) throw new InvalidOptionsError('symbols', 'must not be empty');
    const seen = new Set<string>();
    for (const symbol of symbols) {
      if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
        throw new InvalidOptionsError(
          'symbols',
          `${JSON.stringify(symbol)} must match ${SYMBOL_PATTERN}`,
        );
      }
      if (seen.has(symbol)) throw new InvalidOptionsError('symbols', `${symbol} appears twice`);
      seen.add(symbol);
    }
    names = [...symbols];
  } else {
    throw new InvalidOptionsError('symbols', 'must be an array of symbols or a count');
  }

  const prices = names.map((symbol) => {
    const given = startPrices?.[symbol];
    if (given !== undefined) {
      if (typeof given !== 'number' || !Number.isFinite(given) || given <= 0) {
        throw new InvalidOptionsError(`startPrices.${symbol}`, 'must be a finite number > 0');
      }
      return given;
    }
    const known = DEFAULT_TICKERS.find((ticker) => ticker.symbol === symbol);
    if (known) return known.startPrice;
    return Math.round((20 + 480 * createRandom(seed, `start-price:${symbol}`).next()) * 100) / 100;
  });
  return { symbols: names, startPrices: prices };
}
