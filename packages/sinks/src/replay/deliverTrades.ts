import { type Trade, tradeKey } from '@market-stream/core';
import { from, lastValueFrom, type OperatorFunction, toArray } from 'rxjs';
import { toDynamo } from '../dynamo/toDynamo.js';
import { toKinesis } from '../kinesis/toKinesis.js';
import { toSqs } from '../sqs/toSqs.js';
import type { DeliveryReport, SinkFailure, UnsentRecords } from '../types.js';
import type { ReplaySinks } from './replayTypes.js';

/**
 * Sends trades through one of the caller's sinks and says which were not delivered. Each
 * `symbol#seq` is sent once (a batch may name a trade twice, and BatchWriteItem refuses
 * duplicate keys in one request). When the sink errors, every trade counts as undelivered:
 * the caller keeps their messages, and a later replay is idempotent.
 * @internal
 */
export async function deliverTrades(
  sinks: ReplaySinks,
  sink: keyof ReplaySinks,
  trades: readonly Trade[],
): Promise<{ delivered: number; failed: Set<string> }> {
  const unique = new Map<string, Trade>();
  for (const trade of trades) unique.set(tradeKey(trade), trade);
  const failed = new Set<string>();
  const onFailure = (failure: SinkFailure<Trade>) => {
    for (const trade of failure.records) failed.add(tradeKey(trade));
  };
  const onUnsent = ({ unsent, inFlight }: UnsentRecords<Trade>) => {
    for (const trade of [...unsent, ...inFlight]) failed.add(tradeKey(trade));
  };
  const operator = sinkOperator(sinks, sink, onFailure, onUnsent);
  try {
    await lastValueFrom(from(unique.values()).pipe(operator, toArray()));
  } catch {
    for (const key of unique.keys()) failed.add(key);
  }
  return { delivered: unique.size - failed.size, failed };
}

function sinkOperator(
  sinks: ReplaySinks,
  sink: keyof ReplaySinks,
  onFailure: (failure: SinkFailure<Trade>) => void,
  onUnsent: (records: UnsentRecords<Trade>) => void,
): OperatorFunction<Trade, DeliveryReport> {
  if (sink === 'dynamodb') return toDynamo({ ...sinks.dynamodb!, onFailure, onUnsent });
  if (sink === 'kinesis') return toKinesis({ ...sinks.kinesis!, onFailure, onUnsent });
  return toSqs({ ...sinks.sqs!, onFailure, onUnsent });
}
