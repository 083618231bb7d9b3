import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ToDynamoOptions } from '../dynamo/toDynamo.js';
import type { DeadLetterReplayError } from '../errors.js';
import type { ToKinesisOptions } from '../kinesis/toKinesis.js';
import type { ToSqsOptions } from '../sqs/toSqs.js';

/**
 * The sinks a replay re-sends through, by the name a dead letter carries in `sink`: each is
 * the options of that sink. Its `onFailure` and `onUnsent` are the replay's own (what the sink
 * gives up on keeps its message in the queue), so leave them out.
 *
 * @example
 * ```ts
 * import type { ReplaySinks } from '@market-stream/sinks';
 *
 * const sinks: ReplaySinks = { dynamodb: { client: documentClient, tableName: 'trade-history' } };
 * ```
 */
export interface ReplaySinks {
  /** For dead letters of `toKinesis` (`sink: 'kinesis'`). */
  kinesis?: Omit<ToKinesisOptions, 'onFailure' | 'onUnsent'>;
  /** For dead letters of `toDynamo` (`sink: 'dynamodb'`). */
  dynamodb?: Omit<ToDynamoOptions, 'onFailure' | 'onUnsent'>;
  /** For dead letters of `toSqs` (`sink: 'sqs'`). */
  sqs?: Omit<ToSqsOptions, 'onFailure' | 'onUnsent'>;
}

/**
 * Options of {@link replayDeadLetters}.
 *
 * @example
 * ```ts
 * import type { ReplayDeadLettersOptions } from '@market-stream/sinks';
 *
 * const options: ReplayDeadLettersOptions = {
 *   sqs: sqsClient,
 *   queueUrl: process.env.DLQ_URL!,
 *   kinesis: kinesisClient,
 *   sinks: { dynamodb: { client: documentClient, tableName: 'trade-history' } },
 * };
 * ```
 */
export interface ReplayDeadLettersOptions {
  /** Your SDK v3 SQS client. */
  sqs: SQSClient;
  /** The dead-letter (or on-failure) queue to drain. */
  queueUrl: string;
  /** The sinks to re-send through, by dead letter `sink`. */
  sinks: ReplaySinks;
  /**
   * Your SDK v3 Kinesis client: needed for a Lambda Kinesis event source's on-failure records,
   * whose trades are re-read from the stream (`GetShardIterator` `AT_SEQUENCE_NUMBER`).
   * @default undefined (such records are reported `no-sink` and kept)
   */
  kinesis?: KinesisClient;
  /**
   * Which sink the trades of an on-failure record go through: the one the failed Lambda wrote
   * to (the trade processor writes the history with `toDynamo`).
   * @default 'dynamodb'
   */
  onFailureSink?: keyof ReplaySinks;
  /**
   * Most messages received in one run (kept ones included).
   * @default 1_000 (`REPLAY_DEFAULTS.maxMessages`)
   */
  maxMessages?: number;
  /**
   * ReceiveMessage batches (of up to 10 messages) replayed at once.
   * @default 4
   */
  concurrency?: number;
  /**
   * How long a received message stays invisible, in seconds: a kept message is not received
   * again in the same run, and comes back for the next run after this.
   * @default 300
   */
  visibilityTimeoutSeconds?: number;
  /**
   * ReceiveMessage long-poll wait, in seconds; a run ends at the first empty receive.
   * @default 1
   */
  waitTimeSeconds?: number;
  /**
   * Most Kinesis records one on-failure range may hold (a Lambda batch holds at most 10,000).
   * @default 10_000
   */
  maxRangeRecords?: number;
  /**
   * Asked before each ReceiveMessage: once it returns true the run receives nothing more,
   * finishes the messages in hand and returns (`stopped: true`). A Lambda passes its remaining
   * time against a margin, so the run ends before the function's timeout.
   * @default undefined (the run ends at `maxMessages` or the first empty receive)
   */
  shouldStop?: () => boolean;
  /**
   * Look, do not touch: parse every message and re-read its range, report what would be kept
   * and how many trades would be re-sent (`trades`), deliver and delete nothing, and make the
   * messages visible again at the end of each batch (ChangeMessageVisibility to 0).
   * @default false
   */
  dryRun?: boolean;
}

/**
 * Why a message was kept in the queue:
 * - `malformed`: neither a dead letter nor an on-failure record, or a dead letter whose record
 *   is not a valid trade;
 * - `no-record`: a dead letter without its record (it alone was over SQS's 1 MiB);
 * - `no-sink`: no sink given for its `sink` (or no `kinesis` client for an on-failure record),
 *   or a DynamoDB Streams on-failure record (`DDBStreamBatchInfo`), whose stream replay does not
 *   read;
 * - `past-retention`: the on-failure range is no longer (wholly) in the stream;
 * - `undecodable-records`: the range holds records that are not trades (the valid ones were
 *   replayed);
 * - `delivery-failed`: the sink gave up on some of its trades again;
 * - `delete-failed`: replayed, but SQS did not delete it (it comes back; replay is idempotent).
 *
 * @example
 * ```ts
 * import type { ReplayProblemReason } from '@market-stream/sinks';
 *
 * const reason: ReplayProblemReason = 'past-retention';
 * ```
 */
export type ReplayProblemReason =
  | 'malformed'
  | 'no-record'
  | 'no-sink'
  | 'past-retention'
  | 'undecodable-records'
  | 'delivery-failed'
  | 'delete-failed';

/**
 * A message {@link replayDeadLetters} did not delete, and why.
 *
 * @example
 * ```ts
 * for (const kept of report.kept) console.warn(kept.messageId, kept.reason, kept.error.message);
 * ```
 */
export interface ReplayProblem {
  /** The SQS message id. */
  messageId: string;
  /** Why it was kept. */
  reason: ReplayProblemReason;
  /** The error, with the details. */
  error: DeadLetterReplayError;
}

/**
 * What one {@link replayDeadLetters} run did.
 *
 * @example
 * ```ts
 * const report: ReplayReport = await replayDeadLetters(options);
 * console.log(`${report.deleted}/${report.received} messages, ${report.trades} trades`);
 * ```
 */
export interface ReplayReport {
  /** Messages received. */
  received: number;
  /** Messages whose trades were all delivered, then deleted. */
  deleted: number;
  /**
   * Trades the sinks delivered (a trade may be delivered again by a later run: idempotent); in
   * a dry run, the trades that would have been re-sent.
   */
  trades: number;
  /** Messages kept in the queue, with the reason. */
  kept: ReplayProblem[];
  /**
   * The run ended because `shouldStop()` said so, not because the queue looked empty or
   * `maxMessages` was reached: more may be waiting; run again.
   */
  stopped: boolean;
  /** A dry run: nothing was delivered or deleted (`deleted` is 0). */
  dryRun: boolean;
}
