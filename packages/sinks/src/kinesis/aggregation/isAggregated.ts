import { hasKplMagic, KPL_DIGEST_BYTES, KPL_MAGIC, md5 } from './format.js';

/**
 * Whether a Kinesis record's data is a KPL aggregated record: the magic bytes `F3 89 9A C2`,
 * a protobuf message and a matching MD5 trailer. The same test {@link deaggregate} applies
 * before parsing (a record passing it can still hold a corrupt message, which
 * {@link deaggregate} then passes through as plain).
 *
 * @param data - A record's data blob (base64-decoded).
 * @returns `true` for a KPL aggregate.
 *
 * @example
 * ```ts
 * import { isAggregated, KplAggregator } from '@market-stream/sinks';
 *
 * const aggregator = new KplAggregator();
 * aggregator.tryAdd({ partitionKey: 'AAPL', data: new Uint8Array([1, 2, 3]) });
 * isAggregated(aggregator.build().data); // true
 * isAggregated(new TextEncoder().encode('{"symbol":"AAPL"}')); // false
 * ```
 */
export function isAggregated(data: Uint8Array): boolean {
  if (!hasKplMagic(data)) return false;
  const protobufEnd = data.length - KPL_DIGEST_BYTES;
  if (protobufEnd <= KPL_MAGIC.length) return false;
  return md5(data.subarray(KPL_MAGIC.length, protobufEnd)).equals(data.subarray(protobufEnd));
}
