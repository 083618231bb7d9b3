import { MarketStreamError } from '@market-stream/core';

/**
 * The custom element registry to define the elements in: `registry`, else the browser's.
 *
 * @param registry - A registry the caller gave, if any.
 * @returns The registry.
 * @throws `MarketStreamError` (`ELEMENTS_UNAVAILABLE`) when there is none, e.g. in Node.
 * @internal
 */
export function elementRegistry(registry?: CustomElementRegistry): CustomElementRegistry {
  const found =
    registry ?? (globalThis as { customElements?: CustomElementRegistry }).customElements;
  if (!found || typeof HTMLElement !== 'function') {
    throw new MarketStreamError(
      'ELEMENTS_UNAVAILABLE',
      'custom elements need a browser (no customElements registry in this runtime)',
    );
  }
  return found;
}
