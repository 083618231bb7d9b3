/**
 * Per-symbol subscriptions over the serverless fan-out path, on one machine:
 * dynalite stands in for DynamoDB, the fan-out package's API Gateway emulator for the
 * WebSocket API, and the ready Lambda handlers of `@market-stream/fanout/lambda` (the ones a
 * CDK stack deploys) run unchanged, configured by the same environment variables.
 *
 * A WebSocket client subscribes to AAPL; a Kinesis batch with an AAPL and a TSLA trade is
 * given to the stream processor; the client receives the AAPL trade only, prints it, exits.
 */
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ServerMessage, Trade } from '@market-stream/core';
import {
  CONNECTIONS_TABLE_KEYS,
  connect,
  disconnect,
  LAMBDA_ENV,
  lambdaEnvironment,
  message,
  processor,
} from '@market-stream/fanout/lambda';
import { startApiGatewayEmulator } from '@market-stream/fanout/local';
// @ts-expect-error dynalite ships no types
import dynalite from 'dynalite';
import WebSocket from 'ws';

const TABLE = 'connections';

/** Runs the example; resolves with the trades the AAPL subscriber received. */
export async function runSubscriptionsExample(
  log: (line: string) => void = console.log,
): Promise<Trade[]> {
  // 1. DynamoDB: dynalite on a loopback port, and a connections table (pk/sk strings).
  const dynamo = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const dynamoEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint, // the SDK's own endpoint override
    ...lambdaEnvironment({ connectionsTable: TABLE, shards: 4, mode: 'latest' }),
  });
  const admin = new DynamoDBClient({});
  await admin.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: CONNECTIONS_TABLE_KEYS.AttributeDefinitions,
      KeySchema: CONNECTIONS_TABLE_KEYS.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );

  // 2. The WebSocket API: the emulator invokes the ready handlers per route.
  const api = await startApiGatewayEmulator({
    handlers: {
      connect,
      disconnect,
      message: { subscribe: message, unsubscribe: message, ping: message, $default: message },
    },
  });
  process.env[LAMBDA_ENV.endpoint] = api.managementEndpoint;
  log(`WebSocket API ${api.url}, @connections ${api.managementEndpoint}`);

  // 3. A client subscribes to AAPL.
  const socket = new WebSocket(api.url);
  const received: ServerMessage[] = [];
  const arrived = (type: ServerMessage['type']) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} message within 10 s`)), 10_000);
      const check = () => {
        const found = received.find((m) => m.type === type);
        if (found) {
          clearTimeout(timer);
          socket.off('message', check);
          resolve(found);
        }
      };
      socket.on('message', check);
      check();
    });
  socket.on('message', (data) => received.push(JSON.parse(String(data)) as ServerMessage));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ action: 'subscribe', symbols: ['AAPL'] }));
  log(`subscribed: ${JSON.stringify(await arrived('subscribed'))}`);

  // 4. A trade is published: the processor gets a Kinesis batch (base64 JSON records).
  const now = Date.now();
  const published: Trade[] = [
    { symbol: 'AAPL', price: 187.42, size: 100, bid: 187.41, ask: 187.43, timestamp: now, seq: 1 },
    { symbol: 'TSLA', price: 242.1, size: 50, bid: 242.09, ask: 242.11, timestamp: now, seq: 1 },
  ];
  const batch = await processor({
    Records: published.map((trade, i) => ({
      eventID: `shardId-000000000000:${i + 1}`,
      kinesis: {
        data: Buffer.from(JSON.stringify(trade)).toString('base64'),
        partitionKey: trade.symbol,
        sequenceNumber: String(i + 1),
      },
    })),
  });
  log(`processor: ${JSON.stringify(batch)}`);

  // 5. The subscriber receives AAPL, and only AAPL.
  const trades = (await arrived('trades')) as Extract<ServerMessage, { type: 'trades' }>;
  for (const trade of trades.trades) {
    log(`received ${trade.symbol} ${trade.price.toFixed(2)} x ${trade.size} (seq ${trade.seq})`);
  }

  socket.close();
  await api.close();
  admin.destroy();
  await new Promise<void>((resolve) => dynamo.close(() => resolve()));
  return trades.trades;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runSubscriptionsExample().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
