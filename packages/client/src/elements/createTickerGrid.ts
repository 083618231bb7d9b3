import { DEFAULT_SPARKLINE } from '../defaults.js';
import { DrawQueue } from '../internal/DrawQueue.js';
import { element } from '../internal/dom.js';
import { PriceView } from '../internal/PriceView.js';
import { Sparkline, type SparkPoint } from '../internal/Sparkline.js';
import { gridCard } from './gridCard.js';
import { gridStyles } from './styles.js';
import { type TickerEntry, tickerElementBase } from './tickerElementBase.js';
import type { TickerGridElement } from './types.js';

/** Builds the `<ticker-grid>` class (see {@link TickerGridElement}); called at define time. */
export function createTickerGrid(): CustomElementConstructor & { new (): TickerGridElement } {
  return class TickerGrid extends tickerElementBase() {
    private readonly grid: HTMLElement;
    private readonly detail: HTMLElement;
    private readonly badges = new Map<string, string>();
    private readonly sizes = new ResizeObserver((entries) => {
      for (const { target, contentRect } of entries) {
        this.sparkOf(target)?.resize(contentRect.width, contentRect.height);
      }
    });
    private colors: string[] | undefined;
    private readonly sparks = new DrawQueue(this.loop, DEFAULT_SPARKLINE.drawsPerFrame);

    constructor() {
      super();
      const style = document.createElement('style');
      style.textContent = gridStyles;
      this.grid = element('div', 'grid', 'grid');
      this.grid.setAttribute('role', 'listbox');
      // The page's `slot="detail"` content, kept right after the selected card; with
      // `grid-auto-flow: dense` the cards after it fill the row, so it opens below the row.
      this.detail = element('div', 'detail', 'detail');
      const slot = document.createElement('slot');
      slot.name = 'detail';
      this.detail.append(slot);
      this.detail.hidden = true;
      // Only shows or hides: moving the slot here would fire another slotchange.
      slot.addEventListener('slotchange', () => this.showDetail());
      this.grid.addEventListener('click', (event) => this.pick(event));
      this.grid.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') this.pick(event);
      });
      this.root.append(style, this.grid);
    }

    get selectedSymbol(): string | null {
      return this.getAttribute('selected');
    }

    set selectedSymbol(symbol: string | null) {
      if (symbol) this.setAttribute('selected', symbol);
      else this.removeAttribute('selected');
    }

    setBadge(symbol: string, badge: string | null): void {
      if (badge) this.badges.set(symbol, badge);
      else this.badges.delete(symbol);
      const node = this.cardOf(symbol)?.querySelector('.badge') as HTMLElement | null;
      if (node) {
        node.textContent = badge ?? '';
        node.hidden = !badge;
      }
    }

    seedSparkline(symbol: string, points: readonly SparkPoint[]): void {
      this.entry(symbol)?.spark?.seed(points);
    }

    override attributeChangedCallback(name: string, before: string | null, after: string | null) {
      super.attributeChangedCallback(name, before, after);
      if (before === after) return;
      if (name === 'sparkline') this.rebuild();
      if (name === 'selected') this.placeDetail();
    }

    protected override createEntry(symbol: string): TickerEntry {
      const minutes = Number(this.getAttribute('sparkline'));
      const card = gridCard(symbol, minutes > 0);
      const { root } = card.nodes;
      this.grid.append(root);
      const view = new PriceView(card.nodes, this.loop, this.format, this.animation);
      const entry: TickerEntry = { roots: [root], views: [view], stale: false };
      if (card.canvas) {
        const windowMs = Math.min(minutes, DEFAULT_SPARKLINE.maxMinutes) * 60_000;
        entry.spark = new Sparkline(
          card.canvas,
          this.sparks,
          windowMs,
          DEFAULT_SPARKLINE.bucketMs,
          (up) => this.color(up),
        );
        this.sizes.observe(card.canvas);
      }
      const badge = this.badges.get(symbol);
      if (badge) {
        card.badge.textContent = badge;
        card.badge.hidden = false;
      }
      return entry;
    }

    protected override entriesChanged(): void {
      // The selected card may arrive after the selection (no `symbols`, first trade later).
      if (this.detail && !this.detail.isConnected && this.selectedSymbol) this.placeDetail();
    }

    protected override clear(): void {
      super.clear();
      this.sizes?.disconnect();
      this.grid?.replaceChildren();
    }

    private cardOf(symbol: string | null): HTMLElement | undefined {
      return symbol ? this.entries.get(symbol)?.roots[0] : undefined;
    }

    private sparkOf(canvas: Element): Sparkline | undefined {
      const symbol = (canvas.parentElement as HTMLElement).dataset.symbol ?? '';
      return this.entries.get(symbol)?.spark;
    }

    /** The line colour by trend, read once from the theme's custom properties. */
    private color(up: boolean): string {
      this.colors ??= ['--_down', '--_up'].map((name) =>
        getComputedStyle(this).getPropertyValue(name).trim(),
      );
      return this.colors[up ? 1 : 0] as string;
    }

    private pick(event: Event): void {
      const card = (event.target as Element).closest?.('.cell') as HTMLElement | null;
      const symbol = card?.dataset.symbol;
      if (!symbol || !this.grid.contains(card)) return;
      event.preventDefault();
      const select = new CustomEvent('ticker-select', {
        detail: { symbol },
        bubbles: true,
        composed: true,
        cancelable: true,
      });
      if (this.dispatchEvent(select)) this.selectedSymbol = symbol;
    }

    /** Marks the selected card and moves the detail slot right after it. */
    private placeDetail(): void {
      const selected = this.selectedSymbol;
      for (const [symbol, entry] of this.entries) {
        const card = entry.roots[0] as HTMLElement;
        const on = symbol === selected;
        card.setAttribute('aria-selected', String(on));
        card.part.toggle('selected', on);
      }
      const card = this.cardOf(selected);
      if (!card) this.detail.remove();
      else if (card.nextSibling !== this.detail) card.after(this.detail);
      this.showDetail();
    }

    private showDetail(): void {
      const slot = this.detail.firstChild as HTMLSlotElement;
      this.detail.hidden = !this.detail.isConnected || slot.assignedNodes().length === 0;
    }
  };
}
