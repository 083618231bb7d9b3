import type { AlertEvent, AlertRule } from '@market-stream/client';

const price = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** A rule in a few characters, for the card's badge: `▲ 200`, `▼ 150`, `± 2 % / 5 min`. */
export function shortRule(rule: AlertRule): string {
  if (rule.kind === 'above') return `▲ ${price.format(rule.price)}`;
  if (rule.kind === 'below') return `▼ ${price.format(rule.price)}`;
  return `± ${price.format(rule.percent)} % / ${price.format(rule.windowMs / 60_000)} min`;
}

/** A rule in words, for the list and the remove button's label. */
export function longRule(rule: AlertRule): string {
  if (rule.kind === 'move')
    return `${rule.symbol} moves ${price.format(rule.percent)} % within ${price.format(rule.windowMs / 60_000)} min`;
  return `${rule.symbol} ${rule.kind} ${price.format(rule.price)}`;
}

/** The badge of one symbol: its rules, or null when it has none. */
export function badgeText(rules: readonly AlertRule[], symbol: string): string | null {
  const own = rules.filter((rule) => rule.symbol === symbol).map(shortRule);
  return own.length > 0 ? own.join(' · ') : null;
}

/** What an alert says when it fires. */
export function alertText(alert: AlertEvent): string {
  const moved =
    alert.changePct === undefined
      ? ''
      : ` (${alert.changePct > 0 ? '+' : ''}${alert.changePct.toFixed(2)} %)`;
  return `${longRule(alert.rule)}: ${price.format(alert.price)}${moved}`;
}
