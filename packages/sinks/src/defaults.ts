/**
 * The largest Kinesis record: data plus partition key, 1 MiB.
 *
 * @example
 * ```ts
 * import { KINESIS_MAX_RECORD_BYTES } from '@market-stream/sinks';
 *
 * KINESIS_MAX_RECORD_BYTES; // 1_048_576
 * ```
 */
export const KINESIS_MAX_RECORD_BYTES = 1_048_576;
