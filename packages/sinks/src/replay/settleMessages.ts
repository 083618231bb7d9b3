import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { DeadLetterReplayError } from '../errors.js';
import type { ReplayDeadLettersOptions, ReplayProblem } from './replayTypes.js';

/**
 * Deletes replayed messages, 10 per DeleteMessageBatch; one SQS does not delete is added to
 * `kept` as `delete-failed` (it comes back, and replay is idempotent).
 * @returns How many were deleted.
 * @internal
 */
export async function deleteMessages(
  options: Pick<ReplayDeadLettersOptions, 'sqs' | 'queueUrl'>,
  messages: Message[],
  kept: ReplayProblem[],
): Promise<number> {
  let deleted = 0;
  for (let at = 0; at < messages.length; at += 10) {
    const batch = messages.slice(at, at + 10);
    const failed = new Map<string, string>();
    try {
      const output = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
      for (const entry of output.Failed ?? [])
        failed.set(entry.Id ?? '', entry.Message ?? entry.Code ?? '');
    } catch (error) {
      for (let index = 0; index < batch.length; index++) {
        failed.set(String(index), String((error as Error).message));
      }
    }
    batch.forEach((message, index) => {
      const why = failed.get(String(index));
      if (why === undefined) deleted++;
      else
        kept.push({
          messageId: message.MessageId ?? '',
          reason: 'delete-failed',
          error: new DeadLetterReplayError('DELETE_FAILED', `replayed, but not deleted: ${why}`),
        });
    });
  }
  return deleted;
}

/**
 * Makes messages visible again at once (a dry run looked at them without replaying them), 10
 * per ChangeMessageVisibilityBatch. Best effort: a message this misses comes back when its
 * visibility timeout ends anyway.
 * @internal
 */
export async function releaseMessages(
  options: Pick<ReplayDeadLettersOptions, 'sqs' | 'queueUrl'>,
  messages: Message[],
): Promise<void> {
  for (let at = 0; at < messages.length; at += 10) {
    await options.sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: messages.slice(at, at + 10).map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => undefined);
  }
}
