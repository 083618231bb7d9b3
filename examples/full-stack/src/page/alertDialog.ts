import type { AlertRule } from '@market-stream/client';
import { longRule } from './describeRule.js';

/** What the dialog asks of the page; `add` returns an error message when the rule is refused. */
export interface AlertDialogActions {
  add(rule: AlertRule): string | undefined;
  remove(id: string): void;
}

let nextId = 0;
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Wires the alerts dialog of renderPage's markup: a native `<dialog>` (modal, Escape closes it,
 * focus stays inside) with a form to add a rule for a ticker and the list of rules, each with a
 * remove button. Returns `open(symbol?)` and `render(rules)`.
 */
export function wireAlertDialog(symbols: readonly string[], actions: AlertDialogActions) {
  const dialog = byId<HTMLDialogElement>('alerts-dialog');
  const form = byId<HTMLFormElement>('alert-form');
  const symbol = byId<HTMLSelectElement>('alert-symbol');
  const kind = byId<HTMLSelectElement>('alert-kind');
  const value = byId<HTMLInputElement>('alert-value');
  const windowLabel = byId<HTMLElement>('alert-window-label');
  const windowMinutes = byId<HTMLInputElement>('alert-window');
  const error = byId<HTMLElement>('alert-error');
  const list = byId<HTMLUListElement>('alert-list');
  symbol.replaceChildren(...symbols.map((s) => new Option(s, s)));

  kind.addEventListener('change', () => {
    windowLabel.hidden = kind.value !== 'move';
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const rule = ruleFromForm(
      symbol.value,
      kind.value,
      Number(value.value),
      Number(windowMinutes.value),
    );
    error.textContent = actions.add(rule) ?? '';
    if (!error.textContent) {
      value.value = '';
      value.focus();
    }
  });
  list.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-id]');
    if (button?.dataset.id) actions.remove(button.dataset.id);
  });
  byId('alerts-close').addEventListener('click', () => dialog.close());
  byId('alert-permission').addEventListener('click', () => void Notification.requestPermission());

  return {
    open(preselect?: string): void {
      if (preselect && symbols.includes(preselect)) symbol.value = preselect;
      error.textContent = '';
      if (!dialog.open) dialog.showModal();
      value.focus();
    },
    render(rules: readonly AlertRule[]): void {
      list.replaceChildren(...rules.map(ruleItem));
    },
  };
}

function ruleFromForm(symbol: string, kind: string, value: number, minutes: number): AlertRule {
  const id = `${symbol}-${Date.now().toString(36)}-${(nextId++).toString(36)}`;
  if (kind === 'move')
    return { id, kind, symbol, percent: value, windowMs: Math.round(minutes * 60_000) };
  return { id, kind: kind === 'below' ? 'below' : 'above', symbol, price: value };
}

function ruleItem(rule: AlertRule): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.symbol = rule.symbol;
  const text = document.createElement('span');
  text.textContent = longRule(rule);
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.dataset.id = rule.id;
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', `Remove alert: ${longRule(rule)}`);
  item.append(text, remove);
  return item;
}
