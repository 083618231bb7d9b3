import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message the double accepted. */
export interface StoredMessage {
  messageId: string;
  body: string;
  groupId?: string;
  deduplicationId?: string;
}

/** How the double fails an entry or a whole request. */
export interface SqsDoubleFaults {
  /** `'retryable'` → Failed with SenderFault false, `'sender'` → SenderFault true. */
  entry?: (entry: { MessageBody: string }, queue: string) => 'retryable' | 'sender' | undefined;
  /** Share of requests answered with a throttling error. */
  throttleRate?: number;
  random?: () => number;
}

/** A protocol-level SQS test double: AWS JSON 1.0, `AmazonSQS.SendMessageBatch`. */
export interface SqsDouble {
  endpoint: string;
  /** A queue URL on the double (`.fifo` names behave as FIFO queues: deduplication). */
  queueUrl(name: string): string;
  /** Messages per queue name, in the order they were enqueued. */
  queues: Map<string, StoredMessage[]>;
  stats: { requests: number; failedEntries: number; throttled: number; deduplicated: number };
  close(): Promise<void>;
}

interface BatchEntry {
  Id: string;
  MessageBody: string;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

/**
 * Starts the double on 127.0.0.1. It validates what real SQS validates for SendMessageBatch
 * (1–10 entries, distinct ids, 1 MiB per batch, FIFO group and deduplication ids), answers
 * with `Successful` and `Failed` entries and MD5 digests the SDK checks, and deduplicates FIFO
 * messages by `MessageDeduplicationId`.
 */
export async function startSqsDouble(faults: SqsDoubleFaults = {}): Promise<SqsDouble> {
  const queues = new Map<string, StoredMessage[]>();
  const seen = new Map<string, Set<string>>();
  const stats = { requests: 0, failedEntries: 0, throttled: 0, deduplicated: 0 };
  const random = faults.random ?? Math.random;
  let nextId = 1;

  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, payload: unknown, queryError?: string) => {
      const text = JSON.stringify(payload);
      const headers: Record<string, string | number> = {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': `req-${nextId++}`,
      };
      if (queryError) headers['x-amzn-query-error'] = queryError;
      res.writeHead(status, headers);
      res.end(text);
    };
    const body = await readBody(req);
    const target = req.headers['x-amz-target'];
    if (
      req.method !== 'POST' ||
      !String(req.headers['content-type']).startsWith('application/x-amz-json-1.0')
    ) {
      reply(400, {
        __type: 'com.amazon.coral.service#UnknownOperationException',
        message: 'bad request',
      });
      return;
    }
    if (target !== 'AmazonSQS.SendMessageBatch') {
      reply(400, {
        __type: 'com.amazon.coral.service#UnknownOperationException',
        message: String(target),
      });
      return;
    }
    stats.requests++;
    const input = JSON.parse(body) as { QueueUrl: string; Entries: BatchEntry[] };
    const name = new URL(input.QueueUrl).pathname.split('/').pop() ?? '';
    const fifo = name.endsWith('.fifo');
    const entries = input.Entries ?? [];
    if (entries.length === 0 || entries.length > 10) {
      const type = entries.length === 0 ? 'EmptyBatchRequest' : 'TooManyEntriesInBatchRequest';
      reply(
        400,
        { __type: `com.amazonaws.sqs#${type}`, message: 'bad batch' },
        `AWS.SimpleQueueService.${type};Sender`,
      );
      return;
    }
    if (new Set(entries.map((entry) => entry.Id)).size !== entries.length) {
      reply(
        400,
        { __type: 'com.amazonaws.sqs#BatchEntryIdsNotDistinct', message: 'ids' },
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct;Sender',
      );
      return;
    }
    const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody), 0);
    if (total > 1_048_576) {
      reply(
        400,
        { __type: 'com.amazonaws.sqs#BatchRequestTooLong', message: 'too long' },
        'AWS.SimpleQueueService.BatchRequestTooLong;Sender',
      );
      return;
    }
    if (random() < (faults.throttleRate ?? 0)) {
      stats.throttled++;
      reply(
        400,
        { __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Rate exceeded' },
        'RequestThrottled;Sender',
      );
      return;
    }
    const queue = queues.get(name) ?? [];
    queues.set(name, queue);
    const dedup = seen.get(name) ?? new Set<string>();
    seen.set(name, dedup);
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const entry of entries) {
      const fault = faults.entry?.(entry, name);
      if (fifo && (!entry.MessageGroupId || !entry.MessageDeduplicationId)) {
        Failed.push({
          Id: entry.Id,
          SenderFault: true,
          Code: 'MissingParameter',
          Message: 'FIFO ids',
        });
        stats.failedEntries++;
        continue;
      }
      if (fault !== undefined) {
        stats.failedEntries++;
        Failed.push({
          Id: entry.Id,
          SenderFault: fault === 'sender',
          Code: fault === 'sender' ? 'InvalidMessageContents' : 'InternalError',
          Message: 'injected',
        });
        continue;
      }
      const md5 = createHash('md5').update(entry.MessageBody).digest('hex');
      const messageId = `m-${nextId++}`;
      if (fifo && dedup.has(entry.MessageDeduplicationId!)) {
        stats.deduplicated++;
      } else {
        if (fifo) dedup.add(entry.MessageDeduplicationId!);
        queue.push({
          messageId,
          body: entry.MessageBody,
          groupId: entry.MessageGroupId,
          deduplicationId: entry.MessageDeduplicationId,
        });
      }
      Successful.push({ Id: entry.Id, MessageId: messageId, MD5OfMessageBody: md5 });
    }
    reply(200, { Successful, Failed });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    queueUrl: (name) => `${endpoint}/123456789012/${name}`,
    queues,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
