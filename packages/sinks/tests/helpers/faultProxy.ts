import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which faults the proxy injects, each a probability per write request (or per record). */
export interface FaultPlan {
  /** Share of records of a PutRecords / BatchWriteItem the service "rejects". */
  recordRejectRate: number;
  /** Share of write requests answered 400 with a throttling error. */
  throttleRate: number;
  /** Share of write requests answered 500 / 503. */
  serverErrorRate: number;
  /** Share of write requests whose connection is dropped before they reach the emulator. */
  dropRate: number;
  /**
   * Share of write requests whose connection is dropped after the emulator applied them (the
   * answer is lost). Only safe where writes are idempotent (DynamoDB puts).
   */
  dropAfterRate?: number;
  /**
   * Added to every write request before the proxy handles it, in ms: a round trip like a real
   * region's (PutRecords and BatchWriteItem take tens of ms) instead of loopback's ~1 ms.
   */
  latencyMs?: number;
  /** Records that fail every time: a predicate on the decoded record (trade JSON / item). */
  poison?: (record: Record<string, unknown>) => boolean;
  /** Random source (seeded in tests for reproducible runs). */
  random: () => number;
}

/** What the proxy did. */
export interface FaultStats {
  writeRequests: number;
  rejectedRecords: number;
  throttled: number;
  serverErrors: number;
  dropped: number;
  droppedAfter: number;
}

/** A loopback HTTP proxy in front of kinesalite or dynalite that injects AWS-shaped faults. */
export interface FaultProxy {
  endpoint: string;
  stats: FaultStats;
  close(): Promise<void>;
}

const WRITES = new Set(['Kinesis_20131202.PutRecords', 'DynamoDB_20120810.BatchWriteItem']);

/** Starts the proxy on 127.0.0.1 in front of `target` (an emulator's http endpoint). */
export async function startFaultProxy(target: string, plan: FaultPlan): Promise<FaultProxy> {
  const upstream = new URL(target);
  const stats: FaultStats = {
    writeRequests: 0,
    rejectedRecords: 0,
    throttled: 0,
    serverErrors: 0,
    dropped: 0,
    droppedAfter: 0,
  };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '');
    const dynamo = operation.startsWith('DynamoDB');
    const reply = (status: number, payload: unknown) => {
      const text = JSON.stringify(payload);
      res.writeHead(status, {
        'content-type': dynamo ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (!WRITES.has(operation)) {
      const answer = await forward(upstream, req, body);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    stats.writeRequests++;
    if ((plan.latencyMs ?? 0) > 0)
      await new Promise((resolve) => setTimeout(resolve, plan.latencyMs));
    const roll = plan.random();
    if (roll < plan.dropRate) {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    if (roll < plan.dropRate + plan.throttleRate) {
      stats.throttled++;
      reply(
        400,
        dynamo
          ? {
              __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
              message: 'Rate exceeded',
            }
          : {
              __type: 'ProvisionedThroughputExceededException',
              message: 'Rate exceeded for stream',
            },
      );
      return;
    }
    if (roll < plan.dropRate + plan.throttleRate + plan.serverErrorRate) {
      stats.serverErrors++;
      if (plan.random() < 0.5)
        reply(500, {
          __type: dynamo
            ? 'com.amazonaws.dynamodb.v20120810#InternalServerError'
            : 'InternalFailure',
          message: 'injected',
        });
      else reply(503, { __type: 'ServiceUnavailable', message: 'injected' });
      return;
    }
    const input = JSON.parse(body.toString('utf8'));
    const answer = dynamo
      ? await batchWriteItem(upstream, req, input, plan, stats)
      : await putRecords(upstream, req, input, plan, stats);
    if ((plan.dropAfterRate ?? 0) > 0 && plan.random() < plan.dropAfterRate!) {
      stats.droppedAfter++;
      req.socket.destroy();
      return;
    }
    reply(answer.status, answer.payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function putRecords(
  upstream: URL,
  req: IncomingMessage,
  input: { StreamName?: string; Records: { Data: string; PartitionKey: string }[] },
  plan: FaultPlan,
  stats: FaultStats,
) {
  const rejected = input.Records.map((record) => {
    // Decoded only for `poison` (an optional call skips its argument): a KPL aggregate's data
    // is not JSON.
    const poisoned =
      plan.poison?.(JSON.parse(Buffer.from(record.Data, 'base64').toString('utf8'))) === true;
    return poisoned || plan.random() < plan.recordRejectRate;
  });
  const kept = input.Records.filter((_, index) => !rejected[index]);
  stats.rejectedRecords += input.Records.length - kept.length;
  let results: Record<string, unknown>[] = [];
  if (kept.length > 0) {
    const answer = await forward(
      upstream,
      req,
      Buffer.from(JSON.stringify({ ...input, Records: kept })),
    );
    if (answer.status !== 200)
      return { status: answer.status, payload: JSON.parse(answer.body.toString()) };
    results = JSON.parse(answer.body.toString()).Records;
  }
  let next = 0;
  const Records = rejected.map((isRejected) =>
    isRejected
      ? plan.random() < 0.5
        ? {
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage: 'Rate exceeded for shard',
          }
        : { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }
      : results[next++],
  );
  const failed = rejected.filter(Boolean).length;
  return { status: 200, payload: { FailedRecordCount: failed, Records } };
}

async function batchWriteItem(
  upstream: URL,
  req: IncomingMessage,
  input: {
    RequestItems: Record<
      string,
      { PutRequest: { Item: Record<string, { S?: string; N?: string }> } }[]
    >;
  },
  plan: FaultPlan,
  stats: FaultStats,
) {
  const [table, requests] = Object.entries(input.RequestItems)[0]!;
  const rejected = requests.map((request) => {
    const item = Object.fromEntries(
      Object.entries(request.PutRequest.Item).map(([name, value]) => [
        name,
        value.S ?? Number(value.N),
      ]),
    );
    return plan.poison?.(item) === true || plan.random() < plan.recordRejectRate;
  });
  const kept = requests.filter((_, index) => !rejected[index]);
  const unprocessed = requests.filter((_, index) => rejected[index]);
  stats.rejectedRecords += unprocessed.length;
  let output: { UnprocessedItems?: Record<string, unknown[]> } = { UnprocessedItems: {} };
  if (kept.length > 0) {
    const answer = await forward(
      upstream,
      req,
      Buffer.from(JSON.stringify({ RequestItems: { [table]: kept } })),
    );
    if (answer.status !== 200)
      return { status: answer.status, payload: JSON.parse(answer.body.toString()) };
    output = JSON.parse(answer.body.toString());
  }
  const already = output.UnprocessedItems?.[table] ?? [];
  const all = [...already, ...unprocessed];
  return {
    status: 200,
    payload: { ...output, UnprocessedItems: all.length > 0 ? { [table]: all } : {} },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  upstream: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
    const outgoing = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (res) => {
        readBody(res).then((answer) => {
          const {
            'x-amz-crc32': _crc,
            'content-length': _length,
            connection: _c,
            ...rest
          } = res.headers;
          resolve({
            status: res.statusCode ?? 500,
            headers: { ...rest, 'content-length': String(answer.length) },
            body: answer,
          });
        }, reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A small seeded PRNG (mulberry32) so fault runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
