import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { REPLAY_DEFAULTS, SINK_DEFAULTS } from '../defaults.js';
import { fullJitterDelay } from '../internal/backoff.js';
import { isTransientError } from '../internal/transientError.js';
import type { ReplayDeadLettersOptions } from './replayTypes.js';

/**
 * One ReceiveMessage, retried up to `REPLAY_DEFAULTS.receiveAttempts` times with full-jitter
 * backoff when SQS throttles or fails for a moment (on top of the client's own retries, which
 * a caller may have turned off); any other error, or the last attempt's, is thrown: a run that
 * cannot read its queue fails rather than reporting an empty queue.
 * @internal
 */
export async function receiveMessages(
  options: Pick<ReplayDeadLettersOptions, 'sqs' | 'queueUrl'>,
  want: number,
  visibilityTimeoutSeconds: number,
  waitTimeSeconds: number,
): Promise<Message[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { Messages = [] } = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: want,
          VisibilityTimeout: visibilityTimeoutSeconds,
          WaitTimeSeconds: waitTimeSeconds,
        }),
      );
      return Messages;
    } catch (error) {
      if (attempt >= REPLAY_DEFAULTS.receiveAttempts || !isTransientError(error)) throw error;
      const delay = fullJitterDelay(
        attempt,
        SINK_DEFAULTS.backoffBaseMs,
        SINK_DEFAULTS.backoffMaxMs,
        Math.random,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
