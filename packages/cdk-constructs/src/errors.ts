import { MarketStreamError } from '@market-stream/core';

/**
 * A construct was given props that cannot work together (both `existingXxx` and `xxxProps`,
 * a missing container image, a value out of range). Thrown at synth time, before anything is
 * deployed.
 *
 * @example
 * ```ts
 * import { ConstructPropsError, TradeStream } from '@market-stream/cdk-constructs';
 *
 * try {
 *   new TradeStream(stack, 'Trades', { existingStream, streamProps: {} });
 * } catch (error) {
 *   if (error instanceof ConstructPropsError) console.error(error.construct, error.message);
 * }
 * ```
 */
export class ConstructPropsError extends MarketStreamError {
  /** The construct class whose props were rejected, e.g. `TradeStream`. */
  readonly construct: string;

  /**
   * @param construct - The construct class name.
   * @param message - What is wrong and how to fix it.
   */
  constructor(construct: string, message: string) {
    super('INVALID_CONSTRUCT_PROPS', `${construct}: ${message}`);
    this.construct = construct;
  }
}

/**
 * A prebundled Lambda handler is missing from the package's `lambda/` directory. This happens in
 * a source checkout before the package was built; the message tells which command builds them.
 *
 * @example
 * ```ts
 * import { HandlerBundleMissingError } from '@market-stream/cdk-constructs';
 *
 * try {
 *   new TickerSystem(stack, 'Ticker', { fanout: 'serverless' });
 * } catch (error) {
 *   if (error instanceof HandlerBundleMissingError) console.error(error.bundlePath);
 * }
 * ```
 */
export class HandlerBundleMissingError extends MarketStreamError {
  /** The handler that is missing, e.g. `processor`. */
  readonly handler: string;
  /** Where the bundle was expected. */
  readonly bundlePath: string;

  /**
   * @param handler - The handler name.
   * @param bundlePath - The expected `lambda/<name>/index.js` path.
   */
  constructor(handler: string, bundlePath: string) {
    super(
      'HANDLER_BUNDLE_MISSING',
      `The prebundled Lambda handler "${handler}" is missing (${bundlePath}). ` +
        'Build the handlers first: pnpm -F @market-stream/cdk-constructs build:handlers',
    );
    this.handler = handler;
    this.bundlePath = bundlePath;
  }
}
