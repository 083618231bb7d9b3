import { element, text } from '../internal/dom.js';
import { PriceView } from '../internal/PriceView.js';
import { gridStyles } from './styles.js';
import { type TickerEntry, tickerElementBase } from './tickerElementBase.js';
import type { TickerGridElement } from './types.js';

/** Builds the `<ticker-grid>` class (see {@link TickerGridElement}); called at define time. */
export function createTickerGrid(): CustomElementConstructor & { new (): TickerGridElement } {
  return class TickerGrid extends tickerElementBase() {
    private readonly grid: HTMLElement;

    constructor() {
      super();
      const style = document.createElement('style');
      style.textContent = gridStyles;
      this.grid = element('div', 'grid', 'grid');
      this.grid.setAttribute('role', 'list');
      this.root.append(style, this.grid);
    }

    protected override createEntry(symbol: string): TickerEntry {
      const root = element('div', 'cell', 'ticker');
      root.setAttribute('role', 'listitem');
      root.dataset.symbol = symbol;
      const flashUp = element('div', 'flash up', 'flash flash-up');
      const flashDown = element('div', 'flash down', 'flash flash-down');
      const head = element('div', 'head');
      const name = element('span', 'symbol', 'symbol');
      name.textContent = symbol;
      const marker = element('span', 'stale-marker', 'stale-marker');
      marker.textContent = 'stale';
      head.append(name, marker);
      const price = text('—');
      const priceBox = element('span', 'price', 'price');
      priceBox.append(price);
      const change = text('');
      const percent = text('');
      const changeBox = element('div', 'change');
      const changePart = element('span', '', 'change');
      changePart.append(change);
      const percentPart = element('span', '', 'percent');
      percentPart.append(percent);
      changeBox.append(changePart, percentPart);
      root.append(flashUp, flashDown, head, priceBox, changeBox);
      this.grid.append(root);
      const view = new PriceView(
        { root, price, pulse: priceBox, change, percent, flashUp, flashDown },
        this.loop,
        this.format,
        this.animation,
      );
      return { roots: [root], views: [view], stale: false };
    }

    protected override clear(): void {
      super.clear();
      this.grid?.replaceChildren();
    }
  };
}
