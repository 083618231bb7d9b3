import { element, text } from '../internal/dom.js';
import type { PriceNodes } from '../internal/PriceView.js';

/** The DOM of one `<ticker-grid>` card. */
export interface GridCard {
  nodes: PriceNodes;
  badge: HTMLElement;
  canvas: HTMLCanvasElement | undefined;
}

/**
 * Builds one card: a focusable option (`part="ticker card"`) with the symbol, the badge, the
 * price, the change and, when `sparkline` is set, the sparkline's canvas.
 */
export function gridCard(symbol: string, sparkline: boolean): GridCard {
  const root = element('div', 'cell', 'ticker card');
  root.setAttribute('role', 'option');
  root.setAttribute('aria-selected', 'false');
  root.tabIndex = 0;
  root.dataset.symbol = symbol;
  const flashUp = element('div', 'flash up', 'flash flash-up');
  const flashDown = element('div', 'flash down', 'flash flash-down');
  const head = element('div', 'head');
  const name = element('span', 'symbol', 'symbol');
  name.textContent = symbol;
  const badge = element('span', 'badge', 'badge');
  badge.hidden = true;
  const marker = element('span', 'stale-marker', 'stale-marker');
  marker.textContent = 'stale';
  head.append(name, badge, marker);
  const price = text('—');
  const priceBox = element('span', 'price', 'price');
  priceBox.append(price);
  const change = text('');
  const percent = text('');
  const changeBox = element('div', 'change');
  const changePart = element('span', 'abs', 'change');
  changePart.append(change);
  const percentPart = element('span', '', 'percent');
  percentPart.append(percent);
  changeBox.append(changePart, percentPart);
  root.append(flashUp, flashDown, head, priceBox, changeBox);
  let canvas: HTMLCanvasElement | undefined;
  if (sparkline) {
    canvas = element('canvas', 'spark', 'sparkline') as HTMLCanvasElement;
    canvas.setAttribute('aria-hidden', 'true');
    root.append(canvas);
  }
  return {
    nodes: { root, price, pulse: priceBox, change, percent, flashUp, flashDown },
    badge,
    canvas,
  };
}
