import type { Trade } from '@market-stream/core';
import { deaggregate } from '@market-stream/sinks';
import { type LocalKinesis, startLocalKinesis } from '@market-stream/sinks/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { createStream, readStream } from '../helpers/awsJson.js';
import { ensureHandlerBundles, loadBundle } from '../helpers/bundles.js';
import { FAKE_AWS_ENV, setEnv } from '../helpers/emulators.js';

// The prebundled ingest handler, loaded as Lambda loads it, writing to kinesalite through the
// bundled AWS SDK (pointed at the emulator with AWS_ENDPOINT_URL_KINESIS). The SDK's default
// Kinesis client speaks HTTP/2, which kinesalite alone does not: sinks' startLocalKinesis puts
// kinesalite behind a front that answers both. The stream is created and read back with plain
// Kinesis JSON requests, so the test itself loads no SDK.

interface IngestBundle {
  handler(
    event: unknown,
  ): Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
}

const STREAM = 'trades';
const MAX_TRADES = 20;

function post(body: string, contentType = 'application/json') {
  return {
    requestContext: { http: { method: 'POST' } },
    headers: { 'content-type': contentType },
    body,
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

const key = (trade: Trade) => `${trade.symbol}#${trade.seq}`;

describe('the ingest bundle (lambda/ingest/index.js)', () => {
  let kinesis: LocalKinesis;
  let restoreEnv: () => void;

  beforeAll(async () => {
    await ensureHandlerBundles();
    kinesis = await startLocalKinesis();
    await createStream(kinesis.endpoint, STREAM);
    restoreEnv = setEnv({
      INGEST_STREAM_NAME: STREAM,
      INGEST_RESERVED_SYMBOLS: 'AAPL,MSFT',
      INGEST_MAX_TRADES: String(MAX_TRADES),
      AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
      ...FAKE_AWS_ENV,
    });
  });

  afterAll(async () => {
    restoreEnv?.();
    await kinesis?.close();
  });

  it('loads as Lambda loads it and applies the construct’s environment before any write', async () => {
    const { handler } = loadBundle<IngestBundle>('ingest');
    const trade = {
      symbol: 'AAPL',
      price: 100,
      size: 1,
      bid: 99.99,
      ask: 100.01,
      timestamp: Date.now(),
      seq: 1,
    };

    const notJson = await handler(post('{}', 'text/plain'));
    const reserved = await handler(post(JSON.stringify(trade)));
    const tooMany = await handler(
      post(JSON.stringify(Array.from({ length: MAX_TRADES + 1 }, () => trade))),
    );

    expect(notJson.statusCode).toBe(415);
    expect(JSON.parse(reserved.body)).toMatchObject({
      error: { code: 'INVALID_TRADES' },
      errors: [{ index: 0, issues: [{ field: 'symbol' }] }],
    });
    expect(JSON.parse(tooMany.body)).toEqual({
      error: { code: 'TOO_MANY_TRADES', message: `at most ${MAX_TRADES} trades per request` },
    });
  });

  it('writes every trade of a valid batch to the stream exactly once, in order per symbol; a bad body answers 400 and writes nothing', async () => {
    const { handler } = loadBundle<IngestBundle>('ingest');
    const start = Date.now() - 1_000;
    const good = tradeSequence(['GOOG', 'AMZN', 'TSLA'], 6, { start });
    // All or nothing: valid NFLX trades next to one bad trade must not reach the stream.
    const bad = tradeSequence(['NFLX'], 3, { start }).map((trade, index) =>
      index === 1 ? { ...trade, price: -1 } : trade,
    );

    const refused = await handler(post(JSON.stringify(bad)));
    const notParsed = await handler(post('[{"symbol":"NFLX",'));
    const accepted = await handler(post(JSON.stringify(good)));

    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: { code: 'INVALID_TRADES' },
      errors: [{ index: 1, issues: [{ field: 'price' }] }],
    });
    expect(notParsed.statusCode).toBe(400);
    expect(JSON.parse(notParsed.body)).toMatchObject({ error: { code: 'BAD_JSON' } });
    expect(accepted.statusCode).toBe(202);
    expect(JSON.parse(accepted.body)).toEqual({ accepted: good.length });

    const stored = await tradesInStream(kinesis.endpoint);
    expect(stored.map(key).sort()).toEqual(good.map(key).sort());
    expect(stored.filter((trade) => trade.symbol === 'NFLX')).toEqual([]);
    for (const symbol of ['GOOG', 'AMZN', 'TSLA']) {
      const mine = stored.filter((trade) => trade.symbol === symbol);
      expect(mine, symbol).toEqual(good.filter((trade) => trade.symbol === symbol));
    }
  });
});
