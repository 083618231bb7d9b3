/**
 * AWS CDK constructs for every deployable part of a market-stream ticker system, and
 * `TickerSystem`, which composes them. Lambda handlers ship prebundled: no bundler at synth.
 *
 * @packageDocumentation
 * @module @market-stream/cdk-constructs
 */
export type { HistoryApiProps } from './api/HistoryApi.js';
export { HistoryApi } from './api/HistoryApi.js';
export type { IngestApiProps } from './api/IngestApi.js';
export { IngestApi } from './api/IngestApi.js';
export { INGEST_ENV } from './api/IngestApiEnvironment.js';
export { DEFAULTS } from './defaults.js';
export { ConstructPropsError, HandlerBundleMissingError } from './errors.js';
export { ContainerFanoutService } from './fanout/ContainerFanoutService.js';
export type {
  ContainerFanoutServiceProps,
  FanoutScalingMetric,
} from './fanout/ContainerFanoutServiceProps.js';
export { EventsFanout } from './fanout/EventsFanout.js';
export type { EventsFanoutProps, EventsSubscriberAuth } from './fanout/EventsFanoutProps.js';
export { ServerlessFanout } from './fanout/ServerlessFanout.js';
export type { FanoutJwtAuth, ServerlessFanoutProps } from './fanout/ServerlessFanoutProps.js';
export type { FargateServiceCommonProps } from './fargate/FargateServiceCommonProps.js';
export type { TradeHistoryTableProps } from './history/TradeHistoryTable.js';
export { TradeHistoryTable } from './history/TradeHistoryTable.js';
export { TradeProcessor } from './processor/TradeProcessor.js';
export type { TradeProcessorProps } from './processor/TradeProcessorProps.js';
export type { TradeProducerServiceProps } from './producer/TradeProducerService.js';
export { TradeProducerService } from './producer/TradeProducerService.js';
export type { DeadLetterReplayProps } from './replay/DeadLetterReplay.js';
export { DeadLetterReplay } from './replay/DeadLetterReplay.js';
export { REPLAY_ENV } from './replay/DeadLetterReplayEnvironment.js';
export type { StreamReadMode } from './stream/StreamReadMode.js';
export { STREAM_CONSUMER_LIMIT } from './stream/StreamReadMode.js';
export type { TradeStreamProps } from './stream/TradeStream.js';
export { TradeStream } from './stream/TradeStream.js';
export type {
  TickerContainerFanoutOptions,
  TickerEventsFanoutOptions,
  TickerImageSource,
  TickerIngestOptions,
  TickerSystemProps,
} from './system/TickerSystem.js';
export { TickerSystem } from './system/TickerSystem.js';
export type { TickerWebsiteAppSyncEvents, TickerWebsiteProps } from './website/TickerWebsite.js';
export { TickerWebsite } from './website/TickerWebsite.js';
