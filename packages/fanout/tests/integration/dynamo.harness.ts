import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CONNECTIONS_TABLE_KEYS } from '@market-stream/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
// @ts-expect-error dynalite ships no types
import dynalite from 'dynalite';
import { createPkSkTable } from '../../../../tests/helpers/dynamoTables.js';

/** A dynalite server on a random loopback port and real SDK v3 clients for it. */
export interface DynaliteHarness {
  endpoint: string;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  /** Creates a table with the connection table's keys (core's `CONNECTIONS_TABLE_KEYS`). */
  createTable(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts an in-memory dynalite (tables become ACTIVE at once). */
export async function startDynalite(): Promise<DynaliteHarness> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler(),
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    endpoint,
    client,
    documentClient,
    createTable: (name) => createPkSkTable(client, name, CONNECTIONS_TABLE_KEYS),
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
