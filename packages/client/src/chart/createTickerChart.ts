import type { Bar } from '@market-stream/core';
import type { Unsubscribable } from 'rxjs';
import { DEFAULT_CHART } from '../defaults.js';
import { ChartSession } from './ChartSession.js';
import { type ChartType, ChartView } from './ChartView.js';
import { chartStyles } from './chartStyles.js';
import { CHART_INTERVALS } from './intervals.js';
import { RedrawThrottle } from './RedrawThrottle.js';
import { readTheme } from './readTheme.js';
import type { ChartSource, TickerChartElement } from './types.js';

const OBSERVED = ['symbol', 'interval', 'history-url', 'trades-url', 'type'];

function part<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  name: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = name;
  node.setAttribute('part', name);
  return node;
}

/** Builds the `<ticker-chart>` class (see {@link TickerChartElement}); called at define time. */
export function createTickerChart(): CustomElementConstructor & { new (): TickerChartElement } {
  return class TickerChart extends HTMLElement implements TickerChartElement {
    static get observedAttributes(): string[] {
      return OBSERVED;
    }

    private source: ChartSource | undefined;
    private subscription: Unsubscribable | undefined;
    private session: ChartSession | undefined;
    private view: ChartView | undefined;
    private loaded = false;
    private readonly surface = part('div', 'chart');
    private readonly legend = part('div', 'legend');
    private readonly close = part('span', 'close');
    private readonly label = part('span', 'interval');
    private readonly name = part('span', 'symbol');
    private readonly failure = part('div', 'error');
    private readonly probe = document.createElement('span');
    private readonly redraw = new RedrawThrottle(DEFAULT_CHART.redrawMs, (bar) => {
      this.view?.update(bar);
      this.showLegend(bar);
    });

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = chartStyles;
      this.probe.className = 'probe';
      this.failure.hidden = true;
      this.failure.setAttribute('role', 'alert');
      this.legend.append(this.name, this.label, this.close);
      root.append(style, this.surface, this.legend, this.failure, this.probe);
    }

    get client(): ChartSource | undefined {
      return this.source;
    }

    set client(source: ChartSource | undefined) {
      if (source === this.source) return;
      this.subscription?.unsubscribe();
      this.subscription = undefined;
      this.source = source;
      if (this.isConnected) this.listen();
    }

    get symbol(): string {
      return (this.getAttribute('symbol') ?? '').trim().toUpperCase();
    }
    set symbol(value: string) {
      this.setAttribute('symbol', value);
    }
    get interval(): string {
      return this.getAttribute('interval') ?? DEFAULT_CHART.interval;
    }
    set interval(value: string) {
      this.setAttribute('interval', value);
    }
    get historyUrl(): string {
      return this.getAttribute('history-url') ?? DEFAULT_CHART.historyUrl;
    }
    set historyUrl(value: string) {
      this.setAttribute('history-url', value);
    }
    get tradesUrl(): string {
      return this.getAttribute('trades-url') ?? DEFAULT_CHART.tradesUrl;
    }
    set tradesUrl(value: string) {
      this.setAttribute('trades-url', value);
    }
    get type(): ChartType {
      return this.getAttribute('type') === 'line' ? 'line' : DEFAULT_CHART.type;
    }
    set type(value: ChartType) {
      this.setAttribute('type', value);
    }

    get bars(): readonly Bar[] {
      return this.session?.builder.bars.map((bar) => ({ ...bar })) ?? [];
    }
    get dropped(): { duplicates: number; late: number } {
      const { duplicates = 0, late = 0 } = this.session?.builder ?? {};
      return { duplicates, late };
    }
    get ready(): boolean {
      return this.loaded;
    }

    connectedCallback(): void {
      const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
      this.view = new ChartView(
        this.surface,
        readTheme(this, this.probe),
        this.type,
        reducedMotion,
      );
      this.reload();
      this.listen();
    }

    disconnectedCallback(): void {
      this.redraw.cancel();
      this.subscription?.unsubscribe();
      this.subscription = undefined;
      this.session?.close();
      this.session = undefined;
      this.view?.remove();
      this.view = undefined;
    }

    attributeChangedCallback(name: string, before: string | null, after: string | null): void {
      if (before === after || !this.view) return;
      if (name === 'type') this.view.setType(this.type, this.session?.builder.bars ?? []);
      else this.reload();
      if (name === 'symbol') this.source?.subscribe?.([this.symbol]);
    }

    private listen(): void {
      if (!this.source || this.subscription) return;
      if (this.symbol) this.source.subscribe?.([this.symbol]);
      this.subscription = this.source.trades$.subscribe({
        next: (trade) => this.session?.push(trade),
      });
    }

    private reload(): void {
      this.session?.close();
      this.session = undefined;
      this.redraw.cancel();
      this.loaded = false;
      this.failure.hidden = true;
      this.name.textContent = this.symbol;
      this.label.textContent = this.interval;
      this.close.textContent = '';
      this.view?.show([]);
      const ms = CHART_INTERVALS.get(this.interval);
      if (!this.symbol || ms === undefined) return;
      const urls = { bars: this.historyUrl, trades: this.tradesUrl };
      this.session = new ChartSession(this.symbol, { name: this.interval, ms }, urls, {
        reset: (bars) => {
          this.loaded = true;
          this.view?.show(bars);
          this.showLegend(bars.at(-1));
        },
        update: (bar) => this.redraw.push(bar),
        failed: (error) => {
          this.failure.textContent = `History unavailable: ${(error as Error).message}`;
          this.failure.hidden = false;
          this.dispatchEvent(new ErrorEvent('error', { error, message: String(error) }));
        },
      });
    }

    private showLegend(bar: Bar | undefined): void {
      if (!bar) return;
      this.close.textContent = bar.close.toFixed(2);
      this.legend.dataset.trend = bar.close >= bar.open ? 'up' : 'down';
    }
  };
}
