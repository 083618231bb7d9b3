import type { Message } from '@aws-sdk/client-sqs';
import { type Trade, tradeKey } from '@market-stream/core';
import { REPLAY_DEFAULTS } from '../defaults.js';
import { DeadLetterReplayError } from '../errors.js';
import { deliverTrades } from './deliverTrades.js';
import { parseReplayMessage } from './parseReplayMessage.js';
import { readSequenceRange } from './readSequenceRange.js';
import { receiveMessages } from './receiveMessages.js';
import type {
  ReplayDeadLettersOptions,
  ReplayProblem,
  ReplayReport,
  ReplaySinks,
} from './replayTypes.js';
import { deleteMessages, releaseMessages } from './settleMessages.js';

/** One received message on its way: the trades it names and the sink they go through. */
interface Pending {
  message: Message;
  sink: keyof ReplaySinks;
  trades: Trade[];
  /** Kept even when its trades are delivered (some of its records cannot be replayed). */
  problem?: Omit<ReplayProblem, 'messageId'>;
}

/**
 * Drains a dead-letter queue back into the sinks once the cause of the failures is fixed. It
 * reads two formats: the dead letters of {@link sqsDeadLetter} (one record each, re-sent
 * through the sink named in the letter's `sink`), and a Lambda Kinesis event source's
 * on-failure records, which name a shard and a sequence range rather than the records: those
 * are re-read from the stream while it still holds them, and re-sent through `onFailureSink`.
 *
 * Guarantees:
 * - A message is deleted only after every trade it names was delivered; one the sink gives up
 *   on again stays in the queue (`delivery-failed`).
 * - Nothing is deleted silently: a malformed message, a dead letter without its record, a
 *   range past the stream's retention are kept and reported in `kept`.
 * - Idempotent by `symbol#seq`: the sinks' keys make a trade delivered twice (two runs, or
 *   a message received again after a failed delete) one item in DynamoDB; on Kinesis and SQS
 *   consumers drop it by `symbol#seq`.
 * - Bounded: at most `maxMessages` messages per run, `concurrency` batches of up to 10 at
 *   once, `maxRangeRecords` records per range; no receive once `shouldStop()` says so (what
 *   was not received stays in the queue, `stopped` in the report). A kept message stays invisible for
 *   `visibilityTimeoutSeconds`, so one run never receives it twice.
 *
 * @param options - See {@link ReplayDeadLettersOptions}.
 * @returns What the run did; it rejects only when SQS itself cannot be read (a throttled or
 *   failed ReceiveMessage is retried `REPLAY_DEFAULTS.receiveAttempts` times first).
 * @throws {@link DeadLetterReplayError} `INVALID_REPLAY_OPTIONS` for options out of range.
 *
 * @example
 * ```ts
 * import { replayDeadLetters } from '@market-stream/sinks';
 *
 * const report = await replayDeadLetters({
 *   sqs: sqsClient,
 *   queueUrl: process.env.DLQ_URL!,
 *   kinesis: kinesisClient,
 *   sinks: { dynamodb: { client: documentClient, tableName: 'trade-history' } },
 * });
 * console.log(`${report.deleted} replayed, ${report.kept.length} kept`);
 * ```
 */
export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplayReport> {
  const settings = resolve(options);
  const report: ReplayReport = {
    received: 0,
    deleted: 0,
    trades: 0,
    kept: [],
    stopped: false,
    dryRun: options.dryRun ?? false,
  };
  let budget = settings.maxMessages;
  const held: Message[] = [];
  const worker = async () => {
    while (budget > 0) {
      if (options.shouldStop?.()) {
        report.stopped = true;
        return;
      }
      const want = Math.min(10, budget);
      budget -= want;
      const Messages = await receiveMessages(
        options,
        want,
        settings.visibilityTimeoutSeconds,
        settings.waitTimeSeconds,
      );
      budget += want - Messages.length;
      if (Messages.length === 0) return;
      report.received += Messages.length;
      await replayBatch(options, settings, Messages, report, held);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  // A dry run holds what it received until the end, so it never receives a message twice.
  await releaseMessages(options, held);
  return report;
}

async function replayBatch(
  options: ReplayDeadLettersOptions,
  settings: ReturnType<typeof resolve>,
  messages: Message[],
  report: ReplayReport,
  held: Message[],
): Promise<void> {
  const keep = (message: Message, problem: Omit<ReplayProblem, 'messageId'>) =>
    report.kept.push({ messageId: message.MessageId ?? '', ...problem });
  const pending: Pending[] = [];
  for (const message of messages) {
    const parsed = parseReplayMessage(message.Body);
    if (parsed.kind === 'kept') {
      keep(message, { reason: parsed.reason, error: parsed.error });
    } else if (parsed.kind === 'dead-letter') {
      if (options.sinks[parsed.sink] === undefined) keep(message, noSink(`sinks.${parsed.sink}`));
      else pending.push({ message, sink: parsed.sink, trades: [parsed.trade] });
    } else if (
      options.kinesis === undefined ||
      options.sinks[settings.onFailureSink] === undefined
    ) {
      keep(message, noSink(options.kinesis ? `sinks.${settings.onFailureSink}` : 'kinesis'));
    } else {
      const read = await readSequenceRange(
        options.kinesis,
        parsed.range,
        settings.maxRangeRecords,
      ).catch((cause: unknown) => ({
        trades: [],
        problem: {
          reason: 'malformed' as const,
          error:
            cause instanceof DeadLetterReplayError
              ? cause
              : new DeadLetterReplayError('MALFORMED', 'the range could not be read', { cause }),
        },
      }));
      if (read.problem?.reason === 'malformed') {
        keep(message, read.problem);
      } else {
        pending.push({
          message,
          sink: settings.onFailureSink,
          trades: read.trades,
          problem: read.problem,
        });
      }
    }
  }
  if (options.dryRun) {
    report.trades += pending.reduce((sum, entry) => sum + entry.trades.length, 0);
    for (const entry of pending) if (entry.problem) keep(entry.message, entry.problem);
    held.push(...messages);
    return;
  }
  const done: Message[] = [];
  for (const sink of ['kinesis', 'dynamodb', 'sqs'] as const) {
    const group = pending.filter((entry) => entry.sink === sink);
    if (group.length === 0) continue;
    const { delivered, failed } = await deliverTrades(
      options.sinks,
      sink,
      group.flatMap((entry) => entry.trades),
    );
    report.trades += delivered;
    for (const entry of group) {
      const lost = entry.trades.filter((trade) => failed.has(tradeKey(trade)));
      if (lost.length > 0) {
        keep(entry.message, {
          reason: 'delivery-failed',
          error: new DeadLetterReplayError(
            'DELIVERY_FAILED',
            `${sink}: ${lost.length} trade(s) not delivered again (${lost.slice(0, 3).map(tradeKey).join(', ')}…)`,
          ),
        });
      } else if (entry.problem) keep(entry.message, entry.problem);
      else done.push(entry.message);
    }
  }
  report.deleted += await deleteMessages(options, done, report.kept);
}

function noSink(what: string): Omit<ReplayProblem, 'messageId'> {
  return {
    reason: 'no-sink',
    error: new DeadLetterReplayError('NO_SINK', `no ${what} given to replay this message through`),
  };
}

function resolve(options: ReplayDeadLettersOptions) {
  const settings = {
    maxMessages: options.maxMessages ?? REPLAY_DEFAULTS.maxMessages,
    concurrency: options.concurrency ?? REPLAY_DEFAULTS.concurrency,
    visibilityTimeoutSeconds:
      options.visibilityTimeoutSeconds ?? REPLAY_DEFAULTS.visibilityTimeoutSeconds,
    waitTimeSeconds: options.waitTimeSeconds ?? REPLAY_DEFAULTS.waitTimeSeconds,
    maxRangeRecords: options.maxRangeRecords ?? REPLAY_DEFAULTS.maxRangeRecords,
    onFailureSink: options.onFailureSink ?? REPLAY_DEFAULTS.onFailureSink,
  };
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new DeadLetterReplayError(
        'INVALID_REPLAY_OPTIONS',
        `${name} must be a whole number from ${min} to ${max}, not ${value}`,
      );
    }
  };
  if (!options.queueUrl)
    throw new DeadLetterReplayError('INVALID_REPLAY_OPTIONS', 'queueUrl is required');
  whole('maxMessages', settings.maxMessages, 1, Number.MAX_SAFE_INTEGER);
  whole('concurrency', settings.concurrency, 1, 100);
  // SQS limits: visibility 0 to 12 hours, long polls 0 to 20 s.
  whole('visibilityTimeoutSeconds', settings.visibilityTimeoutSeconds, 0, 43_200);
  whole('waitTimeSeconds', settings.waitTimeSeconds, 0, 20);
  whole('maxRangeRecords', settings.maxRangeRecords, 1, Number.MAX_SAFE_INTEGER);
  return settings;
}
