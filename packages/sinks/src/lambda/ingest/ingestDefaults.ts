/**
 * Defaults of `answerIngest` and `createIngestHandler` (`@market-stream/sinks/lambda`), the
 * same bounds as the local server's `POST /api/ingest`: at most 1,000 trades and 1 MiB per
 * request, timestamps within 60 s of the function's clock. A write that has not reached Kinesis
 * 10 s after the request is given up (dead-lettered), well inside API Gateway's 30 s integration
 * timeout.
 *
 * @example
 * ```ts
 * import { INGEST_DEFAULTS } from '@market-stream/sinks/lambda';
 *
 * INGEST_DEFAULTS.maxTrades; // 1000
 * ```
 */
export const INGEST_DEFAULTS = Object.freeze({
  /** @default 1_048_576 (1 MiB; API Gateway HTTP APIs take up to 10 MB, Lambda up to 6 MB) */
  maxBodyBytes: 1_048_576,
  /** @default 1000 */
  maxTrades: 1000,
  /** @default 60_000 */
  maxClockSkewMs: 60_000,
  /** @default 10_000 */
  writeTtlMs: 10_000,
});
