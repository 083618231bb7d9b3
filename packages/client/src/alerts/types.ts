import type { Observable } from 'rxjs';

/**
 * Fires when `symbol`'s price reaches `price` from below: the first trade at or above the
 * level after one below it. Re-arms once a trade is at or below `price × (1 − hysteresisPct/100)`.
 *
 * @example
 * ```ts
 * import type { AboveRule } from '@market-stream/client';
 *
 * const rule: AboveRule = { id: 'aapl-200', kind: 'above', symbol: 'AAPL', price: 200 };
 * ```
 */
export interface AboveRule {
  /** Unique among the rules of one {@link Alerts}. */
  id: string;
  kind: 'above';
  symbol: string;
  /** The level, greater than 0. */
  price: number;
  /**
   * How far past the level, in percent of it, the price must go back before the rule re-arms.
   * @default 0.1 (DEFAULT_ALERTS.hysteresisPct)
   */
  hysteresisPct?: number;
}

/**
 * Fires when `symbol`'s price reaches `price` from above: the first trade at or below the
 * level after one above it. Re-arms once a trade is at or above `price × (1 + hysteresisPct/100)`.
 *
 * @example
 * ```ts
 * import type { BelowRule } from '@market-stream/client';
 *
 * const rule: BelowRule = { id: 'aapl-150', kind: 'below', symbol: 'AAPL', price: 150 };
 * ```
 */
export interface BelowRule {
  /** Unique among the rules of one {@link Alerts}. */
  id: string;
  kind: 'below';
  symbol: string;
  /** The level, greater than 0. */
  price: number;
  /**
   * How far past the level, in percent of it, the price must go back before the rule re-arms.
   * @default 0.1 (DEFAULT_ALERTS.hysteresisPct)
   */
  hysteresisPct?: number;
}

/**
 * Fires when `symbol`'s price moved by at least `percent` % within `windowMs` of event time
 * (trade timestamps): the newest price against the lowest or the highest price of the trades
 * in the window. Re-arms once the window no longer shows such a move.
 *
 * @example
 * ```ts
 * import type { MoveRule } from '@market-stream/client';
 *
 * // ±2 % within five minutes.
 * const rule: MoveRule = { id: 'tsla-2pct', kind: 'move', symbol: 'TSLA', percent: 2, windowMs: 300_000 };
 * ```
 */
export interface MoveRule {
  /** Unique among the rules of one {@link Alerts}. */
  id: string;
  kind: 'move';
  symbol: string;
  /** The move, in percent, greater than 0. */
  percent: number;
  /** The window, in ms of event time, greater than 0. */
  windowMs: number;
}

/**
 * One alert rule: {@link AboveRule}, {@link BelowRule} or {@link MoveRule}.
 *
 * @example
 * ```ts
 * import type { AlertRule } from '@market-stream/client';
 *
 * const rules: AlertRule[] = [
 *   { id: 'a', kind: 'above', symbol: 'AAPL', price: 200 },
 *   { id: 'b', kind: 'move', symbol: 'AAPL', percent: 1, windowMs: 60_000 },
 * ];
 * ```
 */
export type AlertRule = AboveRule | BelowRule | MoveRule;

/**
 * A rule that fired, on {@link Alerts.alerts$}: the rule and the trade that fired it.
 *
 * @example
 * ```ts
 * import type { AlertEvent } from '@market-stream/client';
 *
 * const show = (alert: AlertEvent) =>
 *   `${alert.symbol} ${alert.rule.kind} at ${alert.price} (seq ${alert.seq})`;
 * ```
 */
export interface AlertEvent {
  rule: AlertRule;
  symbol: string;
  /** The price of the trade that fired the rule. */
  price: number;
  /** That trade's timestamp (event time, ms since the epoch). */
  timestamp: number;
  /** That trade's `seq`. */
  seq: number;
  /** `move` rules only: the move in percent, signed (negative: down). */
  changePct?: number;
}

/**
 * Options of {@link createAlerts}; missing fields take {@link DEFAULT_ALERTS}'s values.
 *
 * @example
 * ```ts
 * import type { AlertsOptions } from '@market-stream/client';
 *
 * const options: AlertsOptions = { hysteresisPct: 0.5, maxRules: 50 };
 * ```
 */
export interface AlertsOptions {
  /**
   * Hysteresis of `above` and `below` rules that do not set their own, in percent of the level.
   * @default 0.1
   */
  hysteresisPct?: number;
  /**
   * Most rules held; `add` beyond it throws {@link TooManyAlertRulesError}.
   * @default 200
   */
  maxRules?: number;
  /**
   * Most trades one `move` rule keeps in its window; when full, the oldest leaves first (the
   * window then covers less than `windowMs`).
   * @default 10000
   */
  maxWindowTrades?: number;
}

/**
 * Price alerts over a {@link TickerClient}'s trades, returned by {@link createAlerts}.
 *
 * @example
 * ```ts
 * const alerts = createAlerts(client, []);
 * alerts.add({ id: 'a', kind: 'below', symbol: 'AAPL', price: 150 });
 * alerts.alerts$.subscribe((alert) => console.log(alert.symbol, alert.price));
 * ```
 */
export interface Alerts {
  /** One event per firing, in the order of the trades that fired them. Hot: no replay. */
  readonly alerts$: Observable<AlertEvent>;
  /**
   * Adds a rule. It arms from the symbol's newest trade (`client.latest`), or from its next one.
   * @throws {@link InvalidAlertRuleError} for a malformed rule or an id in use.
   * @throws {@link TooManyAlertRulesError} past `maxRules`.
   */
  add(rule: AlertRule): void;
  /** Removes the rule with this id; returns whether there was one. */
  remove(id: string): boolean;
  /** The rules held, in the order they were added. */
  rules(): AlertRule[];
  /** Stops listening to the client and completes `alerts$`. */
  close(): void;
}
