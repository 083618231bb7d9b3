import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Trade } from '@market-stream/core';
import { from, lastValueFrom } from 'rxjs';
import { INGEST_DEFAULTS } from '../../defaults.js';
import { toKinesis } from '../../kinesis/toKinesis.js';
import { sqsDeadLetter } from '../../sqs/sqsDeadLetter.js';
import type { SinkFailure } from '../../types.js';
import { answerIngest } from './answerIngest.js';
import type { IngestAnswer, IngestRules } from './ingestTypes.js';

/**
 * The fields of an API Gateway HTTP API (payload format 2.0) event the ingest handler reads;
 * `APIGatewayProxyEventV2` from `@types/aws-lambda` fits.
 *
 * @example
 * ```ts
 * import type { HttpApiEventLike } from '@market-stream/sinks/lambda';
 *
 * const event: HttpApiEventLike = {
 *   requestContext: { http: { method: 'POST' } },
 *   headers: { 'content-type': 'application/json' },
 *   body: '[]',
 *   isBase64Encoded: false,
 * };
 * ```
 */
export interface HttpApiEventLike {
  /** `http.method` is the request's method. */
  requestContext: { http: { method: string } };
  /** Header names in lower case, as HTTP APIs deliver them. */
  headers?: Record<string, string | undefined>;
  /** The body. */
  body?: string;
  /** Whether `body` is base64. */
  isBase64Encoded?: boolean;
}

/**
 * An HTTP API (payload format 2.0) Lambda result; `APIGatewayProxyStructuredResultV2` fits.
 *
 * @example
 * ```ts
 * import type { HttpApiResult } from '@market-stream/sinks/lambda';
 *
 * const result: HttpApiResult = { statusCode: 202, headers: { 'content-type': 'application/json' }, body: '{"accepted":1}' };
 * ```
 */
export interface HttpApiResult {
  /** The HTTP status. */
  statusCode: number;
  /** Response headers. */
  headers: Record<string, string>;
  /** The JSON body. */
  body: string;
}

/**
 * Options of {@link createIngestHandler}, with the request rules of {@link IngestRules}.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 * import type { IngestHandlerOptions } from '@market-stream/sinks/lambda';
 *
 * const options: IngestHandlerOptions = { client: new KinesisClient({ maxAttempts: 1 }), streamName: 'trades' };
 * ```
 */
export interface IngestHandlerOptions extends IngestRules {
  /**
   * The SDK v3 Kinesis client trades are written with.
   * @default new KinesisClient({}) (the function's region and role)
   */
  client?: KinesisClient;
  /** The stream's name. */
  streamName: string;
  /**
   * Where trades that cannot be written go (sinks' `sqsDeadLetter` format). Without it, a
   * write that fails answers 503 and the caller must resend. `client` defaults to
   * `new SQSClient({})`.
   * @default undefined
   */
  deadLetter?: { client?: SQSClient; queueUrl: string };
  /**
   * Longest a trade may wait for Kinesis (retries included), ms from the request, before it
   * is dead-lettered.
   * @default 10_000 (`INGEST_DEFAULTS.writeTtlMs`)
   */
  writeTtlMs?: number;
  /**
   * Clock for the timestamp rule.
   * @default Date.now
   */
  now?: () => number;
}

/**
 * Builds the Lambda handler of the deployed `POST /ingest` (the `IngestApi` construct of
 * `@market-stream/cdk-constructs`): {@link answerIngest} decides, and admitted trades are
 * written with `toKinesis` (KPL-aggregated, ordered per symbol, retried with backoff).
 *
 * Guarantees:
 * - Every refusal of `answerIngest` (400, 405, 413, 415) writes nothing.
 * - 202 `{ accepted }` once every trade is in the stream, or `{ accepted, deadLettered }` when
 *   some could not be written within `writeTtlMs` and are safe in the dead-letter queue for
 *   replay. 503 `WRITE_FAILED` when a trade reached neither (or no queue is configured): the
 *   caller should resend the whole request; trades are keyed `symbol#seq`, so a resend of
 *   trades that did arrive leaves one history row each.
 * - Never throws: an unexpected failure answers 500 `INTERNAL`.
 *
 * @param options - See {@link IngestHandlerOptions}.
 * @returns The Lambda handler.
 *
 * @example
 * ```ts
 * import { createIngestHandler } from '@market-stream/sinks/lambda';
 *
 * export const handler = createIngestHandler({
 *   streamName: process.env.STREAM_NAME!,
 *   deadLetter: { queueUrl: process.env.DLQ_URL! },
 * });
 * ```
 */
export function createIngestHandler(
  options: IngestHandlerOptions,
): (event: HttpApiEventLike) => Promise<HttpApiResult> {
  const now = options.now ?? Date.now;
  const client = options.client ?? new KinesisClient({});
  const { deadLetter } = options;
  const onDeadLetter = deadLetter
    ? sqsDeadLetter<Trade>({
        client: deadLetter.client ?? new SQSClient({}),
        queueUrl: deadLetter.queueUrl,
      })
    : undefined;
  return async (event) => {
    try {
      const decision = answerIngest(
        {
          method: event.requestContext.http.method,
          contentType: event.headers?.['content-type'],
          body: event.body,
          isBase64Encoded: event.isBase64Encoded ?? false,
        },
        options,
        now(),
      );
      if (!decision.ok) return result(decision.answer);
      return result(await write(decision.trades, client, options, onDeadLetter));
    } catch (error) {
      console.error('[ingest] failed:', error);
      return result({
        status: 500,
        body: { error: { code: 'INTERNAL', message: 'internal error' } },
      });
    }
  };
}

async function write(
  trades: Trade[],
  client: KinesisClient,
  options: IngestHandlerOptions,
  onDeadLetter: ((failure: SinkFailure<Trade>) => Promise<void>) | undefined,
): Promise<IngestAnswer> {
  let deadLettered = 0;
  try {
    await lastValueFrom(
      from(trades).pipe(
        toKinesis<Trade>({
          client,
          streamName: options.streamName,
          aggregate: true,
          lingerMs: 0,
          recordTtlMs: options.writeTtlMs ?? INGEST_DEFAULTS.writeTtlMs,
          ...(onDeadLetter
            ? {
                onFailure: async (failure: SinkFailure<Trade>) => {
                  await onDeadLetter(failure);
                  deadLettered += failure.records.length;
                },
              }
            : {}),
        }),
      ),
      { defaultValue: undefined },
    );
  } catch (error) {
    console.error('[ingest] write failed:', error);
    const message = 'trades could not be written; resend the request (symbol#seq is idempotent)';
    return { status: 503, body: { error: { code: 'WRITE_FAILED', message } } };
  }
  const accepted = trades.length;
  return { status: 202, body: deadLettered > 0 ? { accepted, deadLettered } : { accepted } };
}

function result(answer: IngestAnswer): HttpApiResult {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (answer.status === 503) headers['retry-after'] = '1';
  return { statusCode: answer.status, headers, body: JSON.stringify(answer.body) };
}
