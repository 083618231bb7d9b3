import type { Trade } from '@market-stream/core';
import type { BatchResponse, DecodedTrades, KinesisEventLike } from '@market-stream/sinks/lambda';
import type { OriginTrade } from './publishSymbol.js';

type KinesisRecord = KinesisEventLike['Records'][number];

/**
 * Decodes a batch record by record, so each trade is known by the position of the record it
 * came from (a KPL aggregate's trades all come from its one record).
 * @internal
 */
export function decodeByRecord(
  records: readonly KinesisRecord[],
  decode: (event: KinesisEventLike) => DecodedTrades,
): { trades: Trade[]; bySymbol: Map<string, OriginTrade[]>; failures: DecodedTrades['failures'] } {
  const trades: Trade[] = [];
  const bySymbol = new Map<string, OriginTrade[]>();
  const failures: DecodedTrades['failures'] = [];
  records.forEach((record, origin) => {
    const decoded = decode({ Records: [record] });
    for (const trade of decoded.trades) {
      trades.push(trade);
      const list = bySymbol.get(trade.symbol);
      if (list) list.push({ trade, origin });
      else bySymbol.set(trade.symbol, [{ trade, origin }]);
    }
    failures.push(...decoded.failures);
  });
  return { trades, bySymbol, failures };
}

/**
 * The partial batch response for records that must be retried: per shard, the earliest of
 * `failing` (record positions) and every record after it — Lambda checkpoints a Kinesis shard
 * before the lowest sequence number reported and retries everything from there — plus the
 * identifiers already in `reported`, once each.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 * @internal
 */
export function failuresFrom(
  records: readonly KinesisRecord[],
  failing: readonly number[],
  reported: BatchResponse['batchItemFailures'],
): BatchResponse['batchItemFailures'] {
  const earliest = new Map<string, number>();
  for (const position of failing) {
    const shard = shardOf(records[position]);
    if (position < (earliest.get(shard) ?? Number.POSITIVE_INFINITY)) earliest.set(shard, position);
  }
  const failures = [...reported];
  const seen = new Set(failures.map(({ itemIdentifier }) => itemIdentifier));
  records.forEach((record, position) => {
    const from = earliest.get(shardOf(record));
    const id = record.kinesis.sequenceNumber;
    if (from !== undefined && position >= from && !seen.has(id)) {
      seen.add(id);
      failures.push({ itemIdentifier: id });
    }
  });
  return failures;
}

/** The shard a record came from (`shardId-…` of its `eventID`); one Lambda batch has one. */
function shardOf(record: KinesisRecord | undefined): string {
  const eventId = record?.eventID ?? '';
  const colon = eventId.lastIndexOf(':');
  return colon > 0 ? eventId.slice(0, colon) : '';
}
