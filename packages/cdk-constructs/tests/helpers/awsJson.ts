import { HISTORY_TABLE_KEYS } from '@market-stream/core';

// Plain AWS JSON requests to the emulators, so a test of a bundled handler loads no SDK of its
// own: the only SDK in play is the one inside the bundle.

const SIGNED = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=x/20240101/us-east-1/service/aws4_request, SignedHeaders=host, Signature=x',
  'x-amz-date': '20240101T000000Z',
};

/** One AWS JSON request (`x-amz-target`), answered JSON or thrown with the emulator's reason. */
export async function awsJson<T>(
  endpoint: string,
  target: string,
  body: unknown,
  version: '1.0' | '1.1' = '1.0',
): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      ...SIGNED,
      'content-type': `application/x-amz-json-${version}`,
      'x-amz-target': target,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target}: ${response.status} ${text}`);
  return JSON.parse(text || '{}') as T;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${what} never became ACTIVE`);
}

function kinesis<T>(endpoint: string, operation: string, body: unknown): Promise<T> {
  return awsJson<T>(endpoint, `Kinesis_20131202.${operation}`, body, '1.1');
}

/** Creates a Kinesis stream on kinesalite and waits (bounded) until it is ACTIVE. */
export async function createStream(endpoint: string, name: string, shards = 1): Promise<void> {
  await kinesis(endpoint, 'CreateStream', { StreamName: name, ShardCount: shards });
  await until(`stream ${name}`, async () => {
    const { StreamDescription } = await kinesis<{ StreamDescription: { StreamStatus: string } }>(
      endpoint,
      'DescribeStream',
      { StreamName: name },
    );
    return StreamDescription.StreamStatus === 'ACTIVE';
  });
}

/** A record as read from a stream, data base64-decoded. */
export interface StreamRecord {
  partitionKey: string;
  sequenceNumber: string;
  data: Uint8Array;
}

/** Every record of every shard of a stream, from TRIM_HORIZON, shard by shard. */
export async function readStream(endpoint: string, name: string): Promise<StreamRecord[]> {
  const { Shards } = await kinesis<{ Shards: { ShardId: string }[] }>(endpoint, 'ListShards', {
    StreamName: name,
  });
  const records: StreamRecord[] = [];
  for (const { ShardId } of Shards) {
    let { ShardIterator: iterator } = await kinesis<{ ShardIterator?: string }>(
      endpoint,
      'GetShardIterator',
      { StreamName: name, ShardId, ShardIteratorType: 'TRIM_HORIZON' },
    );
    for (let page = 0; page < 1_000 && iterator; page++) {
      const output = await kinesis<{
        Records: { PartitionKey: string; SequenceNumber: string; Data: string }[];
        NextShardIterator?: string;
      }>(endpoint, 'GetRecords', { ShardIterator: iterator });
      if (output.Records.length === 0) break;
      for (const record of output.Records) {
        records.push({
          partitionKey: record.PartitionKey,
          sequenceNumber: record.SequenceNumber,
          data: Buffer.from(record.Data, 'base64'),
        });
      }
      iterator = output.NextShardIterator;
    }
  }
  return records;
}

/** Creates the trade-history table (core's HISTORY_TABLE_KEYS) and waits until it is ACTIVE. */
export async function createHistoryTable(endpoint: string, name: string): Promise<void> {
  await awsJson(endpoint, 'DynamoDB_20120810.CreateTable', {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: HISTORY_TABLE_KEYS.KeySchema,
    AttributeDefinitions: HISTORY_TABLE_KEYS.AttributeDefinitions,
  });
  await until(`table ${name}`, async () => {
    const { Table } = await awsJson<{ Table: { TableStatus: string } }>(
      endpoint,
      'DynamoDB_20120810.DescribeTable',
      { TableName: name },
    );
    return Table.TableStatus === 'ACTIVE';
  });
}

/** Every item of a (small) table, in DynamoDB JSON (`{ S: … }`, `{ N: … }`). */
export async function scanTable(
  endpoint: string,
  name: string,
): Promise<Record<string, Record<string, string>>[]> {
  const { Items } = await awsJson<{ Items: Record<string, Record<string, string>>[] }>(
    endpoint,
    'DynamoDB_20120810.Scan',
    { TableName: name },
  );
  return Items;
}
