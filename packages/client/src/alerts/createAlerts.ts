import type { Trade } from '@market-stream/core';
import { Subject, type Subscription } from 'rxjs';
import type { TickerClient } from '../client/types.js';
import { DEFAULT_ALERTS } from './defaults.js';
import { InvalidAlertRuleError, TooManyAlertRulesError } from './errors.js';
import { levelWatch } from './levelWatch.js';
import { moveWatch } from './moveWatch.js';
import type { AlertEvent, AlertRule, Alerts, AlertsOptions } from './types.js';
import { validateRule } from './validateRule.js';

/** Returns the move in percent when the trade fires the rule (0 for level rules), else undefined. */
type Watch = (trade: Trade) => number | undefined;

interface Held {
  rule: Readonly<AlertRule>;
  watch: Watch;
}

/**
 * Price alerts on a {@link TickerClient}'s trades: `above` and `below` a level, and a `move` of
 * a percentage within a window of event time.
 *
 * Guarantees:
 * - each rule fires once per crossing: an `above`/`below` rule fires on the first trade that
 *   reaches its level from the other side, then waits until the price is back past the level
 *   by the hysteresis margin (default 0.1 % of the level); a `move` rule fires once and waits
 *   until its window no longer shows the move;
 * - a rule arms from the symbol's newest trade when added, so a rule added (or restored after
 *   a page reload) past its level does not fire until the price crosses again;
 * - a trade neither newer by `seq` nor by timestamp than the last one seen of its symbol (a
 *   duplicate, a replay) is ignored; a sequence that starts again (newer timestamps) is followed;
 * - bounded: at most `maxRules` rules, one last `seq` per watched symbol, and at most
 *   `maxWindowTrades` trades per `move` rule.
 *
 * It does not subscribe the client to a rule's symbol: subscribe it yourself.
 *
 * @param client - The client whose `trades$` (and `latest`) the rules watch.
 * @param rules - Rules to start with; see {@link Alerts.add}.
 * @param options - See {@link AlertsOptions}.
 * @returns The {@link Alerts}; `close()` stops them.
 * @throws {@link InvalidAlertRuleError} / {@link TooManyAlertRulesError} for bad initial `rules`.
 *
 * @example
 * ```ts
 * import { createAlerts, createTickerClient } from '@market-stream/client';
 *
 * const client = createTickerClient({ url: 'ws://localhost:3000/ws', symbols: ['AAPL'] });
 * const alerts = createAlerts(client, [
 *   { id: 'aapl-up', kind: 'above', symbol: 'AAPL', price: 200 },
 *   { id: 'aapl-jump', kind: 'move', symbol: 'AAPL', percent: 1, windowMs: 60_000 },
 * ]);
 * alerts.alerts$.subscribe((alert) => console.log(alert.rule.id, alert.price, alert.seq));
 * ```
 */
export function createAlerts(
  client: Pick<TickerClient, 'trades$' | 'latest'>,
  rules: readonly AlertRule[] = [],
  options: AlertsOptions = {},
): Alerts {
  const settings: Required<AlertsOptions> = { ...DEFAULT_ALERTS, ...options };
  const held = new Map<string, Held>();
  const last = new Map<string, { seq: number; timestamp: number }>();
  const alerts$ = new Subject<AlertEvent>();

  const isNew = (trade: Trade): boolean => {
    const seen = last.get(trade.symbol);
    // Only watched symbols have an entry (see add/remove), so `last` stays bounded by maxRules.
    if (!seen) return false;
    if (trade.seq <= seen.seq && trade.timestamp <= seen.timestamp) return false;
    last.set(trade.symbol, { seq: trade.seq, timestamp: trade.timestamp });
    return true;
  };

  const onTrade = (trade: Trade): void => {
    if (!isNew(trade)) return;
    for (const { rule, watch } of held.values()) {
      if (rule.symbol !== trade.symbol) continue;
      const change = watch(trade);
      if (change === undefined) continue;
      const { symbol, price, timestamp, seq } = trade;
      alerts$.next({
        rule,
        symbol,
        price,
        timestamp,
        seq,
        ...(rule.kind === 'move' ? { changePct: change } : {}),
      });
    }
  };

  const watched = (symbol: string): boolean => {
    for (const { rule } of held.values()) if (rule.symbol === symbol) return true;
    return false;
  };

  const add = (input: AlertRule): void => {
    const rule = validateRule(input);
    if (held.has(rule.id))
      throw new InvalidAlertRuleError(`id ${JSON.stringify(rule.id)} is in use`);
    if (held.size >= settings.maxRules) throw new TooManyAlertRulesError(settings.maxRules);
    const watch = watchOf(rule, settings);
    const newest = client.latest(rule.symbol);
    if (newest) watch(newest);
    if (!last.has(rule.symbol))
      last.set(rule.symbol, {
        seq: newest?.seq ?? Number.NEGATIVE_INFINITY,
        timestamp: newest?.timestamp ?? Number.NEGATIVE_INFINITY,
      });
    held.set(rule.id, { rule, watch });
  };

  const remove = (id: string): boolean => {
    const rule = held.get(id)?.rule;
    if (!rule) return false;
    held.delete(id);
    if (!watched(rule.symbol)) last.delete(rule.symbol);
    return true;
  };

  for (const rule of rules) add(rule);
  const subscription: Subscription = client.trades$.subscribe({
    next: onTrade,
    complete: () => alerts$.complete(),
  });

  return {
    alerts$: alerts$.asObservable(),
    add,
    remove,
    rules: () => [...held.values()].map(({ rule }) => ({ ...rule })),
    close: () => {
      subscription.unsubscribe();
      alerts$.complete();
    },
  };
}

function watchOf(rule: Readonly<AlertRule>, settings: Required<AlertsOptions>): Watch {
  if (rule.kind === 'move') {
    const observe = moveWatch(rule, settings.maxWindowTrades);
    return (trade) => observe(trade.price, trade.timestamp);
  }
  const observe = levelWatch(rule, settings.hysteresisPct);
  return (trade) => (observe(trade.price) ? 0 : undefined);
}
