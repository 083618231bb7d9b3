import type { AboveRule, BelowRule } from './types.js';

/**
 * Watches one `above` or `below` level with hysteresis. Unarmed until the first price, which
 * arms it only if that price has not reached the level (a rule added past its level waits for
 * the price to come back first). `observe` returns whether this price fires the rule.
 */
export function levelWatch(
  rule: AboveRule | BelowRule,
  hysteresisPct: number,
): (price: number) => boolean {
  const above = rule.kind === 'above';
  const margin = (rule.hysteresisPct ?? hysteresisPct) / 100;
  const rearmAt = above ? rule.price * (1 - margin) : rule.price * (1 + margin);
  const reached = (price: number) => (above ? price >= rule.price : price <= rule.price);
  const rearms = (price: number) =>
    !reached(price) && (above ? price <= rearmAt : price >= rearmAt);
  let armed: boolean | undefined;
  return (price) => {
    if (armed === undefined) {
      armed = !reached(price);
      return false;
    }
    if (armed && reached(price)) {
      armed = false;
      return true;
    }
    if (!armed && rearms(price)) armed = true;
    return false;
  };
}
