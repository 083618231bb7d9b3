import { SYMBOL_PATTERN } from '@market-stream/core';
import { InvalidAlertRuleError } from './errors.js';
import type { AlertRule } from './types.js';

const positive = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;

/** Throws {@link InvalidAlertRuleError} unless `rule` is well formed; returns a frozen copy. */
export function validateRule(rule: AlertRule): Readonly<AlertRule> {
  if (typeof rule?.id !== 'string' || rule.id === '') fail('id must be a non-empty string');
  if (typeof rule.symbol !== 'string' || !SYMBOL_PATTERN.test(rule.symbol))
    fail(`symbol ${JSON.stringify(rule.symbol)} is not a valid symbol`);
  if (rule.kind === 'above' || rule.kind === 'below') {
    if (!positive(rule.price)) fail('price must be a number greater than 0');
    const h = rule.hysteresisPct;
    if (h !== undefined && !(Number.isFinite(h) && h >= 0 && h < 100))
      fail('hysteresisPct must be at least 0 and below 100');
  } else if (rule.kind === 'move') {
    if (!positive(rule.percent)) fail('percent must be a number greater than 0');
    if (!positive(rule.windowMs)) fail('windowMs must be a number greater than 0');
  } else {
    fail(`unknown kind ${JSON.stringify((rule as { kind?: unknown }).kind)}`);
  }
  return Object.freeze({ ...rule });
}

function fail(reason: string): never {
  throw new InvalidAlertRuleError(reason);
}
