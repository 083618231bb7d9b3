/** `POST /ingest` of {@link IngestApi}; reads `INGEST_STREAM_NAME`, `INGEST_DEAD_LETTER_QUEUE_URL`, `INGEST_RESERVED_SYMBOLS`, `INGEST_MAX_TRADES`. */
import {
  createIngestHandler,
  type HttpApiEventLike,
  type HttpApiResult,
} from '@market-stream/sinks/lambda';
import { INGEST_ENV } from '../api/IngestApiEnvironment.js';

let instance: ReturnType<typeof createIngestHandler> | undefined;

export function handler(event: HttpApiEventLike): Promise<HttpApiResult> {
  if (!instance) {
    const streamName = process.env[INGEST_ENV.streamName];
    if (!streamName) throw new Error(`${INGEST_ENV.streamName} is not set`);
    const queueUrl = process.env[INGEST_ENV.deadLetterQueueUrl];
    const reserved = process.env[INGEST_ENV.reservedSymbols] ?? '';
    const maxTrades = Number(process.env[INGEST_ENV.maxTrades]);
    instance = createIngestHandler({
      streamName,
      ...(queueUrl ? { deadLetter: { queueUrl } } : {}),
      reservedSymbols: reserved.split(',').filter((symbol) => symbol !== ''),
      ...(Number.isSafeInteger(maxTrades) && maxTrades > 0 ? { maxTrades } : {}),
    });
  }
  return instance(event);
}
