/**
 * Ticker custom elements: `<ticker-grid>` and `<ticker-tape>`, animated by one shared
 * requestAnimationFrame loop. Register them with {@link defineTickerElements}; importing this
 * module registers nothing and is safe in Node.
 *
 * @packageDocumentation
 * @module @market-stream/client/elements
 */
export { DEFAULT_ANIMATION, DEFAULT_ELEMENT_TAGS, DEFAULT_SPARKLINE } from './defaults.js';
export type { DefineTickerElementsOptions } from './elements/defineTickerElements.js';
export { defineTickerElements } from './elements/defineTickerElements.js';
export type {
  TickerElement,
  TickerGridElement,
  TickerSource,
  TickerTapeElement,
} from './elements/types.js';
