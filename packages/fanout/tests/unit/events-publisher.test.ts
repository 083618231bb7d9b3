import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeTradeEvents, parseTradeEvent, type Trade } from '@market-stream/core';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  createEventsProcessor,
  createEventsPublisher,
  type EventsBatchReport,
  EventsPublishError,
  eventsProcessor,
  type KinesisEventLike,
  readEventsEnvironment,
  resetReadyHandlers,
} from '../../src/lambda.js';
import { kinesisEventFactory } from './lambda.factories.js';

/** One request the test server received. */
interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  channel: string;
  events: string[];
}

type Reply = { status: number; body?: unknown } | 'destroy';

/**
 * A real HTTP server on loopback standing in for the publish endpoint: records every request and
 * answers with `reply` (by default 200 with every event successful).
 */
class PublishEndpoint {
  readonly received: Received[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly channelsInFlight = new Map<string, number>();
  maxPerChannelInFlight = 0;
  reply: (request: Received, attempt: number) => Reply | Promise<Reply> = () => ({ status: 200 });
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/event`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Requests for `channel`, in arrival order. */
  on(channel: string): Received[] {
    return this.received.filter((request) => request.channel === channel);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const { channel, events } = JSON.parse(body) as { channel: string; events: string[] };
    const request: Received = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      channel,
      events,
    };
    this.received.push(request);
    const attempt = this.received.filter((r) => r.body === body).length;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const perChannel = (this.channelsInFlight.get(channel) ?? 0) + 1;
    this.channelsInFlight.set(channel, perChannel);
    this.maxPerChannelInFlight = Math.max(this.maxPerChannelInFlight, perChannel);
    try {
      const reply = await this.reply(request, attempt);
      if (reply === 'destroy') {
        req.socket.destroy();
        return;
      }
      const answer = reply.body ?? {
        successful: events.map((_, index) => ({ identifier: `id-${index}`, index })),
        failed: [],
      };
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    } finally {
      this.inFlight--;
      this.channelsInFlight.set(channel, (this.channelsInFlight.get(channel) ?? 1) - 1);
    }
  }
}

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};
const FAST = { baseBackoffMs: 1, maxBackoffMs: 5 };
const events = (count: number) => Array.from({ length: count }, (_, i) => JSON.stringify({ n: i }));
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Re-signs what the server received with the SDK's signer, at the request's own date. */
async function expectedAuthorization(request: Received): Promise<string> {
  const verifier = new SignatureV4({
    service: 'appsync',
    region: 'eu-west-1',
    credentials: CREDENTIALS,
    sha256: Sha256,
  });
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const host = String(request.headers.host);
  const [hostname, port] = host.split(':');
  const signed = await verifier.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: hostname as string,
      ...(port ? { port: Number(port) } : {}),
      path: request.path,
      query: {},
      headers: { 'content-type': String(request.headers['content-type']), host },
      body: request.body,
    },
    { signingDate },
  );
  return signed.headers.authorization as string;
}

describe('createEventsPublisher()', () => {
  let endpoint: PublishEndpoint;
  afterEach(async () => {
    await endpoint?.close();
  });
  async function start(): Promise<string> {
    endpoint = new PublishEndpoint();
    return endpoint.start();
  }

  it('splits a publish into requests of at most 5 events, in order, with the documented body', async () => {
    // Arrange
    const publisher = createEventsPublisher({ endpoint: await start(), apiKey: 'da2-key' });
    const sent = events(12);

    // Act
    const report = await publisher.publish('/trades/AAPL', sent);

    // Assert
    expect(endpoint.received.map((r) => r.events.length)).toEqual([5, 5, 2]);
    expect(endpoint.received.flatMap((r) => r.events)).toEqual(sent);
    expect(endpoint.received.every((r) => r.method === 'POST' && r.path === '/event')).toBe(true);
    expect(endpoint.received[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(endpoint.received[0]?.body ?? '')).toEqual({
      channel: '/trades/AAPL',
      events: sent.slice(0, 5),
    });
    expect(report).toEqual({ channel: '/trades/AAPL', events: 12, requests: 3, retries: 0 });
    expect(publisher.stats()).toMatchObject({ requests: 3, published: 12, failed: 0 });
  });

  it('sends the API key as x-api-key and signs nothing', async () => {
    const publisher = createEventsPublisher({ endpoint: await start(), apiKey: 'da2-key' });

    await publisher.publish('/trades/AAPL', events(1));

    expect(endpoint.received[0]?.headers['x-api-key']).toBe('da2-key');
    expect(endpoint.received[0]?.headers.authorization).toBeUndefined();
  });

  it('signs with SigV4 for appsync: the SDK signer, re-run on what arrived, gives the same signature', async () => {
    // Arrange
    const publisher = createEventsPublisher({
      endpoint: await start(),
      region: 'eu-west-1',
      credentials: CREDENTIALS,
    });

    // Act
    await publisher.publish('/trades/AAPL', events(2));

    // Assert
    const [request] = endpoint.received as [Received];
    const authorization = String(request.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/appsync\/aws4_request, SignedHeaders=[a-z0-9;-]*content-type;host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(authorization).toBe(await expectedAuthorization(request));
    // The signature covers the body: another body signs differently.
    const tampered = { ...request, body: request.body.replace('/trades/AAPL', '/trades/TSLA') };
    expect(authorization).not.toBe(await expectedAuthorization(tampered));
  });

  it('retries a 429 and a 5xx with backoff, then succeeds with the same events', async () => {
    // Arrange
    const url = await start();
    endpoint.reply = (_, attempt) =>
      attempt === 1 ? { status: 429 } : attempt === 2 ? { status: 503 } : { status: 200 };
    const publisher = createEventsPublisher({ endpoint: url, apiKey: 'k', ...FAST });

    // Act
    const report = await publisher.publish('/trades/AAPL', events(3));

    // Assert
    expect(endpoint.received).toHaveLength(3);
    expect(new Set(endpoint.received.map((r) => r.body)).size).toBe(1);
    expect(report).toMatchObject({ events: 3, requests: 3, retries: 2 });
    expect(publisher.stats()).toMatchObject({ throttled: 1, retries: 2, published: 3, failed: 0 });
  });

  it('backs off exponentially with full jitter, capped at maxBackoffMs', async () => {
    // Arrange: always 503; the jitter draw pinned at half of each ceiling (20, 40, 50, 50 ms).
    const url = await start();
    endpoint.reply = () => ({ status: 503 });
    const publisher = createEventsPublisher({
      endpoint: url,
      apiKey: 'k',
      maxAttempts: 5,
      baseBackoffMs: 20,
      maxBackoffMs: 50,
    });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const timers = vi.spyOn(globalThis, 'setTimeout');

    // Act
    try {
      await publisher.publish('/trades/AAPL', events(1)).catch(() => undefined);
    } finally {
      vi.restoreAllMocks();
    }

    // Assert
    const waits = timers.mock.calls
      .map(([, ms]) => ms)
      .filter((ms) => [10, 20, 25].includes(ms as number));
    expect(waits).toEqual([10, 20, 25, 25]);
    expect(endpoint.received).toHaveLength(5);
  });

  it('retries a network error (connection reset)', async () => {
    const url = await start();
    endpoint.reply = (_, attempt) => (attempt === 1 ? 'destroy' : { status: 200 });
    const publisher = createEventsPublisher({ endpoint: url, apiKey: 'k', ...FAST });

    await expect(publisher.publish('/trades/AAPL', events(1))).resolves.toMatchObject({
      events: 1,
      retries: 1,
    });
  });

  it('retries only the events a 200 lists as failed', async () => {
    // Arrange
    const url = await start();
    endpoint.reply = (request, attempt) =>
      attempt === 1 && request.events.length === 5
        ? {
            status: 200,
            body: {
              successful: [0, 2, 3, 4].map((index) => ({ identifier: `id-${index}`, index })),
              failed: [{ identifier: 'id-1', index: 1, errorCode: 500, errorMessage: 'try again' }],
            },
          }
        : { status: 200 };
    const publisher = createEventsPublisher({ endpoint: url, apiKey: 'k', ...FAST });
    const sent = events(5);

    // Act
    await publisher.publish('/trades/AAPL', sent);

    // Assert
    expect(endpoint.received.map((r) => r.events)).toEqual([sent, [sent[1]]]);
    expect(publisher.stats()).toMatchObject({ published: 5, retries: 1, failed: 0 });
  });

  it('gives up after maxAttempts with a typed error naming the channel and every unpublished event', async () => {
    // Arrange
    const url = await start();
    endpoint.reply = () => ({ status: 503 });
    const publisher = createEventsPublisher({
      endpoint: url,
      apiKey: 'k',
      maxAttempts: 3,
      ...FAST,
    });
    const sent = events(7);

    // Act
    const error = await publisher.publish('/trades/TSLA', sent).catch((e: unknown) => e);

    // Assert: the first request was tried 3 times; the second was never sent (order).
    expect(error).toBeInstanceOf(EventsPublishError);
    const failure = error as EventsPublishError;
    expect(failure).toMatchObject({ code: 'EVENTS_PUBLISH', channel: '/trades/TSLA', status: 503 });
    expect(failure.attempts).toBe(3);
    expect(failure.events).toEqual(sent);
    expect(failure.eventIndexes).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(endpoint.received).toHaveLength(3);
    expect(publisher.stats()).toMatchObject({ requests: 3, published: 0, failed: 7 });
  });

  it('names only the events still failing when a 200 keeps listing them', async () => {
    const url = await start();
    endpoint.reply = (request) => ({
      status: 200,
      body: {
        successful: [],
        failed: request.events
          .map((event, index) =>
            event.includes('"n":3')
              ? { identifier: 'x', index, errorCode: 400, errorMessage: 'bad' }
              : undefined,
          )
          .filter(Boolean),
      },
    });
    const publisher = createEventsPublisher({
      endpoint: url,
      apiKey: 'k',
      maxAttempts: 2,
      ...FAST,
    });
    const sent = events(8);

    const error = (await publisher
      .publish('/trades/AAPL', sent)
      .catch((e) => e)) as EventsPublishError;

    expect(error).toBeInstanceOf(EventsPublishError);
    expect(error.eventIndexes).toEqual([3, 5, 6, 7]);
    expect(error.events).toEqual([sent[3], sent[5], sent[6], sent[7]]);
    expect(error.failures).toEqual([{ index: 3, code: '400', message: 'bad' }]);
  });

  it('does not retry a refused request (403)', async () => {
    const url = await start();
    endpoint.reply = () => ({
      status: 403,
      body: { errors: [{ errorType: 'UnauthorizedException' }] },
    });
    const publisher = createEventsPublisher({ endpoint: url, apiKey: 'wrong', ...FAST });

    const error = (await publisher
      .publish('/trades/AAPL', events(2))
      .catch((e) => e)) as EventsPublishError;

    expect(error).toBeInstanceOf(EventsPublishError);
    expect(error).toMatchObject({ status: 403, attempts: 1 });
    expect(error.message).toContain('UnauthorizedException');
    expect(endpoint.received).toHaveLength(1);
  });

  it('refuses an event over the size limit before sending anything', async () => {
    const publisher = createEventsPublisher({
      endpoint: await start(),
      apiKey: 'k',
      maxEventBytes: 100,
    });

    const error = (await publisher
      .publish('/trades/AAPL', [JSON.stringify({ pad: 'x'.repeat(200) })])
      .catch((e) => e)) as EventsPublishError;

    expect(error).toBeInstanceOf(EventsPublishError);
    expect(error.message).toContain('over the 100-byte event limit');
    expect(endpoint.received).toHaveLength(0);
  });

  it('keeps at most `concurrency` requests in flight, and one per channel', async () => {
    // Arrange
    const url = await start();
    endpoint.reply = async () => {
      await delay(5);
      return { status: 200 };
    };
    const publisher = createEventsPublisher({ endpoint: url, apiKey: 'k', concurrency: 3 });
    const channels = ['A', 'B', 'C', 'D', 'E', 'F'].map((s) => `/trades/${s}`);

    // Act
    await Promise.all(channels.map((channel) => publisher.publish(channel, events(15))));

    // Assert
    expect(endpoint.received).toHaveLength(18);
    expect(endpoint.maxInFlight).toBeLessThanOrEqual(3);
    expect(endpoint.maxPerChannelInFlight).toBe(1);
    for (const channel of channels) {
      expect(endpoint.on(channel).flatMap((r) => r.events)).toEqual(events(15));
    }
  });

  it('needs a region to sign', () => {
    const region = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      expect(() => createEventsPublisher({ endpoint: 'https://x.example/event' })).toThrow(
        /region/,
      );
    } finally {
      if (region !== undefined) process.env.AWS_REGION = region;
    }
  });
});

describe('createEventsProcessor()', () => {
  let endpoint: PublishEndpoint;
  afterEach(async () => {
    await endpoint?.close();
  });
  async function start(): Promise<string> {
    endpoint = new PublishEndpoint();
    return endpoint.start();
  }
  const tradesOn = (channel: string): Trade[] =>
    endpoint.on(channel).flatMap((r) => r.events.flatMap((event) => parseTradeEvent(event) ?? []));

  it('publishes each symbol to its channel in seq order, split under the event size, requests of one channel one at a time', async () => {
    // Arrange: 40 trades per symbol, records of one symbol out of seq order, ~5 trades per event.
    const url = await start();
    endpoint.reply = async () => {
      await delay(Math.random() * 4);
      return { status: 200 };
    };
    const publisher = createEventsPublisher({ endpoint: url, apiKey: 'k', concurrency: 4 });
    const reports: EventsBatchReport[] = [];
    const processor = createEventsProcessor({
      publisher,
      maxEventBytes: 700,
      onReport: (report) => reports.push(report),
    });
    const trades = tradeSequence(['AAPL', 'MSFT', 'TSLA'], 40);
    const shuffled = [...trades.slice(60), ...trades.slice(0, 60)];

    // Act
    const response = await processor(kinesisEventFactory(shuffled));

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    for (const symbol of ['AAPL', 'MSFT', 'TSLA']) {
      const received = endpoint.on(`/trades/${symbol}`);
      expect(received.length).toBeGreaterThan(1);
      expect(received.every((r) => r.events.every((e) => Buffer.byteLength(e) <= 700))).toBe(true);
      expect(tradesOn(`/trades/${symbol}`).map((t) => t.seq)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    }
    expect(endpoint.maxPerChannelInFlight).toBe(1);
    expect(reports).toEqual([
      expect.objectContaining({
        records: 120,
        trades: 120,
        channels: 3,
        failed: 0,
        failedRecords: 0,
      }),
    ]);
  });

  it('reports the record of the first unpublished trade and every record after it', async () => {
    // Arrange: TSLA's channel always fails; its first trade is record 4 (0-based).
    const url = await start();
    endpoint.reply = (request) =>
      request.channel === '/trades/TSLA' ? { status: 500 } : { status: 200 };
    const publisher = createEventsPublisher({
      endpoint: url,
      apiKey: 'k',
      maxAttempts: 2,
      ...FAST,
    });
    const errors: unknown[] = [];
    const processor = createEventsProcessor({
      publisher,
      onPublishError: (error) => errors.push(error),
    });
    const trades = [
      tradeFactory({ symbol: 'AAPL', seq: 1 }),
      tradeFactory({ symbol: 'MSFT', seq: 1 }),
      tradeFactory({ symbol: 'AAPL', seq: 2 }),
      tradeFactory({ symbol: 'MSFT', seq: 2 }),
      tradeFactory({ symbol: 'TSLA', seq: 7 }),
      tradeFactory({ symbol: 'AAPL', seq: 3 }),
      tradeFactory({ symbol: 'TSLA', seq: 8 }),
    ];
    const event = kinesisEventFactory(trades);
    const ids = event.Records.map((record) => record.kinesis.sequenceNumber);

    // Act
    const response = await processor(event);

    // Assert
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(ids.slice(4));
    expect(tradesOn('/trades/AAPL').map((t) => t.seq)).toEqual([1, 2, 3]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EventsPublishError);
    expect((errors[0] as EventsPublishError).channel).toBe('/trades/TSLA');
  });

  it('reports from the record holding the first trade of the first event that failed, not the whole channel', async () => {
    // Arrange: AAPL's second event (of several) is refused for good.
    const url = await start();
    const aapl = tradeSequence(['AAPL'], 30);
    const [, second] = encodeTradeEvents(aapl, 700);
    endpoint.reply = (request) =>
      request.events.includes(second as string)
        ? {
            status: 200,
            body: {
              successful: [],
              failed: request.events.flatMap((e, index) =>
                e === second ? [{ identifier: 'x', index, errorCode: 500 }] : [],
              ),
            },
          }
        : { status: 200 };
    const publisher = createEventsPublisher({
      endpoint: url,
      apiKey: 'k',
      maxAttempts: 2,
      ...FAST,
    });
    const processor = createEventsProcessor({ publisher, maxEventBytes: 700 });
    const event = kinesisEventFactory(aapl);
    const firstOfSecond = parseTradeEvent(second as string)?.[0]?.seq as number;

    // Act
    const response = await processor(event);

    // Assert: the records from that trade on are retried; the ones before it are done.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      event.Records.slice(firstOfSecond - 1).map((r) => r.kinesis.sequenceNumber),
    );
  });

  it('fails every record when history fails, and skips undecodable records by default', async () => {
    const publisher = createEventsPublisher({ endpoint: await start(), apiKey: 'k' });
    const failing = createEventsProcessor({
      publisher,
      history: async () => {
        throw new Error('table unavailable');
      },
    });
    const event = kinesisEventFactory([tradeFactory({ seq: 1 })], { raw: ['not json'] });
    const response = await failing(event);
    expect(response.batchItemFailures).toHaveLength(2);
    expect(endpoint.received).toHaveLength(0);

    const warnings: number[] = [];
    const lenient = createEventsProcessor({
      publisher,
      onDecodeFailure: (failures) => warnings.push(failures.length),
    });
    await expect(lenient(event)).resolves.toEqual({ batchItemFailures: [] });
    expect(warnings).toEqual([1]);
    expect(tradesOn('/trades/AAPL').map((t) => t.seq)).toEqual([1]);
  });

  it('publishes a seq repeated within a batch once', async () => {
    const publisher = createEventsPublisher({ endpoint: await start(), apiKey: 'k' });
    const processor = createEventsProcessor({ publisher });
    const trade = tradeFactory({ symbol: 'IBM', seq: 4 });

    await processor(kinesisEventFactory([trade, trade]) as KinesisEventLike);

    expect(tradesOn('/trades/IBM')).toEqual([trade]);
  });
});

describe('createEventsProcessor() partial batch response (property)', () => {
  it('every trade not published is in a reported record, and nothing before a channel’s first failure is', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('AAPL', 'MSFT', 'TSLA', 'NVDA'), { minLength: 1, maxLength: 60 }),
        fc.dictionary(fc.constantFrom('AAPL', 'MSFT', 'TSLA', 'NVDA'), fc.nat(6)),
        async (symbols, failAt) => {
          // Arrange: one trade per record, seq per symbol; a channel in `failAt` refuses its
          // events from that index on (the in-memory publisher keeps what it accepted).
          const next = new Map<string, number>();
          const trades = symbols.map((symbol) => {
            next.set(symbol, (next.get(symbol) ?? 0) + 1);
            return tradeFactory({ symbol, seq: next.get(symbol) });
          });
          const accepted: Trade[] = [];
          const processor = createEventsProcessor({
            maxEventBytes: 400,
            publisher: {
              async publish(channel, sent) {
                const from = failAt[channel.slice('/trades/'.length)] ?? sent.length;
                for (const event of sent.slice(0, from))
                  accepted.push(...(parseTradeEvent(event) ?? []));
                if (from >= sent.length)
                  return { channel, events: sent.length, requests: 1, retries: 0 };
                const eventIndexes = sent.map((_, i) => i).slice(from);
                throw new EventsPublishError(
                  {
                    channel,
                    events: eventIndexes.map((i) => sent[i] as string),
                    eventIndexes,
                    attempts: 1,
                  },
                  'refused',
                );
              },
            },
          });
          const event = kinesisEventFactory(trades);

          // Act
          const { batchItemFailures } = await processor(event);

          // Assert
          const reported = new Set(batchItemFailures.map((f) => f.itemIdentifier));
          const key = (t: Trade) => `${t.symbol}#${t.seq}`;
          const delivered = new Set(accepted.map(key));
          const firstReported = event.Records.findIndex((r) =>
            reported.has(r.kinesis.sequenceNumber),
          );
          trades.forEach((trade, i) => {
            const id = event.Records[i]?.kinesis.sequenceNumber as string;
            if (!delivered.has(key(trade))) expect(reported.has(id)).toBe(true);
            // Reported records are a suffix of the batch (one shard): Lambda retries from the first.
            if (firstReported >= 0) expect(reported.has(id)).toBe(i >= firstReported);
          });
          // The earliest reported record holds an unpublished trade: no retry without a reason.
          if (firstReported >= 0)
            expect(delivered.has(key(trades[firstReported] as Trade))).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('eventsProcessor (ready handler)', () => {
  const names = [
    'EVENT_API_ENDPOINT',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'HISTORY_TABLE',
  ];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  let endpoint: PublishEndpoint;
  afterEach(async () => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    resetReadyHandlers();
    await endpoint?.close();
  });

  it('publishes to EVENT_API_ENDPOINT signed with the default credential chain (here: the environment)', async () => {
    // Arrange
    endpoint = new PublishEndpoint();
    process.env.EVENT_API_ENDPOINT = await endpoint.start();
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    process.env.AWS_SESSION_TOKEN = CREDENTIALS.sessionToken;
    delete process.env.HISTORY_TABLE;
    resetReadyHandlers();

    // Act
    const response = await eventsProcessor(kinesisEventFactory([tradeFactory({ symbol: 'NVDA' })]));

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    const [request] = endpoint.received as [Received];
    expect(request.channel).toBe('/trades/NVDA');
    expect(String(request.headers.authorization)).toBe(await expectedAuthorization(request));
  });
});

describe('readEventsEnvironment()', () => {
  it('reads the endpoint, the region and the history table', () => {
    expect(
      readEventsEnvironment({
        EVENT_API_ENDPOINT: 'https://abc.appsync-api.eu-west-1.amazonaws.com/event',
        AWS_REGION: 'eu-west-1',
        HISTORY_TABLE: 'history',
      }),
    ).toEqual({
      eventApiEndpoint: 'https://abc.appsync-api.eu-west-1.amazonaws.com/event',
      region: 'eu-west-1',
      historyTable: 'history',
    });
  });

  it('names the missing or invalid variable', () => {
    expect(() => readEventsEnvironment({ AWS_REGION: 'eu-west-1' })).toThrow(
      /EVENT_API_ENDPOINT is required/,
    );
    expect(() =>
      readEventsEnvironment({ EVENT_API_ENDPOINT: 'abc', AWS_REGION: 'eu-west-1' }),
    ).toThrow(/EVENT_API_ENDPOINT must be an http\(s\) URL/);
    expect(() => readEventsEnvironment({ EVENT_API_ENDPOINT: 'https://x/event' })).toThrow(
      /AWS_REGION/,
    );
  });
});
