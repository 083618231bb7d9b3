import { DEFAULT_ELEMENT_TAGS } from '../defaults.js';
import { elementRegistry } from '../internal/elementRegistry.js';
import { createTickerGrid } from './createTickerGrid.js';
import { createTickerTape } from './createTickerTape.js';

/**
 * Options of {@link defineTickerElements}.
 *
 * @example
 * ```ts
 * import type { DefineTickerElementsOptions } from '@market-stream/client/elements';
 *
 * const options: DefineTickerElementsOptions = { grid: 'stock-grid', tape: 'stock-tape' };
 * ```
 */
export interface DefineTickerElementsOptions {
  /**
   * Tag name of the grid element.
   * @default 'ticker-grid' (`DEFAULT_ELEMENT_TAGS.grid`)
   */
  grid?: string;
  /**
   * Tag name of the tape element.
   * @default 'ticker-tape' (`DEFAULT_ELEMENT_TAGS.tape`)
   */
  tape?: string;
  /**
   * The registry to define them in.
   * @default globalThis.customElements
   */
  registry?: CustomElementRegistry;
}

/**
 * Registers `<ticker-grid>` and `<ticker-tape>`. Nothing is registered on import (the package
 * is side-effect free and safe to import in Node); call this once in the browser. Calling it
 * again is harmless: tags already defined are left alone.
 *
 * @param options - Tag names and registry, see {@link DefineTickerElementsOptions}.
 * @throws `MarketStreamError` (from `@market-stream/core`) (`ELEMENTS_UNAVAILABLE`) when there is no custom element
 * registry, e.g. in Node.
 *
 * @example
 * ```ts
 * import { createTickerClient } from '@market-stream/client';
 * import { defineTickerElements } from '@market-stream/client/elements';
 *
 * defineTickerElements();
 * document.body.innerHTML = '<ticker-tape></ticker-tape><ticker-grid symbols="AAPL,MSFT"></ticker-grid>';
 * const client = createTickerClient({ url: 'ws://localhost:3000/ws' });
 * for (const element of document.querySelectorAll('ticker-grid, ticker-tape')) {
 *   (element as import('@market-stream/client/elements').TickerGridElement).client = client;
 * }
 * ```
 */
export function defineTickerElements(options: DefineTickerElementsOptions = {}): void {
  const registry = elementRegistry(options.registry);
  const grid = options.grid ?? DEFAULT_ELEMENT_TAGS.grid;
  const tape = options.tape ?? DEFAULT_ELEMENT_TAGS.tape;
  if (!registry.get(grid)) registry.define(grid, createTickerGrid());
  if (!registry.get(tape)) registry.define(tape, createTickerTape());
}
