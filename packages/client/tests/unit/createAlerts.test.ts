import type { Trade } from '@market-stream/core';
import fc from 'fast-check';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import {
  type AlertEvent,
  type AlertRule,
  createAlerts,
  InvalidAlertRuleError,
  TooManyAlertRulesError,
} from '../../src/index.js';

/** The part of a TickerClient alerts read: its trades and its newest trade per symbol. */
function tradeSource() {
  const trades$ = new Subject<Trade>();
  const newest = new Map<string, Trade>();
  return {
    trades$,
    latest: (symbol: string) => newest.get(symbol),
    emit(trade: Trade) {
      newest.set(trade.symbol, trade);
      trades$.next(trade);
    },
  };
}

/** Trades of AAPL at these prices, seq 1…n, one second apart. */
const walk = (prices: readonly number[], symbol = 'AAPL'): Trade[] =>
  prices.map((price, i) =>
    tradeFactory({ symbol, price, seq: i + 1, timestamp: 1_700_000_000_000 + i * 1_000 }),
  );

function run(rules: AlertRule[], trades: readonly Trade[]): AlertEvent[] {
  const source = tradeSource();
  const alerts = createAlerts(source, rules);
  const fired: AlertEvent[] = [];
  alerts.alerts$.subscribe((alert) => fired.push(alert));
  for (const trade of trades) source.emit(trade);
  alerts.close();
  return fired;
}

const above: AlertRule = { id: 'up', kind: 'above', symbol: 'AAPL', price: 100 };
const below: AlertRule = { id: 'down', kind: 'below', symbol: 'AAPL', price: 100 };

describe('createAlerts()', () => {
  it('fires an above rule once per crossing, re-arming only past the hysteresis margin', () => {
    // 0.1 % of 100: re-arms at or below 99.90.
    const trades = walk([99, 100.5, 99.95, 100.2, 99.9, 100.01, 101]);

    const fired = run([above], trades);

    expect(fired.map((a) => [a.price, a.seq])).toEqual([
      [100.5, 2],
      [100.01, 6],
    ]);
    expect(fired[0]).toMatchObject({
      symbol: 'AAPL',
      rule: above,
      timestamp: trades[1]?.timestamp,
    });
  });

  it('fires a below rule once per crossing', () => {
    const fired = run([below], walk([101, 99, 98, 100.05, 100.1, 99.5]));

    expect(fired.map((a) => a.seq)).toEqual([2, 6]);
  });

  it('does not fire a rule whose level the first price has already passed', () => {
    const fired = run([above], walk([105, 104, 99.8, 100]));

    expect(fired.map((a) => a.seq)).toEqual([4]);
  });

  it('arms a rule added later from the newest trade', () => {
    const source = tradeSource();
    const alerts = createAlerts(source, []);
    const fired: AlertEvent[] = [];
    alerts.alerts$.subscribe((alert) => fired.push(alert));
    const [first, ...rest] = walk([101, 102, 99, 101]);
    source.emit(first as Trade);

    alerts.add(above);
    for (const trade of rest) source.emit(trade);

    expect(fired.map((a) => a.seq)).toEqual([4]);
  });

  it('fires a move rule once while its window shows the move, then again after', () => {
    const move: AlertRule = { id: 'm', kind: 'move', symbol: 'AAPL', percent: 2, windowMs: 3_000 };
    // 1 s apart: 100 → 102 (+2 %) fires; 102.5 still inside the move; by seq 6 the window
    // (3 s) holds 102, 102.5, 102.4, 102.3: no move, re-armed; 100.2 is −2.2 % from 102.5.
    const prices = [100, 101, 102, 102.5, 102.4, 102.3, 102.2, 100.2];

    const fired = run([move], walk(prices));

    expect(fired.map((a) => a.seq)).toEqual([3, 8]);
    expect(fired[0]?.changePct).toBeCloseTo(2, 6);
    expect(fired[1]?.changePct).toBeLessThan(-2);
  });

  it('ignores duplicates and replays by seq, follows a sequence that starts again', () => {
    const trades = walk([99, 100.5, 99.8, 100.3]);
    const replayed = [trades[0], trades[1], trades[1], trades[0], trades[1], trades[2], trades[3]];
    const restarted = tradeFactory({ price: 99, seq: 1, timestamp: 1_700_000_010_000 });
    const again = tradeFactory({ price: 100.4, seq: 2, timestamp: 1_700_000_011_000 });

    const fired = run([above], [...(replayed as Trade[]), trades[3] as Trade, restarted, again]);

    expect(fired.map((a) => [a.seq, a.price])).toEqual([
      [2, 100.5],
      [4, 100.3],
      [2, 100.4],
    ]);
  });

  it('watches only its symbol, and stops with remove()', () => {
    const source = tradeSource();
    const alerts = createAlerts(source, [above, { ...above, id: 'msft', symbol: 'MSFT' }]);
    const fired: string[] = [];
    alerts.alerts$.subscribe((alert) => fired.push(alert.rule.id));
    for (const trade of walk([99, 101], 'MSFT')) source.emit(trade);

    expect(alerts.remove('msft')).toBe(true);
    expect(alerts.remove('msft')).toBe(false);
    for (const trade of walk([99, 101, 99, 101], 'MSFT').slice(2)) source.emit(trade);

    expect(fired).toEqual(['msft']);
    expect(alerts.rules().map((rule) => rule.id)).toEqual(['up']);
  });

  it('rejects malformed rules, a duplicate id and rules past maxRules, adding nothing', () => {
    const alerts = createAlerts(tradeSource(), [above], { maxRules: 2 });

    expect(() => alerts.add({ ...above, id: 'x', price: 0 })).toThrow(InvalidAlertRuleError);
    expect(() => alerts.add({ ...above, id: 'x', symbol: 'aapl' })).toThrow(InvalidAlertRuleError);
    expect(() =>
      alerts.add({ id: 'x', kind: 'move', symbol: 'A', percent: 1, windowMs: -1 }),
    ).toThrow(InvalidAlertRuleError);
    expect(() => alerts.add(above)).toThrow(InvalidAlertRuleError);
    alerts.add(below);
    expect(() => alerts.add({ ...below, id: 'third' })).toThrow(TooManyAlertRulesError);
    expect(alerts.rules().map((rule) => rule.id)).toEqual(['up', 'down']);
  });

  it('completes alerts$ when the trades complete', () => {
    const source = tradeSource();
    const alerts = createAlerts(source, [above]);
    let completed = false;
    alerts.alerts$.subscribe({ complete: () => (completed = true) });

    source.trades$.complete();

    expect(completed).toBe(true);
  });
});

describe('createAlerts() on random walks (fast-check)', () => {
  // Prices in cents around the level 100.00, so crossings are frequent.
  const prices = fc.array(
    fc.integer({ min: 9_700, max: 10_300 }).map((c) => c / 100),
    {
      minLength: 1,
      maxLength: 300,
    },
  );

  it('fires an above rule exactly once per episode: from past the re-arm level to the level', () => {
    fc.assert(
      fc.property(prices, (walkPrices) => {
        let armed = (walkPrices[0] ?? 0) < 100;
        const expected: number[] = [];
        walkPrices.forEach((price, i) => {
          if (i === 0) return;
          if (armed && price >= 100) {
            expected.push(i + 1);
            armed = false;
          } else if (!armed && price <= 99.9) armed = true;
        });

        const fired = run([above], walk(walkPrices));

        expect(fired.map((a) => a.seq)).toEqual(expected);
        for (const alert of fired) expect(alert.price).toBeGreaterThanOrEqual(100);
      }),
      { numRuns: 300 },
    );
  });

  it('fires the same alerts when trades are duplicated or replayed out of order', () => {
    fc.assert(
      fc.property(prices, fc.array(fc.nat(), { maxLength: 100 }), (walkPrices, replays) => {
        const trades = walk(walkPrices);
        const noisy: Trade[] = [];
        trades.forEach((trade, i) => {
          noisy.push(trade);
          // After each trade, maybe repeat it or an older one.
          const pick = replays[i];
          if (pick !== undefined) noisy.push(trades[pick % (i + 1)] as Trade);
        });
        const rules = [above, below];

        expect(run(rules, noisy)).toEqual(run(rules, trades));
      }),
      { numRuns: 300 },
    );
  });

  it('never fires a move rule twice without a trade in between whose window shows no move', () => {
    const move: AlertRule = { id: 'm', kind: 'move', symbol: 'AAPL', percent: 1, windowMs: 5_000 };
    fc.assert(
      fc.property(prices, (walkPrices) => {
        const fired = run([move], walk(walkPrices));

        for (const alert of fired) expect(Math.abs(alert.changePct ?? 0)).toBeGreaterThanOrEqual(1);
        for (let i = 1; i < fired.length; i++) {
          expect((fired[i]?.seq ?? 0) - (fired[i - 1]?.seq ?? 0)).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 300 },
    );
  });
});
