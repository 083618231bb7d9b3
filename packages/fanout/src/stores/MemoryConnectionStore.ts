import { ENGINE_DEFAULTS } from '../defaults.js';
import { shardOf } from '../engine/shardOf.js';
import type { ConnectionRecord, ConnectionStore } from '../types.js';

/**
 * A {@link ConnectionStore} in process memory: the registry of a single server, and of tests.
 *
 * Guarantees: records are copied in and out, so callers never share state with the store;
 * every operation completes synchronously (the promises are already settled); a record lives in
 * the shard its `shard` field names, which callers compute with `shardOf(id, shards)`.
 * Memory grows with the connections held; removing a connection frees it.
 *
 * @example
 * ```ts
 * import { MemoryConnectionStore, shardOf } from '@market-stream/fanout';
 *
 * const store = new MemoryConnectionStore();
 * await store.put({ id: 'c1', shard: shardOf('c1', 16), symbols: ['AAPL'], connectedAt: Date.now() });
 * await store.listShard(shardOf('c1', 16)); // [{ id: 'c1', … }]
 * ```
 */
export class MemoryConnectionStore implements ConnectionStore {
  private readonly records = new Map<string, ConnectionRecord>();
  private readonly shardIndex = new Map<number, Set<string>>();

  /**
   * @param options - `shards`: the shard count used when a record's shard must be derived.
   * @default options.shards 16
   */
  constructor(private readonly options: { shards?: number } = {}) {}

  /** Connections held. */
  get size(): number {
    return this.records.size;
  }

  async put(record: ConnectionRecord): Promise<void> {
    this.forget(record.id);
    const copy = copyOf(record);
    if (!Number.isInteger(copy.shard) || copy.shard < 0) {
      copy.shard = shardOf(copy.id, this.options.shards ?? ENGINE_DEFAULTS.shards);
    }
    this.records.set(copy.id, copy);
    let ids = this.shardIndex.get(copy.shard);
    if (ids === undefined) {
      ids = new Set();
      this.shardIndex.set(copy.shard, ids);
    }
    ids.add(copy.id);
  }

  async get(id: string): Promise<ConnectionRecord | undefined> {
    const record = this.records.get(id);
    return record && copyOf(record);
  }

  async updateSymbols(id: string, symbols: string[]): Promise<void> {
    const record = this.records.get(id);
    if (record) record.symbols = [...symbols];
  }

  async remove(id: string): Promise<void> {
    this.forget(id);
  }

  async listShard(shard: number): Promise<ConnectionRecord[]> {
    const ids = this.shardIndex.get(shard);
    if (ids === undefined) return [];
    return [...ids].map((id) => copyOf(this.records.get(id)!));
  }

  private forget(id: string): void {
    const record = this.records.get(id);
    if (record === undefined) return;
    this.records.delete(id);
    const ids = this.shardIndex.get(record.shard);
    ids?.delete(id);
    if (ids?.size === 0) this.shardIndex.delete(record.shard);
  }
}

function copyOf(record: ConnectionRecord): ConnectionRecord {
  return { ...record, symbols: [...record.symbols] };
}
