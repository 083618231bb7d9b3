import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HISTORY_TABLE_KEYS } from '@market-stream/sinks';
import { startLocalKinesis } from '@market-stream/sinks/local';
// @ts-expect-error dynalite ships no types
import dynalite from 'dynalite';

/** The embedded AWS stand-ins and real SDK v3 clients pointed at them. */
export interface Emulators {
  kinesis: KinesisClient;
  dynamo: DynamoDBDocumentClient;
  streamName: string;
  tableName: string;
  close(): Promise<void>;
}

interface Listening {
  listen(port: number, host: string, callback: () => void): void;
  close(callback: () => void): void;
  address(): AddressInfo | string | null;
  once(event: 'error', listener: (error: Error) => void): void;
}

// Local stand-ins accept any credentials; the SDK still signs requests as it would on AWS.
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

/**
 * Starts the local Kinesis endpoint of `@market-stream/sinks/local` (kinesalite with enhanced
 * fan-out in front) and dynalite in this process on loopback ports, creates the trade stream and
 * the history table (the key design of `@market-stream/sinks`), and returns real AWS SDK v3
 * clients for them, with their default handlers — the same code paths as on AWS.
 */
export async function startEmulators({ shards = 2 }: { shards?: number } = {}): Promise<Emulators> {
  const localKinesis = await startLocalKinesis({ streamStateMs: 0, consumerActivationMs: 0 });
  const dynamoServer = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  }) as Listening;
  const dynamoEndpoint = await listen(dynamoServer);

  // The SDK's default handler for Kinesis speaks HTTP/2, as SubscribeToShard needs.
  const kinesis = new KinesisClient({ endpoint: localKinesis.endpoint, region, credentials });
  const dynamoClient = new DynamoDBClient({ endpoint: dynamoEndpoint, region, credentials });
  const dynamo = DynamoDBDocumentClient.from(dynamoClient, {
    marshallOptions: { removeUndefinedValues: true },
  });

  const streamName = 'market-stream-trades';
  const tableName = 'market-stream-history';
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  await dynamoClient.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: HISTORY_TABLE_KEYS.AttributeDefinitions,
      KeySchema: HISTORY_TABLE_KEYS.KeySchema,
    }),
  );
  await waitFor(async () => {
    const stream = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const table = await dynamoClient.send(new DescribeTableCommand({ TableName: tableName }));
    return (
      stream.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' &&
      table.Table?.TableStatus === 'ACTIVE'
    );
  });

  return {
    kinesis,
    dynamo,
    streamName,
    tableName,
    async close() {
      kinesis.destroy();
      dynamoClient.destroy();
      await Promise.all([localKinesis.close(), close(dynamoServer)]);
    },
  };
}

async function listen(server: Listening): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Listening): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function waitFor(ready: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the emulators did not become ready within 5 s');
}
