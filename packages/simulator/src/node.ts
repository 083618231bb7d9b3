/**
 * The Node-only trade sources and sinks of `@market-stream/simulator`: replaying and recording
 * NDJSON files. They import `node:fs`, which is why they live in this subpath and the main entry
 * stays browser-safe.
 *
 * @packageDocumentation
 * @module @market-stream/simulator/node
 */
export type { RecordTradesOptions } from './replay/recordTrades.js';
export { recordTrades } from './replay/recordTrades.js';
export type { ReplaySource, ReplayTradesOptions } from './replay/replayTrades.js';
export { replayTrades } from './replay/replayTrades.js';
