import type { Trade } from '@market-stream/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { HANDLERS } from '../../scripts/build-handlers.mjs';
import { createHistoryTable } from '../helpers/awsJson.js';
import { ensureHandlerBundles, loadBundle } from '../helpers/bundles.js';
import { type Emulator, FAKE_AWS_ENV, setEnv, startDynalite } from '../helpers/emulators.js';

// The prebundled handlers, loaded as Lambda loads them, against dynalite through the bundled
// AWS SDK (pointed at the emulator with AWS_ENDPOINT_URL_DYNAMODB). The table is created with
// one plain DynamoDB JSON request (keys from core's HISTORY_TABLE_KEYS), so the test itself
// loads no SDK.

type RecorderHandler = (
  event: unknown,
  context: unknown,
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
type HistoryHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const TABLE = 'trade-history';
function kinesisEvent(payloads: string[]) {
  return {
    Records: payloads.map((payload, index) => ({
      eventSource: 'aws:kinesis',
      eventID: `shardId-000000000000:${index}`,
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/trades',
      awsRegion: 'us-east-1',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'AAPL',
        sequenceNumber: String(49_000_000_000 + index),
        data: Buffer.from(payload).toString('base64'),
        approximateArrivalTimestamp: 1_700_000_000,
      },
    })),
  };
}

function httpEvent(path: string, query: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `GET ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    queryStringParameters: query,
    headers: {},
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEventV2['requestContext'],
  };
}

describe('prebundled handlers', () => {
  let dynamo: Emulator;
  let restoreEnv: () => void;
  const trades: Trade[] = tradeSequence(['AAPL', 'MSFT'], 12, { stepMs: 5_000 });

  beforeAll(async () => {
    await ensureHandlerBundles();
    dynamo = await startDynalite();
    await createHistoryTable(dynamo.endpoint, TABLE);
    restoreEnv = setEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      ...FAKE_AWS_ENV,
      HISTORY_TABLE: TABLE,
    });
  });

  afterAll(async () => {
    restoreEnv?.();
    await dynamo?.close();
  });

  it('every bundle loads as CommonJS and exports its handler', () => {
    for (const name of HANDLERS) {
      expect(typeof loadBundle<{ handler: unknown }>(name).handler, name).toBe('function');
    }
  });

  it('recorder stores every trade of a Kinesis batch once, skipping a record that is not a trade', async () => {
    const { handler } = loadBundle<{ handler: RecorderHandler }>('recorder');
    const payloads = [...trades.map((trade) => JSON.stringify(trade)), 'not json'];

    const first = await handler(kinesisEvent(payloads), {});
    const replay = await handler(kinesisEvent(payloads), {});

    expect(first.batchItemFailures).toEqual([]);
    expect(replay.batchItemFailures).toEqual([]);
    const history = loadBundle<{ handler: HistoryHandler }>('history');
    const response = await history.handler(
      httpEvent('/api/trades', { symbol: 'AAPL', limit: '100' }),
    );
    const stored = JSON.parse(response.body ?? '') as Trade[];
    expect(stored.map((trade) => trade.seq)).toEqual(
      Array.from({ length: 12 }, (_, index) => 12 - index),
    );
  });

  it('history answers /api/trades newest first, limited', async () => {
    const { handler } = loadBundle<{ handler: HistoryHandler }>('history');

    const response = await handler(httpEvent('/api/trades', { symbol: 'MSFT', limit: '3' }));

    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? '') as Trade[];
    expect(body.map((trade) => [trade.symbol, trade.seq])).toEqual([
      ['MSFT', 12],
      ['MSFT', 11],
      ['MSFT', 10],
    ]);
  });

  it('history computes /api/bars from the stored trades when no bars are stored', async () => {
    const { handler } = loadBundle<{ handler: HistoryHandler }>('history');
    const aapl = trades.filter((trade) => trade.symbol === 'AAPL');
    const first = aapl[0]!;
    const last = aapl.at(-1)!;

    const response = await handler(
      httpEvent('/api/bars', {
        symbol: 'AAPL',
        interval: '1m',
        from: String(first.timestamp),
        to: String(last.timestamp),
      }),
    );

    expect(response.statusCode).toBe(200);
    const bars = JSON.parse(response.body ?? '') as {
      start: number;
      count?: number;
      open: number;
      close: number;
    }[];
    expect(bars.length).toBeGreaterThan(1);
    expect(bars[0]!.start).toBeGreaterThan(bars.at(-1)!.start);
    expect(bars.at(-1)!.open).toBe(first.price);
    expect(bars[0]!.close).toBe(last.price);
  });

  it('history answers 400 with a reason for a bad symbol, limit or interval', async () => {
    const { handler } = loadBundle<{ handler: HistoryHandler }>('history');

    const cases = await Promise.all([
      handler(httpEvent('/api/trades', { symbol: 'not a symbol' })),
      handler(httpEvent('/api/trades', { symbol: 'AAPL', limit: '0' })),
      handler(httpEvent('/api/bars', { symbol: 'AAPL', interval: '7m' })),
      handler(httpEvent('/api/trades', {})),
    ]);

    expect(cases.map((response) => response.statusCode)).toEqual([400, 400, 400, 400]);
    expect(cases.map((response) => JSON.parse(response.body ?? '').error.code)).toEqual([
      'INVALID_SYMBOL',
      'INVALID_LIMIT',
      'INVALID_INTERVAL',
      'INVALID_SYMBOL',
    ]);
  });
});
