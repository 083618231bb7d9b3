/**
 * The on-demand dead-letter replay of {@link DeadLetterReplay}; reads `REPLAY_QUEUE_URL`,
 * `REPLAY_HISTORY_TABLE`, `REPLAY_STREAM_NAME`, `REPLAY_ON_FAILURE_SINK`, `REPLAY_MAX_MESSAGES`,
 * `REPLAY_METRIC_NAMESPACE`. Invoke with `{}` or `{ "maxMessages": 10, "dryRun": true }`.
 */
import {
  createReplayHandler,
  type ReplayHandlerContext,
  type ReplayHandlerEvent,
  type ReplayHandlerResult,
} from '@market-stream/sinks/lambda';
import { REPLAY_ENV } from '../replay/DeadLetterReplayEnvironment.js';

let instance: ReturnType<typeof createReplayHandler> | undefined;

export function handler(
  event: ReplayHandlerEvent | null | undefined,
  context: ReplayHandlerContext,
): Promise<ReplayHandlerResult> {
  if (!instance) {
    const queueUrl = process.env[REPLAY_ENV.queueUrl];
    if (!queueUrl) throw new Error(`${REPLAY_ENV.queueUrl} is not set`);
    const sink = process.env[REPLAY_ENV.onFailureSink];
    const maxMessages = Number(process.env[REPLAY_ENV.maxMessages]);
    instance = createReplayHandler({
      queueUrl,
      historyTable: process.env[REPLAY_ENV.historyTable] || undefined,
      streamName: process.env[REPLAY_ENV.streamName] || undefined,
      metricNamespace: process.env[REPLAY_ENV.metricNamespace] || undefined,
      ...(sink === 'dynamodb' || sink === 'kinesis' ? { onFailureSink: sink } : {}),
      ...(Number.isSafeInteger(maxMessages) && maxMessages > 0 ? { maxMessages } : {}),
    });
  }
  return instance(event, context);
}
