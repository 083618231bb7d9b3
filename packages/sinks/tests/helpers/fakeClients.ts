import type {
  KinesisClient,
  PutRecordsCommandInput,
  PutRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import type { SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import type { BatchWriteCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import type { VirtualClock } from './virtualTime.js';

/** What a fake answers to one call: an error for the whole request, or per-entry failures. */
export type FakeAnswer = Error | { failIndexes?: number[]; code?: string; senderFault?: boolean };

interface FakeOptions {
  /** Virtual clock the answers wait on; without one they come at once. */
  clock?: VirtualClock;
  /** Answer latency in (virtual) ms. */
  latencyMs?: number;
  /** The answer to call number `call` (0-based); accept everything when undefined. */
  answer?: (call: number, size: number) => FakeAnswer | undefined;
}

/** A Kinesis client whose PutRecords answers as scripted, recording what it accepted. */
export function fakeKinesis(options: FakeOptions = {}) {
  const calls: PutRecordsCommandInput[] = [];
  const accepted: { partitionKey: string; data: Uint8Array }[] = [];
  const send = async (command: { input: PutRecordsCommandInput }) => {
    const input = command.input;
    const call = calls.push(input) - 1;
    if (options.clock && options.latencyMs) await options.clock.delay(options.latencyMs);
    const records = input.Records ?? [];
    const answer = options.answer?.(call, records.length);
    if (answer instanceof Error) throw answer;
    const failed = new Set(answer?.failIndexes ?? []);
    const output: PutRecordsCommandOutput = {
      $metadata: {},
      FailedRecordCount: failed.size,
      Records: records.map((record, index) => {
        if (failed.has(index)) {
          return {
            ErrorCode: answer?.code ?? 'ProvisionedThroughputExceededException',
            ErrorMessage: 'fake',
          };
        }
        accepted.push({ partitionKey: record.PartitionKey!, data: record.Data! });
        return { SequenceNumber: String(accepted.length), ShardId: 'shardId-000000000000' };
      }),
    };
    return output;
  };
  const decode = () =>
    accepted.map((record) => JSON.parse(new TextDecoder().decode(record.data)) as Trade);
  return { client: { send } as unknown as KinesisClient, calls, accepted, decode };
}

/** An SQS client whose SendMessageBatch answers as scripted. */
export function fakeSqs(options: FakeOptions = {}) {
  const calls: SendMessageBatchCommandInput[] = [];
  const accepted: { body: string; groupId?: string; deduplicationId?: string }[] = [];
  const send = async (command: { input: SendMessageBatchCommandInput }) => {
    const input = command.input;
    const call = calls.push(structuredClone(input)) - 1;
    if (options.clock && options.latencyMs) await options.clock.delay(options.latencyMs);
    const entries = input.Entries ?? [];
    const answer = options.answer?.(call, entries.length);
    if (answer instanceof Error) throw answer;
    const failed = new Set(answer?.failIndexes ?? []);
    const Successful = [];
    const Failed = [];
    for (const [index, entry] of entries.entries()) {
      if (failed.has(index)) {
        Failed.push({
          Id: entry.Id,
          Code: answer?.code ?? 'InternalError',
          SenderFault: answer?.senderFault ?? false,
          Message: 'fake',
        });
      } else {
        accepted.push({
          body: entry.MessageBody!,
          groupId: entry.MessageGroupId,
          deduplicationId: entry.MessageDeduplicationId,
        });
        Successful.push({ Id: entry.Id, MessageId: String(accepted.length), MD5OfMessageBody: '' });
      }
    }
    return { $metadata: {}, Successful, Failed };
  };
  return { client: { send } as unknown as SQSClient, calls, accepted };
}

/** A DynamoDB document client whose BatchWriteItem answers as scripted (failures → unprocessed). */
export function fakeDynamo(options: FakeOptions = {}) {
  const calls: BatchWriteCommandInput[] = [];
  const table = new Map<string, Record<string, unknown>>();
  let writes = 0;
  const send = async (command: { input: BatchWriteCommandInput }) => {
    const input = command.input;
    const call = calls.push(input) - 1;
    if (options.clock && options.latencyMs) await options.clock.delay(options.latencyMs);
    const [tableName, requests = []] = Object.entries(input.RequestItems ?? {})[0] ?? [];
    const answer = options.answer?.(call, requests.length);
    if (answer instanceof Error) throw answer;
    const failed = new Set(answer?.failIndexes ?? []);
    const unprocessed = [];
    for (const [index, request] of requests.entries()) {
      const item = request.PutRequest?.Item as Record<string, unknown>;
      if (failed.has(index)) unprocessed.push(request);
      else {
        writes++;
        table.set(`${item.pk}|${item.sk}`, item);
      }
    }
    return {
      $metadata: {},
      UnprocessedItems: unprocessed.length > 0 ? { [tableName!]: unprocessed } : {},
    };
  };
  return {
    client: { send } as unknown as DynamoDBDocumentClient,
    calls,
    table,
    get writes() {
      return writes;
    },
  };
}

/** An error shaped like the SDK's for a throttled request. */
export function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
}

/** An error shaped like the SDK's for a request the service refuses for good. */
export function invalid(): Error {
  return Object.assign(new Error('1 validation error'), {
    name: 'ValidationException',
    $metadata: { httpStatusCode: 400 },
  });
}

/** An error shaped like a dropped connection. */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}
