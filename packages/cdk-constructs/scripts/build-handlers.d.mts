/** Every handler the constructs run. */
export declare const HANDLERS: readonly string[];
/** Builds the handler bundles into `lambda/<name>/index.js`; returns their paths. */
export declare function buildHandlers(options?: { names?: string[] }): Promise<string[]>;
