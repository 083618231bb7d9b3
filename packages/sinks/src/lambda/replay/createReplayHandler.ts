import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REPLAY_DEFAULTS, REPLAY_HANDLER_DEFAULTS } from '../../defaults.js';
import { DeadLetterReplayError } from '../../errors.js';
import { replayDeadLetters } from '../../replay/replayDeadLetters.js';
import type {
  ReplayDeadLettersOptions,
  ReplayProblemReason,
  ReplaySinks,
} from '../../replay/replayTypes.js';
import { replayMetricsLine } from './replayMetrics.js';

/**
 * What an invocation may ask for; it can only narrow the function's configuration.
 *
 * @example
 * ```ts
 * import type { ReplayHandlerEvent } from '@market-stream/sinks/lambda';
 *
 * const event: ReplayHandlerEvent = { maxMessages: 10, dryRun: true };
 * ```
 */
export interface ReplayHandlerEvent {
  /** At most this many messages (no more than the function's own `maxMessages`). */
  maxMessages?: number;
  /** Report what would be replayed; deliver and delete nothing. */
  dryRun?: boolean;
}

/**
 * The part of the Lambda context the handler reads; the real `Context` fits.
 *
 * @example
 * ```ts
 * import type { ReplayHandlerContext } from '@market-stream/sinks/lambda';
 *
 * const context: ReplayHandlerContext = { getRemainingTimeInMillis: () => 60_000 };
 * ```
 */
export interface ReplayHandlerContext {
  /** Milliseconds until the function times out. */
  getRemainingTimeInMillis(): number;
}

/**
 * What an invocation returns: the run's report, with each kept message's error as text.
 *
 * @example
 * ```ts
 * import type { ReplayHandlerResult } from '@market-stream/sinks/lambda';
 *
 * const result: ReplayHandlerResult = { received: 1, deleted: 1, trades: 1, kept: [], stopped: false, dryRun: false };
 * ```
 */
export interface ReplayHandlerResult {
  /** Messages received. */
  received: number;
  /** Messages replayed and deleted. */
  deleted: number;
  /** Trades delivered (in a dry run: that would be re-sent). */
  trades: number;
  /** Messages kept in the queue: id, reason, error code and message. */
  kept: { messageId: string; reason: ReplayProblemReason; code: string; message: string }[];
  /** The run stopped before the function's timeout; more may be waiting: invoke again. */
  stopped: boolean;
  /** Nothing was delivered or deleted. */
  dryRun: boolean;
}

/**
 * Options of {@link createReplayHandler}.
 *
 * @example
 * ```ts
 * import type { ReplayHandlerOptions } from '@market-stream/sinks/lambda';
 *
 * const options: ReplayHandlerOptions = { queueUrl: process.env.DLQ_URL!, historyTable: 'trade-history', streamName: 'trades' };
 * ```
 */
export interface ReplayHandlerOptions {
  /** The dead-letter (or on-failure) queue to drain. */
  queueUrl: string;
  /**
   * The history table: dead letters of `toDynamo`, and on-failure ranges with
   * `onFailureSink: 'dynamodb'`, are written there.
   * @default undefined (such messages are kept as `no-sink`)
   */
  historyTable?: string;
  /**
   * The stream: on-failure ranges are re-read from it (any stream the record names, with this
   * client), and dead letters of `toKinesis` are written back to it.
   * @default undefined (such messages are kept as `no-sink`)
   */
  streamName?: string;
  /**
   * Which sink an on-failure range's trades go through.
   * @default 'dynamodb' (`REPLAY_DEFAULTS.onFailureSink`)
   */
  onFailureSink?: 'dynamodb' | 'kinesis';
  /**
   * Most messages one invocation receives; an event may ask for fewer.
   * @default 1_000 (`REPLAY_DEFAULTS.maxMessages`)
   */
  maxMessages?: number;
  /**
   * Stop receiving when the function has less than this left, ms.
   * @default 30_000 (`REPLAY_HANDLER_DEFAULTS.stopMarginMs`)
   */
  stopMarginMs?: number;
  /**
   * Log each run's counts as CloudWatch Embedded Metric Format under this namespace
   * (`Received`, `Deleted`, `Kept`, `Trades`, dimension `FunctionName`); dry runs log none.
   * @default undefined (no metrics)
   */
  metricNamespace?: string;
  /** @default new SQSClient({}) */
  sqs?: SQSClient;
  /** @default new KinesisClient({}) when `streamName` is set */
  kinesis?: KinesisClient;
  /** @default DynamoDBDocumentClient.from(new DynamoDBClient({})) when `historyTable` is set */
  dynamodb?: DynamoDBDocumentClient;
  /** Other settings of {@link replayDeadLetters}. */
  replay?: Pick<
    ReplayDeadLettersOptions,
    'concurrency' | 'visibilityTimeoutSeconds' | 'waitTimeSeconds' | 'maxRangeRecords'
  >;
}

/**
 * Builds the Lambda handler of the `DeadLetterReplay` construct (`@market-stream/cdk-constructs`):
 * each invocation runs {@link replayDeadLetters} on one queue and returns its report.
 *
 * Guarantees: those of `replayDeadLetters` (a message is deleted only once its trades are
 * delivered; nothing is deleted silently; idempotent by `symbol#seq`), and the run stops
 * receiving `stopMarginMs` before the function's timeout: what it did not reach stays in the
 * queue (`stopped: true`, invoke again). An event can only narrow the run (fewer messages, a
 * dry run). Rejects (the invocation fails) on an invalid event or when SQS cannot be read.
 *
 * @param options - See {@link ReplayHandlerOptions}.
 * @returns The Lambda handler.
 * @throws `DeadLetterReplayError` (from `@market-stream/sinks`) `INVALID_REPLAY_OPTIONS` when neither `historyTable`
 *   nor `streamName` is given.
 *
 * @example
 * ```ts
 * import { createReplayHandler } from '@market-stream/sinks/lambda';
 *
 * export const handler = createReplayHandler({
 *   queueUrl: process.env.DLQ_URL!,
 *   historyTable: process.env.HISTORY_TABLE,
 *   streamName: process.env.STREAM_NAME,
 * });
 * ```
 */
export function createReplayHandler(
  options: ReplayHandlerOptions,
): (
  event: ReplayHandlerEvent | null | undefined,
  context: ReplayHandlerContext,
) => Promise<ReplayHandlerResult> {
  if (!options.historyTable && !options.streamName) {
    throw new DeadLetterReplayError(
      'INVALID_REPLAY_OPTIONS',
      'give historyTable or streamName (or both) to replay through',
    );
  }
  const sqs = options.sqs ?? new SQSClient({});
  const kinesis = options.streamName ? (options.kinesis ?? new KinesisClient({})) : undefined;
  const sinks: ReplaySinks = {};
  if (options.historyTable) {
    const client = options.dynamodb ?? DynamoDBDocumentClient.from(new DynamoDBClient({}));
    sinks.dynamodb = { client, tableName: options.historyTable };
  }
  if (kinesis && options.streamName) {
    sinks.kinesis = { client: kinesis, streamName: options.streamName, aggregate: true };
  }
  const margin = options.stopMarginMs ?? REPLAY_HANDLER_DEFAULTS.stopMarginMs;
  return async (event, context) => {
    const report = await replayDeadLetters({
      ...options.replay,
      sqs,
      queueUrl: options.queueUrl,
      sinks,
      kinesis,
      onFailureSink: options.onFailureSink,
      maxMessages: narrow(options.maxMessages, event?.maxMessages),
      dryRun: checkDryRun(event?.dryRun),
      shouldStop: () => context.getRemainingTimeInMillis() < margin,
    });
    if (options.metricNamespace && !report.dryRun) {
      const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'replay';
      console.log(replayMetricsLine(options.metricNamespace, name, report, Date.now()));
    }
    return {
      ...report,
      kept: report.kept.map(({ messageId, reason, error }) => ({
        messageId,
        reason,
        code: error.code,
        message: error.message,
      })),
    };
  };
}

function narrow(configured: number | undefined, asked: unknown): number {
  const most = configured ?? REPLAY_DEFAULTS.maxMessages;
  if (asked === undefined) return most;
  if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1) {
    throw new DeadLetterReplayError(
      'INVALID_REPLAY_OPTIONS',
      `event.maxMessages must be a whole number of at least 1, not ${JSON.stringify(asked)}`,
    );
  }
  return Math.min(most, asked);
}

function checkDryRun(asked: unknown): boolean {
  if (asked === undefined) return false;
  if (typeof asked !== 'boolean') {
    throw new DeadLetterReplayError(
      'INVALID_REPLAY_OPTIONS',
      `event.dryRun must be true or false, not ${JSON.stringify(asked)}`,
    );
  }
  return asked;
}
