import { SYMBOL_PATTERN, type Trade } from '@market-stream/core';
import type { Unsubscribable } from 'rxjs';
import { createTickerClient } from '../client/createTickerClient.js';
import type { ConnectionStatus, TickerClient } from '../client/types.js';
import { DEFAULT_ANIMATION } from '../defaults.js';
import { type AnimationLoop, sharedAnimationLoop } from '../internal/AnimationLoop.js';
import { type Formatters, formatters } from '../internal/formatters.js';
import type { PriceView, PriceViewOptions } from '../internal/PriceView.js';
import { RecoveryNotice } from '../internal/RecoveryNotice.js';
import type { Sparkline } from '../internal/Sparkline.js';
import type { TickerSource } from './types.js';

/** One symbol's DOM and views inside an element. */
export interface TickerEntry {
  /** The element(s) drawing the symbol; the tape draws each symbol twice. */
  roots: HTMLElement[];
  views: PriceView[];
  stale: boolean;
  /** The sparkline, when the element draws one. */
  spark?: Sparkline;
}

const OBSERVED = [
  'symbols',
  'url',
  'token',
  'locale',
  'currency',
  'duration',
  'speed',
  'sparkline',
  'selected',
];

/**
 * Builds the base class both elements extend: binding to a source, the `symbols` list, the
 * `url` shortcut, lifecycle. Built inside a function so that importing the package never
 * touches `HTMLElement` (Node-safe import).
 */
export function tickerElementBase(): typeof TickerElementBase {
  return class extends HTMLElement {
    static get observedAttributes(): string[] {
      return OBSERVED;
    }

    protected readonly root: ShadowRoot;
    protected readonly entries = new Map<string, TickerEntry>();
    protected readonly loop: AnimationLoop;
    protected format: Formatters = formatters();
    private source: TickerSource | undefined;
    private ownClient: TickerClient | undefined;
    private subscriptions: Unsubscribable[] = [];
    private fixed: string[] = [];
    private readonly notice = new RecoveryNotice(DEFAULT_ANIMATION.noticeMs);

    constructor() {
      super();
      this.root = this.attachShadow({ mode: 'open' });
      this.root.append(this.notice.node);
      this.loop = sharedAnimationLoop();
    }

    get client(): TickerSource | undefined {
      return this.source;
    }

    set client(source: TickerSource | undefined) {
      if (source === this.source) return;
      this.unbind();
      this.source = source;
      if (this.isConnected) this.bind();
    }

    get symbols(): readonly string[] {
      return this.fixed;
    }

    set symbols(symbols: readonly string[] | string) {
      this.setAttribute('symbols', typeof symbols === 'string' ? symbols : symbols.join(','));
    }

    connectedCallback(): void {
      if (!this.source && this.hasAttribute('url')) this.connectOwnClient();
      this.bind();
    }

    disconnectedCallback(): void {
      this.unbind();
      this.notice.hide();
      // Off the page: draw final states and leave the shared loop, which must not hold us.
      for (const entry of this.entries.values()) {
        for (const view of entry.views) {
          view.jump();
          this.loop.cancel(view);
        }
        entry.spark?.dispose();
      }
      this.ownClient?.close();
      if (this.ownClient && this.source === this.ownClient) this.source = undefined;
      this.ownClient = undefined;
    }

    attributeChangedCallback(name: string, before: string | null, after: string | null): void {
      if (before === after) return;
      if (name === 'symbols') {
        this.fixed = parseSymbols(after);
        this.rebuild();
      } else if (name === 'locale' || name === 'currency') {
        this.format = formatters(
          this.getAttribute('locale') ?? undefined,
          this.getAttribute('currency') ?? undefined,
        );
        this.rebuild();
      } else if ((name === 'url' || name === 'token') && this.isConnected && this.ownClient) {
        this.disconnectedCallback();
        this.connectedCallback();
      }
    }

    /** The animation tunables, from the `duration` attribute and the defaults. */
    protected get animation(): PriceViewOptions {
      const duration = Number(this.getAttribute('duration'));
      return duration >= 0 && this.hasAttribute('duration')
        ? { ...DEFAULT_ANIMATION, durationMs: duration }
        : DEFAULT_ANIMATION;
    }

    /** Creates the DOM of one symbol; subclasses override. */
    protected createEntry(_symbol: string): TickerEntry {
      throw new Error('createEntry is abstract');
    }

    /** Called after entries were added or removed. */
    protected entriesChanged(): void {}

    /** Builds every entry again (an attribute that shapes them changed) and rebinds. */
    protected rebuild(): void {
      this.clear();
      for (const symbol of this.fixed) this.entry(symbol);
      if (this.isConnected && this.source) this.bind();
    }

    /** Removes every entry. */
    protected clear(): void {
      for (const entry of this.entries.values()) {
        for (const view of entry.views) this.loop.cancel(view);
        entry.spark?.dispose();
      }
      this.entries.clear();
      this.entriesChanged();
    }

    protected entry(symbol: string): TickerEntry | undefined {
      let entry = this.entries.get(symbol);
      if (!entry) {
        const open = this.fixed.length === 0 || this.fixed.includes(symbol);
        if (!open || this.entries.size >= DEFAULT_ANIMATION.maxTickers) return undefined;
        entry = this.createEntry(symbol);
        this.entries.set(symbol, entry);
        this.entriesChanged();
      }
      return entry;
    }

    private draw(trade: Trade): void {
      const entry = this.entry(trade.symbol);
      if (!entry) return;
      for (const view of entry.views) view.update(trade.price);
      entry.spark?.add(trade.timestamp, trade.price);
    }

    private bind(): void {
      this.unbind();
      const source = this.source;
      if (!source) return;
      if (this.fixed.length > 0) {
        source.subscribe?.(this.fixed);
        for (const symbol of this.fixed) {
          const trade = source.latest?.(symbol);
          if (trade) this.draw(trade);
        }
      }
      this.subscriptions.push(source.trades$.subscribe({ next: (trade) => this.draw(trade) }));
      if (source.stale$) {
        this.subscriptions.push(
          source.stale$.subscribe({ next: (stale) => this.markStale(stale) }),
        );
      }
      if (source.recovered$) {
        this.subscriptions.push(
          source.recovered$.subscribe({
            next: (report) => this.notice.show(report, this.getAttribute('locale') ?? undefined),
          }),
        );
      }
      if (source.status$) {
        this.subscriptions.push(
          source.status$.subscribe({
            next: (status: ConnectionStatus) => this.setAttribute('status', status),
          }),
        );
      }
    }

    private unbind(): void {
      for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    }

    private markStale(stale: ReadonlySet<string>): void {
      for (const [symbol, entry] of this.entries) {
        const now = stale.has(symbol);
        if (now === entry.stale) continue;
        entry.stale = now;
        for (const root of entry.roots) {
          root.toggleAttribute('stale', now);
          root.part.toggle('stale', now);
        }
      }
    }

    private connectOwnClient(): void {
      this.ownClient = createTickerClient({
        url: this.getAttribute('url') ?? '',
        token: this.getAttribute('token') ?? undefined,
      });
      this.source = this.ownClient;
    }
  } as unknown as typeof TickerElementBase;
}

/**
 * The type of the class {@link tickerElementBase} builds; declared (not defined) so that the
 * declaration files can name its protected members.
 */
export declare abstract class TickerElementBase extends HTMLElement {
  static readonly observedAttributes: string[];
  protected readonly root: ShadowRoot;
  protected readonly entries: Map<string, TickerEntry>;
  protected readonly loop: AnimationLoop;
  protected format: Formatters;
  protected get animation(): PriceViewOptions;
  client: TickerSource | undefined;
  get symbols(): readonly string[];
  set symbols(symbols: readonly string[] | string);
  connectedCallback(): void;
  disconnectedCallback(): void;
  attributeChangedCallback(name: string, before: string | null, after: string | null): void;
  protected createEntry(symbol: string): TickerEntry;
  protected entry(symbol: string): TickerEntry | undefined;
  protected rebuild(): void;
  protected entriesChanged(): void;
  protected clear(): void;
}

function parseSymbols(value: string | null): string[] {
  if (!value) return [];
  return [
    ...new Set(
      value
        .split(/[\s,]+/)
        .map((symbol) => symbol.trim().toUpperCase())
        // Not a symbol by the Trade contract: ignored, so a typo never breaks the element.
        .filter((symbol) => SYMBOL_PATTERN.test(symbol)),
    ),
  ];
}
