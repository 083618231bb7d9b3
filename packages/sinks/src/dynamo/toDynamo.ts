import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Bar, type ToBarsOptions, type Trade, toBars } from '@market-stream/core';
import type { OperatorFunction } from 'rxjs';
import { DYNAMO_DEFAULTS, DYNAMO_LIMITS } from '../defaults.js';
import { InvalidSinkOptionsError, RecordRejectedError, RecordTooLargeError } from '../errors.js';
import { deliver } from '../internal/deliver.js';
import { itemSize } from '../internal/itemSize.js';
import type { Entry, Prepared, RequestOutcome, Transport } from '../internal/transport.js';
import type { DeliveryReport, SinkOptions } from '../types.js';
import { barItem, tradeItem } from './itemDesign.js';

type Item = Record<string, unknown>;

/**
 * Options of {@link toDynamo} for raw records (trades by default).
 *
 * @typeParam T - The record type; `Trade` unless you give your own `toItem`.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
 * import type { ToDynamoOptions } from '@market-stream/sinks';
 *
 * const options: ToDynamoOptions = {
 *   client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
 *   tableName: 'trade-history',
 *   ttlSeconds: 24 * 60 * 60,
 * };
 * ```
 */
export interface ToDynamoOptions<T = Trade> extends SinkOptions<T> {
  /** Your DynamoDB document client (`DynamoDBDocumentClient.from(new DynamoDBClient())`). */
  client: DynamoDBDocumentClient;
  /** The table; its key schema is `pk` (string, hash) and `sk` (string, range) by default. */
  tableName: string;
  /**
   * The item of a record. Keep its key deterministic (a function of the record alone), so a
   * retried or replayed record overwrites itself instead of adding a copy.
   * @default `pk` = symbol, `sk` = zero-padded seq (the key is `symbol#seq` alone), the
   * trade's fields, `ttl` = the trade's epoch second + `ttlSeconds`
   */
  toItem?: (record: T) => Record<string, unknown>;
  /**
   * Lifetime of an item in seconds after the trade (enable TTL on the `ttl` attribute), or
   * `false` for no `ttl` attribute. Used by the default `toItem` only.
   * @default 604_800 (7 days)
   */
  ttlSeconds?: number | false;
  /**
   * The table's key attribute names, to match `UnprocessedItems` back to records.
   * @default { partitionKey: 'pk', sortKey: 'sk' }
   */
  keyAttributes?: { partitionKey: string; sortKey?: string };
}

/**
 * Options of {@link toDynamo} storing OHLCV bars (from core's `toBars`) instead of trades.
 *
 * @example
 * ```ts
 * import type { ToDynamoBarsOptions } from '@market-stream/sinks';
 *
 * const options: ToDynamoBarsOptions = {
 *   client: documentClient,
 *   tableName: 'trade-history',
 *   bars: { intervalMs: 60_000 },
 * };
 * ```
 */
export interface ToDynamoBarsOptions extends SinkOptions<Bar> {
  /** Your DynamoDB document client. */
  client: DynamoDBDocumentClient;
  /** The table (key schema `pk`, `sk`). */
  tableName: string;
  /**
   * Bar length and `toBars` options. Items: `pk` = `SYMBOL#bars#intervalMs`, `sk` =
   * zero-padded bar start, the bar's fields, `ttl`. A bar is written when its interval closes
   * (and every open bar when the source completes); a restart mid-interval rewrites that
   * interval's bar from the trades seen after the restart.
   */
  bars: { intervalMs: number } & ToBarsOptions;
  /**
   * Lifetime of a bar in seconds after its end, or `false` for no `ttl` attribute.
   * @default 604_800 (7 days)
   */
  ttlSeconds?: number | false;
}

/**
 * Writes trades (or any records, or OHLCV bars) to a DynamoDB table with BatchWriteItem and
 * emits a {@link DeliveryReport} per request.
 *
 * Guarantees:
 * - Batches fill to every BatchWriteItem limit at once: 25 items, 16 MB per call, 400 KB per
 *   item; an item over 400 KB goes to `onFailure` as a `RecordTooLargeError`, the others are
 *   unharmed.
 * - `UnprocessedItems`, and whole requests that are throttled, answered with a 5xx or lose
 *   their connection, are retried — exactly the unprocessed items — with exponential backoff
 *   and full jitter.
 * - Exactly once in the table: a trade's key is a function of `symbol#seq` alone, so a
 *   retried, duplicated or replayed trade, even one with another timestamp, overwrites its own
 *   item (the last write wins). Reads by `sk` come back in seq order whatever order the writes
 *   landed in; `ordering: 'per-key'` (the default) also keeps the write order per symbol,
 *   which DynamoDB Streams consumers see.
 * - When the source completes, everything held (records waiting for `lingerMs` or for a
 *   retry) is written, or given to `onFailure`, before the operator completes.
 *
 * @typeParam T - The record type.
 * @param options - See {@link ToDynamoOptions} (or {@link ToDynamoBarsOptions}) and
 * {@link SinkOptions}.
 * @returns An operator from records to delivery reports.
 * @throws {@link InvalidSinkOptionsError} without a `tableName`, with a bad `ttlSeconds` or
 * `bars.intervalMs`, or an option out of range.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
 * import { toDynamo } from '@market-stream/sinks';
 *
 * const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
 * trades$.pipe(toDynamo({ client, tableName: 'trade-history' })).subscribe();
 * // or one item per symbol and minute instead of one per trade:
 * trades$.pipe(toDynamo({ client, tableName: 'trade-history', bars: { intervalMs: 60_000 } }));
 * ```
 */
export function toDynamo(options: ToDynamoBarsOptions): OperatorFunction<Trade, DeliveryReport>;
export function toDynamo<T = Trade>(
  options: ToDynamoOptions<T>,
): OperatorFunction<T, DeliveryReport>;
export function toDynamo<T>(
  options: ToDynamoOptions<T> | ToDynamoBarsOptions,
): OperatorFunction<T, DeliveryReport> | OperatorFunction<Trade, DeliveryReport> {
  const { client, tableName } = options;
  if (!tableName) throw new InvalidSinkOptionsError('toDynamo needs a tableName');
  const ttlSeconds = options.ttlSeconds ?? DYNAMO_DEFAULTS.ttlSeconds;
  if (ttlSeconds !== false && !(Number.isInteger(ttlSeconds) && ttlSeconds >= 0)) {
    throw new InvalidSinkOptionsError('ttlSeconds must be a whole number >= 0, or false');
  }
  if ('bars' in options && options.bars !== undefined) {
    const { intervalMs, ...barsOptions } = options.bars;
    if (!(intervalMs > 0)) throw new InvalidSinkOptionsError('bars.intervalMs must be > 0');
    const write = deliver(
      itemTransport<Bar>(client, tableName, (bar) => barItem(bar, intervalMs, ttlSeconds), {
        partitionKey: 'pk',
        sortKey: 'sk',
      }),
      options,
    );
    const barsOperator: OperatorFunction<Trade, DeliveryReport> = (source) =>
      source.pipe(toBars(intervalMs, barsOptions), write);
    return barsOperator;
  }
  const recordOptions = options as ToDynamoOptions<T>;
  const toItem =
    recordOptions.toItem ?? ((record: T) => tradeItem(record as unknown as Trade, ttlSeconds));
  const keys = recordOptions.keyAttributes ?? { partitionKey: 'pk', sortKey: 'sk' };
  return deliver(itemTransport(client, tableName, toItem, keys), recordOptions);
}

function itemTransport<T>(
  client: DynamoDBDocumentClient,
  tableName: string,
  toItem: (record: T) => Item,
  keys: { partitionKey: string; sortKey?: string },
): Transport<T, Item> {
  const keyOf = (item: Item) =>
    keys.sortKey === undefined
      ? String(item[keys.partitionKey])
      : `${String(item[keys.partitionKey])}\u0000${String(item[keys.sortKey])}`;
  return {
    sink: 'dynamodb',
    maxBatchCount: DYNAMO_LIMITS.maxItemsPerRequest,
    maxBatchBytes: DYNAMO_LIMITS.maxBytesPerRequest,
    prepare(record: T): Prepared<Item> {
      const item = toItem(record);
      const partition = item[keys.partitionKey];
      if (partition === undefined || partition === null || partition === '') {
        throw new TypeError(`toDynamo: the item has no ${keys.partitionKey}`);
      }
      const bytes = itemSize(item);
      if (bytes > DYNAMO_LIMITS.maxBytesPerItem) {
        throw new RecordTooLargeError(
          'dynamodb',
          bytes,
          DYNAMO_LIMITS.maxBytesPerItem,
          `item ${keyOf(item).replace('\u0000', ' ')}`,
        );
      }
      return { key: String(partition), bytes, payload: item };
    },
    send: (entries) => batchWrite(client, tableName, entries, keyOf),
  };
}

async function batchWrite<T>(
  client: DynamoDBDocumentClient,
  tableName: string,
  entries: readonly Entry<T, Item>[],
  keyOf: (item: Item) => string,
): Promise<RequestOutcome> {
  // BatchWriteItem rejects a request naming one key twice; the same trade twice is the same
  // item, so it is written once and both entries share the outcome.
  const indexesByKey = new Map<string, number[]>();
  const items = new Map<string, Item>();
  for (let index = 0; index < entries.length; index++) {
    const item = entries[index]!.payload;
    const key = keyOf(item);
    const indexes = indexesByKey.get(key);
    if (indexes === undefined) indexesByKey.set(key, [index]);
    else indexes.push(index);
    items.set(key, item);
  }
  const output = await client.send(
    new BatchWriteCommand({
      RequestItems: {
        [tableName]: [...items.values()].map((Item) => ({ PutRequest: { Item } })),
      },
    }),
  );
  const failed: RequestOutcome['failed'] = [];
  for (const request of output.UnprocessedItems?.[tableName] ?? []) {
    const item = request.PutRequest?.Item;
    if (item === undefined) continue;
    for (const index of indexesByKey.get(keyOf(item)) ?? []) {
      failed.push({
        index,
        retryable: true,
        error: new RecordRejectedError(
          'dynamodb',
          'UnprocessedItems',
          'DynamoDB did not process the item (throttled or busy partition)',
          true,
        ),
      });
    }
  }
  return { failed };
}
