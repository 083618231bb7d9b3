import { describe, expect, it } from 'vitest';
import { InvalidOptionsError, momentumModel } from '../../src/index.js';
import { pricesOf, simulateVirtual } from '../helpers/simulate.js';
import { autocovariance, max, mean, min } from '../helpers/stats.js';

// The model per trade: m ← 0.95·m + N(0, 0.0005²); r = m + N(0, 0.001²). Hence for the per-trade
// return r: γ(k) = 0.95^k·Var(m) for k ≥ 1 and γ(0) = Var(m) + σ², so
//   σ = √(γ(0) − γ(1)/0.95),  momentum shock = √(γ(1)/0.95 · (1 − 0.95²)),  γ(5)/γ(1) = 0.95⁴.
// A start price of $100,000 makes the cent rounding of prices and quotes negligible.
const trades = simulateVirtual({
  symbols: ['AAPL'],
  startPrices: { AAPL: 100_000 },
  tradesPerSecond: 1_000,
  count: 100_000,
  seed: 'momentum-statistics',
});
const prices = pricesOf(trades, 'AAPL');
const returns = prices.slice(1).map((price, i) => price / prices[i]! - 1);

describe('momentumModel()', { timeout: 30_000 }, () => {
  it('has a per-trade volatility of 0.1 % of price around the momentum (±3 %)', () => {
    const sigma = Math.sqrt(autocovariance(returns, 0) - autocovariance(returns, 1) / 0.95);

    expect(sigma).toBeGreaterThan(0.001 * 0.97);
    expect(sigma).toBeLessThan(0.001 * 1.03);
  });

  it('has per-trade returns with the standard deviation the parameters imply, 0.189 % (±5 %)', () => {
    // Var(r) = σ² + Var(m) = 0.001² + 0.0005² / (1 − 0.95²).
    const expected = Math.sqrt(0.001 ** 2 + 0.0005 ** 2 / (1 - 0.95 ** 2));

    const std = Math.sqrt(autocovariance(returns, 0));

    expect(std).toBeGreaterThan(expected * 0.95);
    expect(std).toBeLessThan(expected * 1.05);
  });

  it('lets momentum decay by 5 % per trade: autocovariance falls by 0.95 per lag (±0.02 over 4 lags)', () => {
    const decayOverFourLags = autocovariance(returns, 5) / autocovariance(returns, 1);

    expect(decayOverFourLags).toBeGreaterThan(0.95 ** 4 - 0.02);
    expect(decayOverFourLags).toBeLessThan(0.95 ** 4 + 0.02);
  });

  it('shocks the momentum by 0.05 % per trade (±5 %), so returns trend (lag-1 autocorrelation ≈ 0.68)', () => {
    const momentumShock = Math.sqrt((autocovariance(returns, 1) / 0.95) * (1 - 0.95 ** 2));
    const lag1 = autocovariance(returns, 1) / autocovariance(returns, 0);

    expect(momentumShock).toBeGreaterThan(0.0005 * 0.95);
    expect(momentumShock).toBeLessThan(0.0005 * 1.05);
    expect(lag1).toBeGreaterThan(0.65);
    expect(lag1).toBeLessThan(0.72);
  });

  it('quotes a 0.02 % spread centred on the price (±2 %)', () => {
    const spreads = trades.map((trade) => (trade.ask - trade.bid) / trade.price);
    const offCentre = trades.map((trade) => Math.abs((trade.bid + trade.ask) / 2 - trade.price));

    expect(mean(spreads)).toBeGreaterThan(0.0002 * 0.98);
    expect(mean(spreads)).toBeLessThan(0.0002 * 1.02);
    expect(max(offCentre)).toBeLessThanOrEqual(0.015);
  });

  it('makes 5 % of trades large (±0.4 points), 5–20× the 1,000-share base; the rest 0.5–2×', () => {
    const large = trades.filter((trade) => trade.size >= 5_000).map((trade) => trade.size);
    const ordinary = trades.filter((trade) => trade.size < 5_000).map((trade) => trade.size);

    expect(large.length / trades.length).toBeGreaterThan(0.046);
    expect(large.length / trades.length).toBeLessThan(0.054);
    expect(min(ordinary)).toBeGreaterThanOrEqual(500);
    expect(max(ordinary)).toBeLessThan(2_000);
    expect(mean(ordinary)).toBeGreaterThan(1_249.5 * 0.99);
    expect(mean(ordinary)).toBeLessThan(1_249.5 * 1.01);
    expect(min(large)).toBeGreaterThanOrEqual(5_000);
    expect(max(large)).toBeLessThan(20_000);
    expect(mean(large)).toBeGreaterThan(12_499.5 * 0.97);
    expect(mean(large)).toBeLessThan(12_499.5 * 1.03);
  });

  it('runs per trade, so a symbol’s path does not depend on the rate or on the other symbols', () => {
    const alone = simulateVirtual({ symbols: ['TSLA'], count: 500, seed: 7 });
    const crowded = simulateVirtual({ symbols: 20, tradesPerSecond: 50, count: 20 * 500, seed: 7 });

    expect(pricesOf(crowded, 'TSLA')).toEqual(pricesOf(alone, 'TSLA'));
  });

  it('keeps the price at or above minPrice', () => {
    const model = momentumModel({ volatility: 0.05, minPrice: 2 });

    const cheap = simulateVirtual({ symbols: ['LYFT'], model, count: 20_000, seed: 3 });

    expect(min(cheap.map((trade) => trade.price))).toBeGreaterThanOrEqual(2);
  });

  it('rejects parameters out of range', () => {
    expect(() => momentumModel({ momentumDecay: 1.5 })).toThrow(InvalidOptionsError);
    expect(() => momentumModel({ volatility: -1 })).toThrow(/volatility/);
    expect(() => momentumModel({ largeTradeRange: [20, 5] })).toThrow(/largeTradeRange/);
  });
});
