import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoConnectionStore, shardOf } from '../../src/index.js';
import { type DynaliteHarness, startDynalite } from './dynamo.harness.js';

describe('DynamoConnectionStore against dynalite', () => {
  let dynamo: DynaliteHarness;
  const commands: string[] = [];
  let table = 0;
  let tableName = '';

  beforeAll(async () => {
    dynamo = await startDynalite();
    // Count what reaches DynamoDB, by command name (Query, Scan, GetItem, …).
    dynamo.documentClient.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
  });

  afterAll(async () => {
    await dynamo?.close();
  });

  beforeEach(async () => {
    tableName = `connections-${++table}`;
    await dynamo.createTable(tableName);
    commands.length = 0;
  });

  function store(options: { cacheTtlMs?: number; now?: () => number } = {}) {
    return new DynamoConnectionStore({
      client: dynamo.documentClient,
      tableName,
      shards: 4,
      ...options,
    });
  }

  it('puts, gets, updates and removes a connection in the shard its id hashes to', async () => {
    // Arrange
    const connections = store({ now: () => 1_700_000_000_000 });
    const id = 'L0SM9cOFvHcCIhw=';

    // Act
    await connections.put({ id, shard: 99, symbols: ['AAPL'], connectedAt: 5 });
    const stored = await connections.get(id);
    await connections.updateSymbols(id, ['AAPL', 'TSLA']);
    const updated = await connections.get(id);
    await connections.remove(id);

    // Assert
    expect(stored).toEqual({ id, shard: shardOf(id, 4), symbols: ['AAPL'], connectedAt: 5 });
    expect(updated?.symbols).toEqual(['AAPL', 'TSLA']);
    expect(await connections.get(id)).toBeUndefined();
    const [item] = (await connections.listShard(shardOf(id, 4))).filter((r) => r.id === id);
    expect(item).toBeUndefined();
  });

  it('writes ttl = now + 7800 s (2 h + 10 min) and leaves expired records out of listShard', async () => {
    const now = 1_700_000_000_000;
    const connections = store({ now: () => now, cacheTtlMs: 0 });
    await connections.put({ id: 'fresh=', shard: 0, symbols: [], connectedAt: now });
    await dynamo.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `shard#${shardOf('stale=', 4)}`,
          sk: 'stale=',
          symbols: [],
          connectedAt: 0,
          ttl: now / 1000 - 1,
        },
      }),
    );

    const item = await dynamo.documentClient.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
        TableName: tableName,
        Key: { pk: `shard#${shardOf('fresh=', 4)}`, sk: 'fresh=' },
      }),
    );
    const all = (await Promise.all([0, 1, 2, 3].map((s) => connections.listShard(s)))).flat();

    expect(item.Item?.ttl).toBe(now / 1000 + 7800);
    expect(all.map((r) => r.id)).toEqual(['fresh=']);
  });

  it('updateSymbols never creates a record for an unknown connection', async () => {
    const connections = store();
    await connections.updateSymbols('gone=', ['AAPL']);
    expect(await connections.get('gone=')).toBeUndefined();
  });

  it('reads a shard with paginated Query (never Scan) and serves repeat reads from its cache', async () => {
    // Arrange: enough bytes in one shard for several 1 MB Query pages.
    let clock = 0;
    const connections = store({ now: () => clock, cacheTtlMs: 1_000 });
    const padding = Array.from({ length: 50 }, (_, i) => `SYMBOL${String(i).padStart(5, '0')}`);
    const ids: string[] = [];
    for (let i = 0; ids.length < 400; i++) {
      const id = `conn-${i}=`;
      if (shardOf(id, 4) === 2) ids.push(id);
    }
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(
        ids.slice(i, i + 25).map((id) =>
          dynamo.documentClient.send(
            new PutCommand({
              TableName: tableName,
              Item: {
                pk: 'shard#2',
                sk: id,
                symbols: padding,
                connectedAt: 1,
                blob: 'x'.repeat(2_500),
              },
            }),
          ),
        ),
      );
    }
    commands.length = 0;

    // Act
    const first = await connections.listShard(2);
    const queriesForFirst = commands.filter((c) => c === 'QueryCommand').length;
    const [second, third] = await Promise.all([connections.listShard(2), connections.listShard(2)]);
    const afterCached = commands.length;
    clock += 1_000;
    await connections.listShard(2);
    const afterExpiry = commands.filter((c) => c === 'QueryCommand').length;
    await connections.put({ id: 'new=', shard: 0, symbols: [], connectedAt: 1 });
    const shardOfNew = shardOf('new=', 4);
    commands.length = 0;
    await connections.listShard(shardOfNew);

    // Assert
    expect(first).toHaveLength(400);
    expect(new Set(first.map((r) => r.id))).toEqual(new Set(ids));
    expect(queriesForFirst).toBeGreaterThan(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(afterCached).toBe(queriesForFirst);
    expect(afterExpiry).toBe(2 * queriesForFirst);
    expect(commands).toEqual(['QueryCommand']);
    expect(commands).not.toContain('ScanCommand');
  });

  it('invalidates a shard it writes to, so a new connection is seen at once', async () => {
    const connections = store({ cacheTtlMs: 60_000 });
    const id = 'abc=';
    const shard = shardOf(id, 4);
    expect(await connections.listShard(shard)).toEqual([]);

    await connections.put({ id, shard, symbols: ['AAPL'], connectedAt: 1 });

    expect((await connections.listShard(shard)).map((r) => r.id)).toEqual([id]);
  });
});
