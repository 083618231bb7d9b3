/**
 * The environment variables of the ingest function (contract between {@link IngestApi} and its
 * bundled handler). Plain values: the handler bundle imports this file too.
 *
 * @example
 * ```ts
 * import { INGEST_ENV } from '@market-stream/cdk-constructs';
 *
 * process.env[INGEST_ENV.streamName]; // the Kinesis stream the function writes to
 * ```
 */
export const INGEST_ENV = Object.freeze({
  /** The Kinesis stream's name. */
  streamName: 'INGEST_STREAM_NAME',
  /** The dead-letter queue's URL. */
  deadLetterQueueUrl: 'INGEST_DEAD_LETTER_QUEUE_URL',
  /** Symbols ingest refuses (produced by the system's simulator), comma-separated. */
  reservedSymbols: 'INGEST_RESERVED_SYMBOLS',
  /** Most trades per request, decimal. */
  maxTrades: 'INGEST_MAX_TRADES',
} as const);
