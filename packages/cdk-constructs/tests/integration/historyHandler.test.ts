import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HISTORY_INTERVALS } from '@market-stream/sinks';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
// @ts-expect-error dynalite ships no types
import dynalite from 'dynalite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkSkTable } from '../../../../tests/helpers/dynamoTables.js';
import { createHistoryHandler } from '../../src/internal/historyHandler.js';

const TABLE = 'trade-history';
const INTERVALS = [...HISTORY_INTERVALS.keys()];

function barsEvent(interval: string): APIGatewayProxyEventV2 {
  const query = { symbol: 'AAPL', interval };
  return {
    version: '2.0',
    routeKey: 'GET /api/bars',
    rawPath: '/api/bars',
    rawQueryString: new URLSearchParams(query).toString(),
    queryStringParameters: query,
    headers: {},
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEventV2['requestContext'],
  };
}

describe('createHistoryHandler()', () => {
  let server: {
    listen(port: number, host: string, callback: () => void): void;
    close(callback: () => void): void;
    address(): AddressInfo;
  };
  let client: DynamoDBClient;
  let handler: ReturnType<typeof createHistoryHandler>;

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${server.address().port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      requestHandler: new NodeHttpHandler(),
    });
    await createPkSkTable(client, TABLE);
    handler = createHistoryHandler({
      client: DynamoDBDocumentClient.from(client),
      tableName: TABLE,
    });
  });

  afterAll(async () => {
    client?.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('answers 400 INVALID_INTERVAL, not 500, for Object.prototype member names', async () => {
    // Arrange
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

    // Act
    const responses = await Promise.all(names.map((name) => handler(barsEvent(name))));

    // Assert
    expect(responses.map((response) => response.statusCode)).toEqual(names.map(() => 400));
    for (const response of responses) {
      expect(JSON.parse(response.body ?? '').error.code).toBe('INVALID_INTERVAL');
    }
  });

  it('answers 400 INVALID_INTERVAL for any interval outside the table', async () => {
    // Arrange
    const unknown = fc.string({ minLength: 1 }).filter((name) => !INTERVALS.includes(name));

    // Act / Assert
    await fc.assert(
      fc.asyncProperty(unknown, async (name) => {
        const response = await handler(barsEvent(name));
        expect(response.statusCode).toBe(400);
        expect(JSON.parse(response.body ?? '').error.code).toBe('INVALID_INTERVAL');
      }),
      { numRuns: 200 },
    );
  });

  it('answers 200 for 5s, like the local server (one interval set)', async () => {
    // Act
    const response = await handler(barsEvent('5s'));

    // Assert
    expect(response.statusCode).toBe(200);
  });

  it('answers 200 for every interval of the table', async () => {
    // Act
    const responses = await Promise.all(INTERVALS.map((name) => handler(barsEvent(name))));

    // Assert
    expect(responses.map((response) => response.statusCode)).toEqual(INTERVALS.map(() => 200));
  });
});
