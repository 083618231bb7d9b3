import { DEFAULT_ANIMATION } from '../defaults.js';
import { element, text } from '../internal/dom.js';
import { PriceView } from '../internal/PriceView.js';
import { tapeStyles } from './styles.js';
import { type TickerEntry, tickerElementBase } from './tickerElementBase.js';
import type { TickerTapeElement } from './types.js';

/** Builds the `<ticker-tape>` class (see {@link TickerTapeElement}); called at define time. */
export function createTickerTape(): CustomElementConstructor & { new (): TickerTapeElement } {
  return class TickerTape extends tickerElementBase() {
    private readonly track: HTMLElement;
    // The tape holds its items twice so that translating by -50% loops seamlessly.
    private readonly groups: [HTMLElement, HTMLElement];
    private readonly resize: ResizeObserver | undefined;

    constructor() {
      super();
      const style = document.createElement('style');
      style.textContent = tapeStyles;
      const viewport = element('div', 'viewport', 'tape');
      this.track = element('div', 'track', 'track');
      this.groups = [element('div', 'group'), element('div', 'group')];
      this.groups[1].setAttribute('aria-hidden', 'true');
      this.track.append(...this.groups);
      viewport.append(this.track);
      this.root.append(style, viewport);
      // Duration follows the measured width so the speed stays constant; ResizeObserver
      // reports sizes after layout, so the animation loop never reads layout.
      if (typeof ResizeObserver === 'function') {
        this.resize = new ResizeObserver((entries) => {
          const width = entries[0]?.contentRect.width ?? 0;
          this.track.style.setProperty('--_duration', `${Math.max(5, width / this.speed)}s`);
        });
        this.resize.observe(this.groups[0]);
      }
    }

    private get speed(): number {
      const speed = Number(this.getAttribute('speed'));
      return speed > 0 ? speed : DEFAULT_ANIMATION.tapeSpeed;
    }

    protected override createEntry(symbol: string): TickerEntry {
      const views: PriceView[] = [];
      const roots: HTMLElement[] = [];
      for (const group of this.groups) {
        const root = element('span', 'item', 'item');
        root.dataset.symbol = symbol;
        const flashUp = element('span', 'flash up', 'flash-up');
        const flashDown = element('span', 'flash down', 'flash-down');
        const name = element('span', 'symbol', 'symbol');
        name.textContent = symbol;
        const price = text('—');
        const priceBox = element('span', 'price', 'price');
        priceBox.append(price);
        const percent = text('');
        const percentBox = element('span', 'change', 'percent');
        percentBox.append(percent);
        root.append(flashUp, flashDown, name, priceBox, percentBox);
        group.append(root);
        roots.push(root);
        views.push(
          new PriceView(
            { root, price, percent, flashUp, flashDown },
            this.loop,
            this.format,
            this.animation,
          ),
        );
      }
      return { roots, views, stale: false };
    }

    protected override clear(): void {
      super.clear();
      for (const group of this.groups ?? []) group.replaceChildren();
    }
  };
}
