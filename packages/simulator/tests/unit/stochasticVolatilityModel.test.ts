import { describe, expect, it } from 'vitest';
import {
  InvalidOptionsError,
  STOCHASTIC_VOLATILITY_DEFAULTS,
  stochasticVolatilityModel,
} from '../../src/index.js';
import { simulateVirtual, windowReturns } from '../helpers/simulate.js';
import {
  autocorrelation,
  correlation,
  excessKurtosis,
  hillTailIndex,
  max,
  mean,
  median,
} from '../helpers/stats.js';

// Three simulated days of two symbols at one trade per second (virtual time, about a second of
// CPU). Start prices of $10,000 keep the cent rounding out of minute returns.
const DAY = 86_400_000;
const trades = simulateVirtual({
  model: 'stochastic-volatility',
  symbols: ['AAPL', 'MSFT'],
  startPrices: { AAPL: 10_000, MSFT: 10_000 },
  tradesPerSecond: 1,
  duration: 3 * DAY,
  seed: 'stylized-facts',
});
const minute = windowReturns(trades, 'AAPL', 60_000);
const twentySeconds = windowReturns(trades, 'AAPL', 20_000);

function minuteCorrelation(marketCorrelation: number): number {
  const pair = simulateVirtual({
    model: stochasticVolatilityModel({ marketCorrelation }),
    symbols: ['AAPL', 'MSFT'],
    startPrices: { AAPL: 10_000, MSFT: 10_000 },
    tradesPerSecond: 1,
    duration: DAY,
    seed: `correlation-${marketCorrelation}`,
  });
  const a = windowReturns(pair, 'AAPL', 60_000);
  const b = windowReturns(pair, 'MSFT', 60_000);
  const length = Math.min(a.length, b.length);
  return correlation(a.slice(0, length), b.slice(0, length));
}

// Statistical tests simulate days of trades; give them room on a busy CI machine.
describe('stochasticVolatilityModel()', { timeout: 30_000 }, () => {
  it('has heavy tails: excess kurtosis of 20-second and 1-minute returns above 2', () => {
    expect(excessKurtosis(twentySeconds)).toBeGreaterThan(2);
    expect(excessKurtosis(minute)).toBeGreaterThan(2);
  });

  it('clusters volatility: |returns| autocorrelate positively over lags 1–20 and decay slowly', () => {
    const absolute = minute.map(Math.abs);
    const acf = Array.from({ length: 20 }, (_, i) => autocorrelation(absolute, i + 1));
    const early = mean(acf.slice(0, 5));
    const late = mean(acf.slice(15, 20));

    for (const value of acf) expect(value).toBeGreaterThan(0.03);
    expect(late).toBeLessThan(early);
    // Slow, not exponential-in-a-few-lags decay: lags 16–20 keep at least a fifth of lags 1–5.
    expect(late).toBeGreaterThan(early / 5);
  });

  it('has no linear autocorrelation of 20-second or 1-minute returns (|ρ| < 0.06 at lags 1–5)', () => {
    for (let lag = 1; lag <= 5; lag++) {
      expect(Math.abs(autocorrelation(minute, lag))).toBeLessThan(0.06);
      expect(Math.abs(autocorrelation(twentySeconds, lag))).toBeLessThan(0.06);
    }
  });

  it('averages the configured volatility: 30 % a year is about 0.096 % a minute (±15 %)', () => {
    const rms = Math.sqrt(mean(minute.map((r) => r * r)));
    const expected = STOCHASTIC_VOLATILITY_DEFAULTS.annualVolatility / Math.sqrt(252 * 390);

    expect(rms).toBeGreaterThan(expected * 0.85);
    expect(rms).toBeLessThan(expected * 1.15);
  });

  it('correlates symbols through the market factor as configured', () => {
    const moderate = minuteCorrelation(0.4);
    const strong = minuteCorrelation(0.8);
    const none = minuteCorrelation(0);

    // Jumps are idiosyncratic and add variance on top, so the measured correlation sits a little
    // under the configured share.
    expect(moderate).toBeGreaterThan(0.3);
    expect(moderate).toBeLessThan(0.45);
    expect(strong).toBeGreaterThan(0.65);
    expect(Math.abs(none)).toBeLessThan(0.06);
  });

  it('jumps when asked to: with 30 jumps an hour the 1-minute tails are fatter than without', () => {
    const run = (jumpsPerHour: number) =>
      windowReturns(
        simulateVirtual({
          model: stochasticVolatilityModel({
            jumpsPerHour,
            jumpStdev: 0.01,
            fastVolatility: { halfLifeMs: 60_000, stdev: 0 },
            slowVolatility: { halfLifeMs: 60_000, stdev: 0 },
            symbolVolatility: { halfLifeMs: 60_000, stdev: 0 },
            intradayStrength: 0,
          }),
          symbols: ['AAPL'],
          startPrices: { AAPL: 10_000 },
          tradesPerSecond: 1,
          duration: DAY / 2,
          seed: 'jumps',
        }),
        'AAPL',
        60_000,
      );

    expect(excessKurtosis(run(30))).toBeGreaterThan(3);
    expect(Math.abs(excessKurtosis(run(0)))).toBeLessThan(0.5);
  });

  it('draws heavy-tailed trade sizes: Pareto tail index 1.5 (Hill estimate ±0.2)', () => {
    const sizes = trades.map((trade) => trade.size);
    const alpha = hillTailIndex(sizes, Math.floor(sizes.length / 100));

    expect(alpha).toBeGreaterThan(1.3);
    expect(alpha).toBeLessThan(1.7);
    expect(max(sizes)).toBeGreaterThan(100 * median(sizes));
  });

  it('follows a U-shaped intraday volume profile: open and close trade larger than midday', () => {
    const session = STOCHASTIC_VOLATILITY_DEFAULTS.sessionMs;
    const decile = (trade: { timestamp: number }) =>
      Math.min(9, Math.floor(((trade.timestamp % session) / session) * 10));
    const sizesIn = (d: number) => trades.filter((t) => decile(t) === d).map((t) => t.size);
    const open = median(sizesIn(0));
    const midday = median([...sizesIn(4), ...sizesIn(5)]);
    const close = median(sizesIn(9));

    expect(open / midday).toBeGreaterThan(2);
    expect(close / midday).toBeGreaterThan(2);
  });

  it('rejects parameters out of range', () => {
    expect(() => stochasticVolatilityModel({ tailDegreesOfFreedom: 2 })).toThrow(
      InvalidOptionsError,
    );
    expect(() => stochasticVolatilityModel({ marketCorrelation: 1.2 })).toThrow(
      /marketCorrelation/,
    );
    expect(() =>
      stochasticVolatilityModel({ slowVolatility: { halfLifeMs: 0, stdev: 0.1 } }),
    ).toThrow(/slowVolatility/);
  });
});
