import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type SqsDouble, type StoredMessage, startSqsDouble } from './sqsDouble.js';

/**
 * The SQS double with a consumer side: `ReceiveMessage` (visibility timeout, MD5 of each
 * body as the SDK checks it), `DeleteMessageBatch` (by receipt handle; a stale handle
 * fails its entry, as on SQS) and `ChangeMessageVisibilityBatch`. `SendMessageBatch` goes to the wrapped {@link SqsDouble}
 * unchanged, so its validation and faults still apply. Loopback only.
 */
export interface SqsQueue {
  endpoint: string;
  queueUrl(name: string): string;
  /** Messages still in each queue (received or not), in enqueue order. */
  messages(name: string): StoredMessage[];
  stats: { receives: number; deletes: number };
  /** The next `count` ReceiveMessage calls answer 400 ThrottlingException (retryable). */
  throttleReceives(count: number): void;
  close(): Promise<void>;
}

export async function startSqsQueue(): Promise<SqsQueue> {
  const double: SqsDouble = await startSqsDouble();
  const invisibleUntil = new Map<string, number>();
  const handles = new Map<string, string>();
  const stats = { receives: 0, deletes: 0 };
  let throttled = 0;
  let nextHandle = 1;

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const reply = (status: number, payload: unknown) => {
      const text = JSON.stringify(payload);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (target === 'AmazonSQS.SendMessageBatch') {
      const answer = await fetch(double.endpoint, {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']), 'x-amz-target': target },
        body,
      });
      const headers: Record<string, string> = {
        'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0',
      };
      const queryError = answer.headers.get('x-amzn-query-error');
      if (queryError) headers['x-amzn-query-error'] = queryError;
      res.writeHead(answer.status, headers);
      res.end(await answer.text());
      return;
    }
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    const name = new URL(String(input.QueueUrl)).pathname.split('/').pop() ?? '';
    const queue = double.queues.get(name) ?? [];
    double.queues.set(name, queue);
    if (target === 'AmazonSQS.ReceiveMessage') {
      stats.receives++;
      if (throttled > 0) {
        throttled--;
        res.setHeader('x-amzn-query-error', 'ThrottlingException;Sender');
        reply(400, { __type: 'com.amazonaws.sqs#ThrottlingException', message: 'Rate exceeded' });
        return;
      }
      const now = Date.now();
      const max = Number(input.MaxNumberOfMessages ?? 1);
      const visibility = Number(input.VisibilityTimeout ?? 30);
      const Messages = queue
        .filter((message) => (invisibleUntil.get(message.messageId) ?? 0) <= now)
        .slice(0, max)
        .map((message) => {
          invisibleUntil.set(message.messageId, now + visibility * 1_000);
          const handle = `h-${nextHandle++}`;
          handles.set(handle, message.messageId);
          return {
            MessageId: message.messageId,
            ReceiptHandle: handle,
            Body: message.body,
            MD5OfBody: createHash('md5').update(message.body).digest('hex'),
          };
        });
      reply(200, Messages.length > 0 ? { Messages } : {});
      return;
    }
    if (target === 'AmazonSQS.DeleteMessageBatch') {
      stats.deletes++;
      const Successful: unknown[] = [];
      const Failed: unknown[] = [];
      for (const entry of (input.Entries ?? []) as { Id: string; ReceiptHandle: string }[]) {
        const id = handles.get(entry.ReceiptHandle);
        const at = queue.findIndex((message) => message.messageId === id);
        if (at < 0) {
          Failed.push({
            Id: entry.Id,
            SenderFault: true,
            Code: 'ReceiptHandleIsInvalid',
            Message: 'stale',
          });
        } else {
          queue.splice(at, 1);
          Successful.push({ Id: entry.Id });
        }
      }
      reply(200, { Successful, Failed });
      return;
    }
    if (target === 'AmazonSQS.ChangeMessageVisibilityBatch') {
      const Successful: unknown[] = [];
      for (const entry of (input.Entries ?? []) as {
        Id: string;
        ReceiptHandle: string;
        VisibilityTimeout: number;
      }[]) {
        const id = handles.get(entry.ReceiptHandle);
        if (id !== undefined) invisibleUntil.set(id, Date.now() + entry.VisibilityTimeout * 1_000);
        Successful.push({ Id: entry.Id });
      }
      reply(200, { Successful, Failed: [] });
      return;
    }
    reply(400, { __type: 'com.amazon.coral.service#UnknownOperationException', message: target });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    queueUrl: (name) => `${endpoint}/123456789012/${name}`,
    messages: (name) => double.queues.get(name) ?? [],
    stats,
    throttleReceives: (count) => {
      throttled = count;
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await double.close();
    },
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

/** A real SDK v3 SQS client for `queue` (no SDK retries: the code under test does its own). */
export function queueClient(queue: SqsQueue): SQSClient {
  return new SQSClient({
    endpoint: queue.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
}
