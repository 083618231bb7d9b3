import type { Trade } from '@market-stream/core';
import { deaggregate } from '@market-stream/sinks';
import { type LocalKinesis, startLocalKinesis } from '@market-stream/sinks/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { type SqsQueue, startSqsQueue } from '../../../sinks/tests/helpers/sqsQueue.js';
import { createStream, readStream } from '../helpers/awsJson.js';
import { ensureHandlerBundles, loadBundle } from '../helpers/bundles.js';
import { FAKE_AWS_ENV, setEnv } from '../helpers/emulators.js';

// Poison → fix → replay through both prebundled handlers, configured as IngestApi and
// DeadLetterReplay configure them: ingest writes to a stream that does not exist yet, so every
// trade of the batch goes to the dead-letter queue; the stream is created; the replay function
// drains the queue back into the stream. Kinesis is kinesalite behind sinks' startLocalKinesis
// (the bundled SDK speaks HTTP/2), SQS the sinks' test queue; the test itself loads no SDK.
// DeadLetterReplay's `writeToStream` only grants kinesis:PutRecords: the function's environment
// is the same with or without it (REPLAY_STREAM_NAME), so nothing more is set here.

interface IngestBundle {
  handler(event: unknown): Promise<{ statusCode: number; body: string }>;
}

interface ReplayBundle {
  handler(
    event: unknown,
    context: { getRemainingTimeInMillis(): number },
  ): Promise<Record<string, unknown>>;
}

const STREAM = 'late-trades';
const QUEUE = 'ingest-dlq';
const context = { getRemainingTimeInMillis: () => 300_000 };
const key = (trade: Trade) => `${trade.symbol}#${trade.seq}`;

function post(trades: readonly Trade[]) {
  return {
    requestContext: { http: { method: 'POST' } },
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(trades),
    isBase64Encoded: false,
  };
}

/** Every trade in the stream, KPL aggregates unpacked, in stream order. */
async function tradesInStream(endpoint: string): Promise<Trade[]> {
  const records = await readStream(endpoint, STREAM);
  return records.flatMap((record) =>
    deaggregate(record).map((user) => JSON.parse(Buffer.from(user.data).toString('utf8')) as Trade),
  );
}

describe('a dead-lettered ingest batch replayed into the stream (lambda/ingest → lambda/replay)', () => {
  let kinesis: LocalKinesis;
  let queue: SqsQueue;
  let restoreEnv: () => void;
  const trades = tradeSequence(['GOOG', 'AMZN', 'TSLA'], 4, { start: Date.now() - 1_000 });

  beforeAll(async () => {
    await ensureHandlerBundles();
    kinesis = await startLocalKinesis();
    queue = await startSqsQueue();
    restoreEnv = setEnv({
      INGEST_STREAM_NAME: STREAM,
      INGEST_DEAD_LETTER_QUEUE_URL: queue.queueUrl(QUEUE),
      REPLAY_QUEUE_URL: queue.queueUrl(QUEUE),
      REPLAY_STREAM_NAME: STREAM,
      AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
      AWS_ENDPOINT_URL_SQS: queue.endpoint,
      ...FAKE_AWS_ENV,
    });
  });

  afterAll(async () => {
    restoreEnv?.();
    await queue?.close();
    await kinesis?.close();
  });

  it('poison: a write to a missing stream answers 202 with every trade dead-lettered, and the dead letters are in the queue', async () => {
    const { handler } = loadBundle<IngestBundle>('ingest', { fresh: true });

    const answer = await handler(post(trades));

    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({
      accepted: trades.length,
      deadLettered: trades.length,
    });
    const letters = queue.messages(QUEUE).map((message) => JSON.parse(message.body));
    expect(letters.map((letter) => key(letter.record)).sort()).toEqual(trades.map(key).sort());
    for (const letter of letters) {
      expect(letter).toMatchObject({
        sink: 'kinesis',
        reason: 'rejected',
        error: { name: 'ResourceNotFoundException' },
      });
    }
    expect(letters.map((letter) => letter.record)).toEqual(expect.arrayContaining(trades));
  });

  it('fix and replay: once the stream exists, one run puts every trade in it exactly once and empties the queue', async () => {
    await createStream(kinesis.endpoint, STREAM);
    const { handler } = loadBundle<ReplayBundle>('replay', { fresh: true });

    const report = await handler({}, context);

    expect(report).toEqual({
      received: trades.length,
      deleted: trades.length,
      trades: trades.length,
      kept: [],
      stopped: false,
      dryRun: false,
    });
    expect(queue.messages(QUEUE)).toEqual([]);
    const stored = await tradesInStream(kinesis.endpoint);
    expect(stored.map(key).sort()).toEqual(trades.map(key).sort());
    for (const symbol of ['GOOG', 'AMZN', 'TSLA']) {
      const mine = stored.filter((trade) => trade.symbol === symbol);
      expect(mine, symbol).toEqual(trades.filter((trade) => trade.symbol === symbol));
    }
  });

  it('a second run finds nothing to do and leaves the stream as it was', async () => {
    const before = await readStream(kinesis.endpoint, STREAM);
    const { handler } = loadBundle<ReplayBundle>('replay', { fresh: true });

    const report = await handler({}, context);

    expect(report).toEqual({
      received: 0,
      deleted: 0,
      trades: 0,
      kept: [],
      stopped: false,
      dryRun: false,
    });
    const after = await readStream(kinesis.endpoint, STREAM);
    expect(after.map((record) => record.sequenceNumber)).toEqual(
      before.map((record) => record.sequenceNumber),
    );
    expect(queue.messages(QUEUE)).toEqual([]);
  });
});
