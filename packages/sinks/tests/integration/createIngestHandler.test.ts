import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Trade } from '@market-stream/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import type { DeadLetter } from '../../src/index.js';
import { createIngestHandler, type HttpApiEventLike } from '../../src/lambda.js';
import {
  createStream,
  type Emulator,
  kinesisClient,
  readStreamTrades,
  startKinesalite,
} from '../helpers/emulators.js';
import { type SqsDouble, startSqsDouble } from '../helpers/sqsDouble.js';
import { exactlyOnce, outOfOrderSymbols, symbols } from '../helpers/tradeChecks.js';

const NOW = 1_700_000_000_000;

function event(body: string, contentType = 'application/json'): HttpApiEventLike {
  return {
    requestContext: { http: { method: 'POST' } },
    headers: { 'content-type': contentType },
    body,
    isBase64Encoded: false,
  };
}

describe('createIngestHandler() into kinesalite', () => {
  let kinesalite: Emulator;
  let admin: KinesisClient;
  let client: KinesisClient;
  let sqsDouble: SqsDouble;
  let sqs: SQSClient;

  beforeAll(async () => {
    kinesalite = await startKinesalite();
    admin = kinesisClient(kinesalite.endpoint, 3);
    client = kinesisClient(kinesalite.endpoint);
    sqsDouble = await startSqsDouble();
    sqs = new SQSClient({
      endpoint: sqsDouble.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
  });

  afterAll(async () => {
    for (const c of [admin, client, sqs]) c.destroy();
    await sqsDouble.close();
    await kinesalite.close();
  });

  it('writes accepted batches exactly once, in order per symbol, and nothing of refused ones', async () => {
    await createStream(admin, 'ingest-ok', 2);
    const handler = createIngestHandler({ client, streamName: 'ingest-ok', now: () => NOW });
    const trades = tradeSequence(symbols(10), 200, { start: NOW - 30_000, stepMs: 10 });
    const good = [trades.slice(0, 1000), trades.slice(1000)];
    const bad = [
      event(''),
      event('{"symbol":'),
      event(JSON.stringify(good[0]), 'text/plain'),
      event(`[${'{},'.repeat(99_999)}{}]`),
      event('x'.repeat(10 * 1024 * 1024)),
      event(JSON.stringify([...good[1]!.slice(0, 10), { ...good[1]![10]!, price: 0.001 }])),
      event(JSON.stringify([good[1]![0], good[1]![0]])),
      event(JSON.stringify([{ ...good[1]![0]!, timestamp: NOW + 86_400_000 }])),
    ];

    const first = await handler(event(JSON.stringify(good[0])));
    const refusals = await Promise.all(bad.map((request) => handler(request)));
    const second = await handler(event(JSON.stringify(good[1])));

    expect([first, second].map((r) => [r.statusCode, JSON.parse(r.body)])).toEqual([
      [202, { accepted: 1000 }],
      [202, { accepted: 1000 }],
    ]);
    expect(refusals.map((r) => [r.statusCode, JSON.parse(r.body).error.code])).toEqual([
      [400, 'BAD_JSON'],
      [400, 'BAD_JSON'],
      [415, 'UNSUPPORTED_MEDIA_TYPE'],
      [400, 'TOO_MANY_TRADES'],
      [413, 'BODY_TOO_LARGE'],
      [400, 'INVALID_TRADES'],
      [400, 'INVALID_TRADES'],
      [400, 'INVALID_TRADES'],
    ]);
    const arrived = await readStreamTrades(admin, 'ingest-ok');
    expect(exactlyOnce(trades, arrived)).toEqual({ duplicates: [], missing: [], arrived: 2000 });
    expect(outOfOrderSymbols(arrived)).toEqual([]);
  });

  it('dead-letters what cannot be written and says so; 503 without a queue', async () => {
    const queueUrl = sqsDouble.queueUrl('ingest-dlq');
    const withQueue = createIngestHandler({
      client,
      streamName: 'no-such-stream',
      deadLetter: { client: sqs, queueUrl },
      now: () => NOW,
    });
    const withoutQueue = createIngestHandler({
      client,
      streamName: 'no-such-stream',
      now: () => NOW,
    });
    const trades = tradeSequence(['ACME', 'BRK.B'], 5, { start: NOW });

    const dead = await withQueue(event(JSON.stringify(trades)));
    const failed = await withoutQueue(event(JSON.stringify(trades)));

    expect([dead.statusCode, JSON.parse(dead.body)]).toEqual([
      202,
      { accepted: 10, deadLettered: 10 },
    ]);
    const letters = (sqsDouble.queues.get('ingest-dlq') ?? []).map(
      (message) => JSON.parse(message.body) as DeadLetter,
    );
    expect(
      exactlyOnce(
        trades,
        letters.map((letter) => letter.record as Trade),
      ),
    ).toEqual({
      duplicates: [],
      missing: [],
      arrived: 10,
    });
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBe('1');
    expect(JSON.parse(failed.body).error.code).toBe('WRITE_FAILED');
  });
});
