import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHandlerBundles, loadBundle } from '../helpers/bundles.js';

interface IngestBundle {
  handler(
    event: unknown,
  ): Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
}

function post(body: string, contentType = 'application/json') {
  return {
    requestContext: { http: { method: 'POST' } },
    headers: { 'content-type': contentType },
    body,
    isBase64Encoded: false,
  };
}

describe('the ingest bundle (lambda/ingest/index.js)', () => {
  const saved = { ...process.env };

  beforeAll(async () => {
    await ensureHandlerBundles();
    process.env.INGEST_STREAM_NAME = 'trades';
    process.env.INGEST_RESERVED_SYMBOLS = 'AAPL,MSFT';
    process.env.INGEST_MAX_TRADES = '2';
    process.env.AWS_REGION = 'us-east-1';
  });

  afterAll(() => {
    process.env = saved;
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
    const tooMany = await handler(post(JSON.stringify([trade, trade, trade])));

    expect(notJson.statusCode).toBe(415);
    expect(JSON.parse(reserved.body)).toMatchObject({
      error: { code: 'INVALID_TRADES' },
      errors: [{ index: 0, issues: [{ field: 'symbol' }] }],
    });
    expect(JSON.parse(tooMany.body)).toEqual({
      error: { code: 'TOO_MANY_TRADES', message: 'at most 2 trades per request' },
    });
  });
});
