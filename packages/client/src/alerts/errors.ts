import { MarketStreamError } from '@market-stream/core';

/**
 * An alert rule is malformed (an unknown kind, a symbol outside the Trade contract, a level,
 * percent or window that is not a positive number) or its id is already in use. Nothing was added.
 *
 * @example
 * ```ts
 * import { InvalidAlertRuleError } from '@market-stream/client';
 *
 * try {
 *   alerts.add({ id: 'x', kind: 'above', symbol: 'AAPL', price: -1 });
 * } catch (error) {
 *   if (error instanceof InvalidAlertRuleError) console.warn(error.reason);
 * }
 * ```
 */
export class InvalidAlertRuleError extends MarketStreamError {
  /** What is wrong with the rule. */
  readonly reason: string;

  /** @param reason - What is wrong with the rule. */
  constructor(reason: string) {
    super('INVALID_ALERT_RULE', `invalid alert rule: ${reason}`);
    this.reason = reason;
  }
}

/**
 * Adding a rule would take the alerts past their `maxRules` bound. Nothing was added.
 *
 * @example
 * ```ts
 * import { TooManyAlertRulesError } from '@market-stream/client';
 *
 * try {
 *   alerts.add(rule);
 * } catch (error) {
 *   if (error instanceof TooManyAlertRulesError) console.warn(`limit is ${error.limit}`);
 * }
 * ```
 */
export class TooManyAlertRulesError extends MarketStreamError {
  /** The `maxRules` bound. */
  readonly limit: number;

  /** @param limit - The `maxRules` bound. */
  constructor(limit: number) {
    super('TOO_MANY_ALERT_RULES', `at most ${limit} alert rules (maxRules)`);
    this.limit = limit;
  }
}
