import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import { shardOf } from '../engine/shardOf.js';
import { ConnectionStoreError } from '../errors.js';
import type { ConnectionRecord, ConnectionStore, DeliveryMode } from '../types.js';

/**
 * Options of {@link DynamoConnectionStore}.
 *
 * @example
 * ```ts
 * import type { DynamoConnectionStoreOptions } from '@market-stream/fanout';
 *
 * const options: DynamoConnectionStoreOptions = { client, tableName: 'connections', shards: 16 };
 * ```
 */
export interface DynamoConnectionStoreOptions {
  /** A `DynamoDBDocumentClient` (from `@aws-sdk/lib-dynamodb`). */
  client: DynamoDBDocumentClient;
  /** Table with a string partition key `pk` and a string sort key `sk`. */
  tableName: string;
  /**
   * Shard count; must match the engine's and every other handler's.
   * @default 16
   */
  shards?: number;
  /**
   * Item lifetime, written to the `ttl` attribute (enable TTL on it in the table).
   * @default 7800 (API Gateway's 2-hour connection limit plus 10 minutes)
   */
  ttlSeconds?: number;
  /**
   * How long a shard read is reused before DynamoDB is queried again; 0 disables the cache.
   * Writes made through this store invalidate their shard at once.
   * @default 1000
   */
  cacheTtlMs?: number;
  /**
   * Clock, ms since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

interface Item {
  pk: string;
  sk: string;
  symbols?: string[];
  connectedAt?: number;
  mode?: DeliveryMode;
  ttl?: number;
}

/**
 * A {@link ConnectionStore} in one DynamoDB table, for Lambda handlers that share nothing but
 * the table. Items: `pk = "shard#N"`, `sk =` the connection id, `symbols` (a list),
 * `connectedAt`, optional `mode`, and `ttl` (epoch seconds) just over API Gateway's 2-hour
 * connection limit, so records of connections whose `$disconnect` never ran expire by
 * themselves.
 *
 * Guarantees: a shard is read with Query on its partition (paginated), never Scan; reads are
 * served from a per-shard cache for `cacheTtlMs` (one Query per shard per window however many
 * flushes run in a warm Lambda), and concurrent reads of one shard share a single Query; a
 * write through this store invalidates that shard's cache. Writes made by other processes are
 * seen after at most `cacheTtlMs`. Every AWS failure is rethrown as a
 * {@link ConnectionStoreError}.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
 * import { DynamoConnectionStore } from '@market-stream/fanout';
 *
 * const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
 * const store = new DynamoConnectionStore({ client, tableName: 'connections', shards: 16 });
 * await store.put({ id: 'abc=', shard: 0, symbols: ['AAPL'], connectedAt: Date.now() });
 * const record = await store.get('abc='); // shard is recomputed from the id
 * ```
 */
export class DynamoConnectionStore implements ConnectionStore {
  /** The shard count this store places connections with. */
  readonly shards: number;
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly ttlSeconds: number;
  private readonly cacheTtlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<number, { at: number; records: Promise<ConnectionRecord[]> }>();

  /**
   * @param options - Client, table and shard count; see {@link DynamoConnectionStoreOptions}.
   */
  constructor(options: DynamoConnectionStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.shards = options.shards ?? SERVERLESS_DEFAULTS.shards;
    this.ttlSeconds = options.ttlSeconds ?? SERVERLESS_DEFAULTS.connectionTtlSeconds;
    this.cacheTtlMs = options.cacheTtlMs ?? SERVERLESS_DEFAULTS.shardCacheTtlMs;
    this.now = options.now ?? Date.now;
    shardOf('', this.shards); // validates `shards` once, up front
  }

  /**
   * Adds or replaces a connection. The shard is computed from the id with {@link shardOf}
   * (the record's `shard` field is ignored), so `get` can find it again.
   *
   * @param record - The connection.
   */
  async put(record: ConnectionRecord): Promise<void> {
    const shard = shardOf(record.id, this.shards);
    const item: Item = {
      pk: shardKey(shard),
      sk: record.id,
      symbols: [...record.symbols],
      connectedAt: record.connectedAt,
      ttl: Math.floor(this.now() / 1000) + this.ttlSeconds,
    };
    if (record.mode) item.mode = record.mode;
    await this.call('put', () =>
      this.client.send(new PutCommand({ TableName: this.tableName, Item: item })),
    );
    this.cache.delete(shard);
  }

  /**
   * One connection, read directly (never from the shard cache).
   *
   * @param id - The connection id.
   * @returns The record, or `undefined` when unknown.
   */
  async get(id: string): Promise<ConnectionRecord | undefined> {
    const shard = shardOf(id, this.shards);
    const result = await this.call('get', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: shardKey(shard), sk: id },
          ConsistentRead: true,
        }),
      ),
    );
    return result.Item ? toRecord(result.Item as Item, shard) : undefined;
  }

  /**
   * Replaces a connection's subscription set; a no-op for an unknown id (the update is
   * conditional, so it never creates a record for a connection that has gone).
   *
   * @param id - The connection id.
   * @param symbols - The full new set.
   */
  async updateSymbols(id: string, symbols: string[]): Promise<void> {
    const shard = shardOf(id, this.shards);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: shardKey(shard), sk: id },
          UpdateExpression: 'SET symbols = :symbols',
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeValues: { ':symbols': [...symbols] },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') {
        throw new ConnectionStoreError('updateSymbols', `updating ${id} failed`, { cause: error });
      }
    } finally {
      this.cache.delete(shard);
    }
  }

  /**
   * Forgets a connection; a no-op for an unknown id.
   *
   * @param id - The connection id.
   */
  async remove(id: string): Promise<void> {
    const shard = shardOf(id, this.shards);
    await this.call('remove', () =>
      this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: { pk: shardKey(shard), sk: id } }),
      ),
    );
    this.cache.delete(shard);
  }

  /**
   * Every connection of one shard: a paginated Query on `pk = "shard#N"`, reused for
   * `cacheTtlMs`. Records past their `ttl` (DynamoDB deletes expired items lazily) are left out.
   *
   * @param shard - A shard number in `[0, shards)`.
   * @returns The shard's connections; callers must not mutate the array.
   */
  listShard(shard: number): Promise<ConnectionRecord[]> {
    const now = this.now();
    const cached = this.cache.get(shard);
    if (cached && now - cached.at < this.cacheTtlMs) return cached.records;
    const records = this.queryShard(shard, now);
    if (this.cacheTtlMs > 0) {
      this.cache.set(shard, { at: now, records });
      // A failed read must not be served from the cache.
      records.catch(() => {
        if (this.cache.get(shard)?.records === records) this.cache.delete(shard);
      });
    }
    return records;
  }

  /** Drops every cached shard read, so the next `listShard` queries DynamoDB. */
  invalidate(): void {
    this.cache.clear();
  }

  private async queryShard(shard: number, now: number): Promise<ConnectionRecord[]> {
    const records: ConnectionRecord[] = [];
    const nowSeconds = Math.floor(now / 1000);
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < SERVERLESS_DEFAULTS.maxQueryPages; page++) {
      const result = await this.call('listShard', () =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': shardKey(shard) },
            ExclusiveStartKey: startKey,
            // A subscription stored just before must be in the list: the message handler's
            // recovery (which waits shardCacheTtlMs) relies on it to leave no trade between the
            // recovered and the live ones. Twice the read units of an eventually consistent
            // read, once per shard per cache period.
            ConsistentRead: true,
          }),
        ),
      );
      for (const item of (result.Items ?? []) as Item[]) {
        if (item.ttl !== undefined && item.ttl < nowSeconds) continue;
        records.push(toRecord(item, shard));
      }
      startKey = result.LastEvaluatedKey;
      if (!startKey) return records;
    }
    throw new ConnectionStoreError(
      'listShard',
      `shard ${shard} spans more than ${SERVERLESS_DEFAULTS.maxQueryPages} Query pages; raise the shard count`,
    );
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new ConnectionStoreError(operation, `${operation} on ${this.tableName} failed`, {
        cause: error,
      });
    }
  }
}

function shardKey(shard: number): string {
  return `shard#${shard}`;
}

function toRecord(item: Item, shard: number): ConnectionRecord {
  const record: ConnectionRecord = {
    id: item.sk,
    shard,
    symbols: Array.isArray(item.symbols) ? item.symbols : [],
    connectedAt: typeof item.connectedAt === 'number' ? item.connectedAt : 0,
  };
  if (item.mode === 'all' || item.mode === 'latest') record.mode = item.mode;
  return record;
}
