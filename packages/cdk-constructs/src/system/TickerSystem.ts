import { CfnOutput } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HistoryApi } from '../api/HistoryApi.js';
import { IngestApi, type IngestApiProps } from '../api/IngestApi.js';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import { ContainerFanoutService } from '../fanout/ContainerFanoutService.js';
import type { FanoutScalingMetric } from '../fanout/ContainerFanoutServiceProps.js';
import { EventsFanout } from '../fanout/EventsFanout.js';
import type { EventsSubscriberAuth } from '../fanout/EventsFanoutProps.js';
import { ServerlessFanout } from '../fanout/ServerlessFanout.js';
import { TradeHistoryTable } from '../history/TradeHistoryTable.js';
import { createVpc } from '../internal/cluster.js';
import { createLogBucket } from '../internal/logBucket.js';
import { TradeProcessor } from '../processor/TradeProcessor.js';
import { TradeProducerService } from '../producer/TradeProducerService.js';
import { DeadLetterReplay } from '../replay/DeadLetterReplay.js';
import type { StreamReadMode } from '../stream/StreamReadMode.js';
import { TradeStream } from '../stream/TradeStream.js';
import { TickerWebsite, type TickerWebsiteProps } from '../website/TickerWebsite.js';

/**
 * Settings of {@link TickerSystem}'s ingest API: every {@link IngestApiProps} but the stream
 * and the alarms, which the system sets.
 *
 * @example
 * ```ts
 * import type { TickerIngestOptions } from '@market-stream/cdk-constructs';
 *
 * const ingest: TickerIngestOptions = { jwt: { issuer: 'https://issuer.example.com', audience: ['ingest'] } };
 * ```
 */
export type TickerIngestOptions = Omit<IngestApiProps, 'stream' | 'alarms'>;

/**
 * The container image of a Fargate part: an image, or a Dockerfile directory built at deploy.
 *
 * @example
 * ```ts
 * import type { TickerImageSource } from '@market-stream/cdk-constructs';
 *
 * const producer: TickerImageSource = { dockerfileDirectory: 'examples/full-stack/producer' };
 * ```
 */
export interface TickerImageSource {
  /**
   * The image.
   * @default - built from `dockerfileDirectory`
   */
  readonly image?: ecs.ContainerImage;
  /**
   * A directory with a Dockerfile, built for ARM64 at deploy time.
   * @default - `image` is used
   */
  readonly dockerfileDirectory?: string;
}

/**
 * Settings of the container fan-out nodes in {@link TickerSystem}.
 *
 * @example
 * ```ts
 * import type { TickerContainerFanoutOptions } from '@market-stream/cdk-constructs';
 *
 * const nodes: TickerContainerFanoutOptions = { dockerfileDirectory: 'fanout-node', maxCapacity: 10 };
 * ```
 */
export interface TickerContainerFanoutOptions extends TickerImageSource {
  /**
   * Fewest tasks.
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * Most tasks. Reading by push, each node holds one of the stream's 20 consumers and the
   * processor one more, so at most 19.
   * @default 19 reading by push (20 − the processor's consumer), 20 polling
   */
  readonly maxCapacity?: number;
  /**
   * Scaling signal.
   * @default 'connections' (`DEFAULTS.containers.scaleOn`)
   */
  readonly scaleOn?: FanoutScalingMetric;
}

/**
 * Settings of the AppSync Events fan-out in {@link TickerSystem}.
 *
 * @example
 * ```ts
 * import type { TickerEventsFanoutOptions } from '@market-stream/cdk-constructs';
 *
 * const events: TickerEventsFanoutOptions = { subscriberAuth: { type: 'userPool', userPool } };
 * ```
 */
export interface TickerEventsFanoutOptions {
  /**
   * How the page connects and subscribes; with `apiKey` the key is written to the page's
   * `config.json` (readable by anyone, and allowed to subscribe only — see
   * {@link EventsSubscriberAuth}).
   * @default { type: 'apiKey' } — a CDK-managed key, 365 days from each deployment
   */
  readonly subscriberAuth?: EventsSubscriberAuth;
}

/**
 * Props of {@link TickerSystem}.
 *
 * @example
 * ```ts
 * import type { TickerSystemProps } from '@market-stream/cdk-constructs';
 *
 * const props: TickerSystemProps = { fanout: 'serverless', tickers: ['AAPL', 'MSFT'], mode: 'all' };
 * ```
 */
export interface TickerSystemProps {
  /**
   * The fan-out topology **(contract)**: `serverless` (API Gateway WebSocket + Lambda, up to a
   * few thousand clients), `containers` (Fargate nodes behind a load balancer, hundreds of
   * thousands) or `events` (AWS AppSync Events fans out each symbol channel's events).
   */
  readonly fanout: 'serverless' | 'containers' | 'events';
  /**
   * Settings of the AppSync Events fan-out; used with `fanout: 'events'` only.
   * @default - an API key for the page (see {@link TickerEventsFanoutOptions})
   */
  readonly eventsFanout?: TickerEventsFanoutOptions;
  /**
   * Image of the fan-out nodes; required with `fanout: 'containers'`.
   * @default - none
   */
  readonly containerFanout?: TickerContainerFanoutOptions;
  /**
   * Image of the simulator producer. Without it no producer runs: write to `stream` yourself
   * (`system.stream.grantWrite(...)`).
   * @default - no producer service
   */
  readonly producer?: TickerImageSource;
  /**
   * Tickers of the producer and the page.
   * @default DEFAULTS.tickers (20)
   */
  readonly tickers?: readonly string[];
  /**
   * Trades per second of the producer.
   * @default 50
   */
  readonly tradesPerSecond?: number;
  /**
   * Delivery mode of the fan-out. Not used with `events`: AppSync Events delivers every
   * published event to every subscriber of its channel (as `all` does).
   * @default 'latest'
   */
  readonly mode?: 'latest' | 'all';
  /**
   * How the processor and the container fan-out nodes read the stream: `'push'` through an
   * enhanced fan-out consumer each (see {@link StreamReadMode}), `'poll'` with GetRecords.
   * @default 'push' (`DEFAULTS.processor.readMode`, `DEFAULTS.containers.readMode`)
   */
  readonly readMode?: StreamReadMode;
  /**
   * Stream settings, see {@link TradeStreamProps.streamProps}.
   * @default - on-demand, KMS, 24 h
   */
  readonly streamProps?: kinesis.StreamProps;
  /**
   * Take trades from outside through an {@link IngestApi} (`POST /ingest`, IAM/SigV4 unless
   * set otherwise) into the stream: `true` for its defaults, or its settings. With a
   * `producer`, the producer's tickers are reserved (refused by ingest) unless
   * `reservedSymbols` says otherwise.
   * @default - no ingest API
   */
  readonly ingest?: boolean | TickerIngestOptions;
  /**
   * A {@link DeadLetterReplay} function for the processor's on-failure queue (its ranges are
   * re-read from the stream into the history), and with `ingest` one for the ingest API's
   * dead-letter queue (back into the stream). On-demand functions: they cost nothing until
   * invoked (`aws lambda invoke --function-name <DeadLetterReplayFunction output> …`).
   * @default true (`DEFAULTS.deadLetterReplay.inTickerSystem`)
   */
  readonly deadLetterReplay?: boolean;
  /**
   * The website's page: `sources` replaces the minimal page shipped in this package with your
   * own files (e.g. `Source.asset('dist/site')`). The construct still adds `config.json`
   * (`{ webSocketUrl, historyApiUrl, tickers, appSyncEvents? }`) and serves the history API at
   * `/api/*` of the same origin, so a page can read both without CORS.
   * @default - the page shipped in this package (`site/`)
   * @example
   * ```ts
   * import { Source } from 'aws-cdk-lib/aws-s3-deployment';
   *
   * new TickerSystem(stack, 'Ticker', {
   *   fanout: 'serverless',
   *   website: { sources: [Source.asset('dist/site')] },
   * });
   * ```
   */
  readonly website?: Pick<TickerWebsiteProps, 'sources'>;
  /**
   * Create the alarms of every part.
   * @default true (`DEFAULTS.alarms`)
   */
  readonly alarms?: boolean;
  /**
   * Serverless topology: set the account's API Gateway CloudWatch role (needed once per account
   * and region for WebSocket access logs). Turn off when the account already has it.
   * @default true (`DEFAULTS.fanout.createCloudWatchRole`)
   */
  readonly createApiGatewayCloudWatchRole?: boolean;
}

/**
 * The whole ticker system in one construct: producers → {@link TradeStream} →
 * {@link TradeProcessor} → {@link TradeHistoryTable} and the fan-out → WebSocket clients, plus
 * {@link HistoryApi} and the {@link TickerWebsite}. `fanout: 'serverless'` fans out through
 * {@link ServerlessFanout}; `fanout: 'containers'` runs {@link ContainerFanoutService} nodes
 * that read the stream themselves, served through the website's CloudFront at `/ws`;
 * `fanout: 'events'` publishes through {@link EventsFanout} to AppSync Events, whose realtime
 * endpoint the page subscribes to (the processor then only records history).
 *
 * Outputs: `WebsiteUrl`, `WebSocketUrl` (the realtime URL with `events`), `HistoryApiUrl`,
 * `StreamName`, `DeadLetterReplayFunction`, and with `ingest` `IngestUrl` and
 * `IngestDeadLetterReplayFunction`. Every part is exposed for
 * grants, metrics and alarm actions. Passes cdk-nag AwsSolutions with reasoned acknowledgements.
 *
 * @example
 * ```ts
 * import { App, Stack } from 'aws-cdk-lib';
 * import { TickerSystem } from '@market-stream/cdk-constructs';
 *
 * const app = new App();
 * const stack = new Stack(app, 'Ticker', { env: { region: 'us-east-1' } });
 * new TickerSystem(stack, 'Ticker', { fanout: 'serverless' });
 * ```
 */
export class TickerSystem extends Construct {
  /** The trade stream. */
  readonly stream: TradeStream;
  /** The trade history. */
  readonly history: TradeHistoryTable;
  /** The stream processor (history, and fan-out in the serverless topology). */
  readonly processor: TradeProcessor;
  /** The serverless fan-out; undefined in the other topologies. */
  readonly serverlessFanout?: ServerlessFanout;
  /** The container fan-out; undefined in the other topologies. */
  readonly containerFanout?: ContainerFanoutService;
  /** The AppSync Events fan-out; undefined in the other topologies. */
  readonly eventsFanout?: EventsFanout;
  /** The producer; undefined without `producer`. */
  readonly producer?: TradeProducerService;
  /** The history HTTP API. */
  readonly historyApi: HistoryApi;
  /** The ingest HTTP API; undefined without `ingest`. */
  readonly ingestApi?: IngestApi;
  /** Replays the processor's on-failure queue; undefined with `deadLetterReplay: false`. */
  readonly deadLetterReplay?: DeadLetterReplay;
  /** Replays the ingest API's dead letters; undefined without `ingest` or the replay. */
  readonly ingestDeadLetterReplay?: DeadLetterReplay;
  /** The ticker page. */
  readonly website: TickerWebsite;
  /** The shared access-log bucket (S3, CloudFront, ALB). */
  readonly accessLogBucket: s3.IBucket;
  /** The VPC of the Fargate parts; undefined when nothing runs on Fargate. */
  readonly vpc?: ec2.IVpc;
  /** The ECS cluster of the Fargate parts; undefined when nothing runs on Fargate. */
  readonly cluster?: ecs.ICluster;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link TickerSystemProps}.
   * @throws ConstructPropsError when `fanout: 'containers'` comes without `containerFanout`.
   */
  constructor(scope: Construct, id: string, props: TickerSystemProps) {
    super(scope, id);
    if (props.fanout === 'containers' && !props.containerFanout) {
      throw new ConstructPropsError(
        'TickerSystem',
        "fanout: 'containers' needs containerFanout: { dockerfileDirectory } or { image }",
      );
    }
    const alarms = props.alarms ?? DEFAULTS.alarms;
    const tickers = props.tickers ?? DEFAULTS.tickers;
    this.accessLogBucket = createLogBucket(this, 'AccessLogs');
    this.stream = new TradeStream(this, 'Stream', {
      ...(props.streamProps ? { streamProps: props.streamProps } : {}),
      alarms,
    });
    this.history = new TradeHistoryTable(this, 'History', { alarms });

    if (props.fanout === 'serverless') {
      this.serverlessFanout = new ServerlessFanout(this, 'Fanout', {
        mode: props.mode,
        historyTable: this.history.table,
        createCloudWatchRole:
          props.createApiGatewayCloudWatchRole ?? DEFAULTS.fanout.createCloudWatchRole,
        alarms,
      });
    }
    this.processor = new TradeProcessor(this, 'Processor', {
      stream: this.stream.stream,
      historyTable: this.history.table,
      fanout: this.serverlessFanout,
      readMode: props.readMode,
      alarms,
    });
    if (props.fanout === 'events') {
      this.eventsFanout = new EventsFanout(this, 'Events', {
        stream: this.stream.stream,
        readMode: props.readMode,
        alarms,
        ...props.eventsFanout,
      });
    }
    this.historyApi = new HistoryApi(this, 'HistoryApi', {
      historyTable: this.history.table,
      alarms,
    });

    if (props.ingest) {
      const options = props.ingest === true ? {} : props.ingest;
      this.ingestApi = new IngestApi(this, 'IngestApi', {
        ...(props.producer ? { reservedSymbols: tickers } : {}),
        ...options,
        stream: this.stream.stream,
        alarms,
      });
    }

    if (props.deadLetterReplay ?? DEFAULTS.deadLetterReplay.inTickerSystem) {
      ({ processor: this.deadLetterReplay, ingest: this.ingestDeadLetterReplay } =
        this.createReplays(alarms));
    }

    if (props.producer || props.containerFanout) {
      this.vpc = createVpc(this);
      this.cluster = new ecs.Cluster(this, 'Cluster', {
        vpc: this.vpc,
        containerInsightsV2: ecs.ContainerInsights.ENABLED,
      });
    }
    if (props.producer && this.cluster) {
      this.producer = new TradeProducerService(this, 'Producer', {
        stream: this.stream.stream,
        cluster: this.cluster,
        tickers,
        tradesPerSecond: props.tradesPerSecond,
        ...props.producer,
      });
    }
    if (props.fanout === 'containers' && props.containerFanout && this.cluster) {
      this.containerFanout = new ContainerFanoutService(this, 'FanoutNodes', {
        stream: this.stream.stream,
        cluster: this.cluster,
        historyTable: this.history.table,
        mode: props.mode,
        readMode: props.readMode,
        otherStreamConsumers: this.processor.consumer ? 1 : 0,
        accessLogBucket: this.accessLogBucket,
        ...props.containerFanout,
      });
    }

    this.website = new TickerWebsite(this, 'Website', {
      ...this.pageEndpoints(),
      historyApi: this.historyApi,
      tickers,
      accessLogBucket: this.accessLogBucket,
      ...(props.website?.sources && { sources: props.website.sources }),
    });

    new CfnOutput(this, 'WebsiteUrl', { value: this.website.url });
    new CfnOutput(this, 'WebSocketUrl', { value: this.website.webSocketUrl });
    new CfnOutput(this, 'HistoryApiUrl', { value: this.historyApi.url });
    new CfnOutput(this, 'StreamName', { value: this.stream.streamName });
    if (this.ingestApi) new CfnOutput(this, 'IngestUrl', { value: this.ingestApi.ingestUrl });
    if (this.deadLetterReplay) {
      new CfnOutput(this, 'DeadLetterReplayFunction', {
        value: this.deadLetterReplay.function.functionName,
      });
    }
    if (this.ingestDeadLetterReplay) {
      new CfnOutput(this, 'IngestDeadLetterReplayFunction', {
        value: this.ingestDeadLetterReplay.function.functionName,
      });
    }
  }

  /** The on-demand replays of the processor's on-failure queue and the ingest dead letters. */
  private createReplays(alarms: boolean): {
    processor: DeadLetterReplay;
    ingest?: DeadLetterReplay;
  } {
    const processor = new DeadLetterReplay(this, 'DeadLetterReplay', {
      queue: this.processor.deadLetterQueue,
      stream: this.stream.stream,
      historyTable: this.history.table,
      alarms,
    });
    const ingest = this.ingestApi
      ? new DeadLetterReplay(this, 'IngestDeadLetterReplay', {
          queue: this.ingestApi.deadLetterQueue,
          stream: this.stream.stream,
          writeToStream: true,
          alarms,
        })
      : undefined;
    return { processor, ingest };
  }

  /** Where the page of this topology connects. */
  private pageEndpoints(): Pick<
    TickerWebsiteProps,
    'webSocketUrl' | 'webSocketLoadBalancer' | 'appSyncEvents'
  > {
    if (this.serverlessFanout) return { webSocketUrl: this.serverlessFanout.webSocketUrl };
    if (this.eventsFanout) {
      return {
        appSyncEvents: {
          realtimeUrl: this.eventsFanout.realtimeUrl,
          host: this.eventsFanout.httpDns,
          apiKey: this.eventsFanout.apiKey?.attrApiKey,
        },
      };
    }
    return { webSocketLoadBalancer: this.containerFanout?.loadBalancer };
  }
}
