import { type AlertRule, createAlerts, type TickerClient } from '@market-stream/client';
import type { TickerGridElement } from '@market-stream/client/elements';
import { wireAlertDialog } from './alertDialog.js';
import { loadRules, saveRules } from './alertStore.js';
import { alertText, badgeText } from './describeRule.js';
import { notifyAlert } from './notifyAlert.js';

/**
 * The page's price alerts: the rules kept in localStorage, watched by `createAlerts`, shown as
 * each card's badge, edited in the alerts dialog, announced as notifications or toasts.
 * Returns `open(symbol?)`, which opens the dialog for a ticker.
 */
export function startPageAlerts(
  client: TickerClient,
  grid: TickerGridElement | null,
  symbols: readonly string[],
): { open(symbol?: string): void } {
  const storage = safeLocalStorage();
  const alerts = createAlerts(client, []);
  const refresh = () => {
    const rules = alerts.rules();
    saveRules(storage, rules);
    dialog.render(rules);
    for (const symbol of symbols) grid?.setBadge?.(symbol, badgeText(rules, symbol));
  };
  const add = (rule: AlertRule): string | undefined => {
    try {
      alerts.add(rule);
    } catch (error) {
      return (error as Error).message;
    }
    refresh();
    return undefined;
  };
  const dialog = wireAlertDialog(symbols, {
    add,
    remove: (id) => {
      alerts.remove(id);
      refresh();
    },
  });
  // A stored rule that no longer passes (edited by hand, an older page) is dropped.
  for (const rule of loadRules(storage)) add(rule);
  refresh();
  alerts.alerts$.subscribe((alert) =>
    notifyAlert(alertText(alert), document.getElementById('toasts')),
  );
  return { open: dialog.open };
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage blocked (privacy settings): alerts still work, for this visit only.
    return undefined;
  }
}
