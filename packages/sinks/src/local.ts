/**
 * A local Kinesis endpoint for tests and local runs: kinesalite behind a front that adds stream
 * consumers and `SubscribeToShard` (enhanced fan-out), with fault injection.
 *
 * @packageDocumentation
 * @module @market-stream/sinks/local
 */
export { LOCAL_KINESIS_DEFAULTS } from './local/localKinesisDefaults.js';
export type {
  LocalKinesis,
  LocalKinesisFaults,
  LocalKinesisOptions,
} from './local/startLocalKinesis.js';
export { startLocalKinesis } from './local/startLocalKinesis.js';
