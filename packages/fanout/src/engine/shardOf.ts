/**
 * The shard a connection belongs to: a 32-bit FNV-1a hash of the connection id, modulo the
 * shard count. Every part that places or finds a connection (the engine, `MemoryConnectionStore`,
 * `DynamoConnectionStore`, the Lambda handlers) uses this one function, so a connection is
 * always looked for where it was put.
 *
 * Guarantees: deterministic across processes and Node versions (it hashes UTF-16 code units,
 * not bytes, so no encoding is involved); spreads API Gateway's base64 connection ids evenly.
 *
 * @param id - The connection id (API Gateway's `connectionId`, or a generated id).
 * @param shards - The shard count, a positive integer.
 * @returns An integer in `[0, shards)`.
 * @throws RangeError when `shards` is not a positive integer.
 *
 * @example
 * ```ts
 * import { shardOf } from '@market-stream/fanout';
 *
 * const shard = shardOf('L0SM9cOFvHcCIhw=', 16); // always the same number in 0…15
 * ```
 */
export function shardOf(id: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) {
    throw new RangeError(`shards must be a positive integer, got ${shards}`);
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
