import type { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { ServerlessFanout } from '../fanout/ServerlessFanout.js';
import type { StreamReadMode } from '../stream/StreamReadMode.js';

/**
 * Props of {@link TradeProcessor}. Give `existingDeadLetterQueue` or `deadLetterQueueProps`, not
 * both; give `historyTable`, `fanout` or both.
 *
 * @example
 * ```ts
 * import type { TradeProcessorProps } from '@market-stream/cdk-constructs';
 *
 * const props: TradeProcessorProps = { stream: trades.stream, historyTable: history.table, batchSize: 500 };
 * ```
 */
export interface TradeProcessorProps {
  /** The stream of trades (e.g. `tradeStream.stream`). */
  readonly stream: kinesis.IStream;
  /**
   * Write every trade to this history table (`HISTORY_TABLE`).
   * @default - no history
   */
  readonly historyTable?: dynamodb.ITable;
  /**
   * Send every trade to the subscribed connections of this serverless fan-out.
   * @default - no fan-out from the processor (the container topology reads the stream itself)
   */
  readonly fanout?: ServerlessFanout;
  /**
   * With `fanout`: send through a per-shard broadcaster function (the `broadcaster` handler) that
   * the processor invokes once per connection shard, so each shard's sends get a function's own
   * time and concurrency — for large deployments.
   * @default false (`DEFAULTS.processor.shardBroadcaster`) — the processor sends to every shard
   * itself
   */
  readonly shardBroadcaster?: boolean;
  /**
   * With `shardBroadcaster`: how often Lambda retries a broadcaster invocation that failed (0–2).
   * A retry comes a minute or more later, after newer batches, and clients drop trades older
   * than what they hold — so it would only reorder; a failed shard goes to the broadcast
   * on-failure queue instead, and its clients see a `seq` gap.
   * @default 0
   */
  readonly broadcasterRetryAttempts?: number;
  /**
   * With `shardBroadcaster`: how long a broadcaster invocation may wait in Lambda's asynchronous
   * queue (60 s–6 h) before it goes to the broadcast on-failure queue instead of delivering
   * stale prices.
   * @default Duration.seconds(60) — the shortest Lambda allows
   */
  readonly broadcasterMaxEventAge?: Duration;
  /**
   * How the function reads the stream. `'push'` registers an enhanced fan-out consumer of the
   * stream (`consumer`) and maps the function to it (`KinesisConsumerEventSource`): records
   * arrive by push at ~70 ms with 2 MB/s per shard of their own, billed per consumer-shard-hour
   * and per GB, and the consumer takes one of the stream's 20. `'poll'` keeps Lambda's standard
   * event source, which polls each shard once per second and shares the shard's 5 reads/s with
   * every other polling reader. Every other setting applies alike.
   * @default 'push' (`DEFAULTS.processor.readMode`)
   */
  readonly readMode?: StreamReadMode;
  /**
   * Most records per invocation (1–10,000).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long to gather records before invoking (0–300 s).
   * @default Duration.seconds(0) — a ticker wants trades now
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failing batch before its records are reported to the on-failure queue (0–10,000).
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * Split a failing batch in two and retry the halves, isolating a poison record.
   * @default true (`DEFAULTS.processor.bisectBatchOnError`)
   */
  readonly bisectBatchOnError?: boolean;
  /**
   * Batches processed concurrently per shard (1–10); order is kept per partition key (symbol).
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Where reading starts on first deployment.
   * @default lambda.StartingPosition.LATEST (`DEFAULTS.processor.startingPosition`)
   */
  readonly startingPosition?: lambda.StartingPosition;
  /**
   * Drop (to the on-failure queue) records older than this.
   * @default - records are retried until `retryAttempts` or expiry
   */
  readonly maxRecordAge?: Duration;
  /**
   * Use this queue as the on-failure destination instead of creating one.
   * @default - a new queue
   */
  readonly existingDeadLetterQueue?: sqs.IQueue;
  /**
   * Settings of the new on-failure queue, merged over the defaults.
   * @default - SQS-managed encryption, TLS enforced, 14-day retention
   */
  readonly deadLetterQueueProps?: sqs.QueueProps;
  /**
   * Function memory in MiB (CPU scales with it; fan-out is CPU bound).
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Function timeout.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Lambda runtime.
   * @default lambda.Runtime.NODEJS_24_X (`DEFAULTS.lambda.runtime`)
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Log retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Create the error and on-failure alarms.
   * @default true (`DEFAULTS.alarms`)
   */
  readonly alarms?: boolean;
}
