// Public API of @market-stream/sinks: filled in by its issue.
export { KINESIS_MAX_RECORD_BYTES } from './defaults.js';
export { KplAggregationError } from './errors.js';
export { deaggregate } from './kinesis/aggregation/deaggregate.js';
export { isAggregated } from './kinesis/aggregation/isAggregated.js';
export type { KplAggregatorOptions } from './kinesis/aggregation/KplAggregator.js';
export { KplAggregator } from './kinesis/aggregation/KplAggregator.js';
export type {
  DeaggregatedRecord,
  KinesisRecordInput,
  KinesisRecordPayload,
  KplUserRecord,
} from './kinesis/aggregation/types.js';
