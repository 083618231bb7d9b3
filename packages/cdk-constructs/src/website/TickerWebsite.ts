import { join } from 'node:path';
import { TRADES_NAMESPACE } from '@market-stream/core';
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { HistoryApi } from '../api/HistoryApi.js';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import {
  acknowledge,
  acknowledgeManagedPolicy,
  acknowledgeWildcards,
} from '../internal/acknowledge.js';
import { packageRoot } from '../internal/handlerCode.js';
import { createLogBucket } from '../internal/logBucket.js';

/**
 * The AppSync Events endpoints the page of the `events` topology connects to, written to
 * `config.json` as `appSyncEvents` (e.g. from {@link EventsFanout}).
 *
 * The API key, when given, is readable by anyone who loads the page: AWS describes API keys as a
 * way to throttle and identify unauthenticated callers, not as a secret. Give the page a key that
 * can only connect and subscribe (as `EventsFanout` configures it), never one that can publish.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html
 *
 * @example
 * ```ts
 * import type { TickerWebsiteAppSyncEvents } from '@market-stream/cdk-constructs';
 *
 * const appSyncEvents: TickerWebsiteAppSyncEvents = {
 *   realtimeUrl: fanout.realtimeUrl,
 *   host: fanout.httpDns,
 *   apiKey: fanout.apiKey?.attrApiKey,
 * };
 * ```
 */
export interface TickerWebsiteAppSyncEvents {
  /** `wss://{realtime domain}/event/realtime`. */
  readonly realtimeUrl: string;
  /** The Event API's HTTP domain: the `host` of the page's authorization header. */
  readonly host: string;
  /**
   * The key the page subscribes with.
   * @default - none: the page brings a token (Cognito / OIDC) of its own
   */
  readonly apiKey?: string;
}

/**
 * Props of {@link TickerWebsite}. Give exactly one of `webSocketUrl`, `webSocketLoadBalancer`
 * and `appSyncEvents`.
 *
 * @example
 * ```ts
 * import type { TickerWebsiteProps } from '@market-stream/cdk-constructs';
 *
 * const props: TickerWebsiteProps = { webSocketUrl: fanout.webSocketUrl, tickers: ['AAPL'] };
 * ```
 */
export interface TickerWebsiteProps {
  /**
   * The WebSocket URL the page connects to, e.g. `ServerlessFanout.webSocketUrl`.
   * @default - `wss://<distribution>/ws` when `webSocketLoadBalancer` is given
   */
  readonly webSocketUrl?: string;
  /**
   * Container fan-out load balancer: served through the distribution at `/ws`, so browsers get
   * TLS (`wss://`) without a certificate of your own.
   * @default - none
   */
  readonly webSocketLoadBalancer?: elbv2.ILoadBalancerV2;
  /**
   * The `events` topology: the page subscribes through AppSync Events. `config.json` gets
   * `appSyncEvents: { realtimeUrl, host, apiKey, channelNamespace }` and `webSocketUrl` is the
   * realtime URL.
   * @default - none
   */
  readonly appSyncEvents?: TickerWebsiteAppSyncEvents;
  /**
   * History API: served through the distribution at `/api/*` (same origin, no CORS).
   * @default - none
   */
  readonly historyApi?: HistoryApi;
  /**
   * Tickers the page shows (in `config.json`).
   * @default DEFAULTS.tickers
   */
  readonly tickers?: readonly string[];
  /**
   * The page's files.
   * @default - the minimal ticker page shipped in this package (`site/`)
   */
  readonly sources?: s3deploy.ISource[];
  /**
   * Bucket for S3 server access logs and CloudFront logs.
   * @default - a new private log bucket
   */
  readonly accessLogBucket?: s3.IBucket;
  /**
   * Certificate (in us-east-1) for `domainNames`; enables TLS 1.2+ only for viewers.
   * @default - the `*.cloudfront.net` domain and certificate
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Alternate domain names, with `certificate`.
   * @default - none
   */
  readonly domainNames?: string[];
  /**
   * Edge locations used.
   * @default cloudfront.PriceClass.PRICE_CLASS_100 (`DEFAULTS.website.priceClass`)
   */
  readonly priceClass?: cloudfront.PriceClass;
  /**
   * What happens to the site bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN (`DEFAULTS.website.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The ticker page on S3 behind CloudFront: a private bucket (public access blocked, TLS enforced,
 * encrypted, reachable only through CloudFront's origin access control), the page deployed with
 * `BucketDeployment`, and a generated `config.json` — `{ webSocketUrl, historyApiUrl, tickers }`,
 * plus `appSyncEvents` in the `events` topology — so the page finds the endpoints of this
 * deployment.
 *
 * Guarantees: viewers are redirected to HTTPS; `config.json` is never cached at the edge; S3 and
 * CloudFront access logs go to a private log bucket. Optional `/ws` (container fan-out) and
 * `/api/*` (history) behaviors put everything on one origin.
 *
 * @example
 * ```ts
 * import { TickerWebsite } from '@market-stream/cdk-constructs';
 *
 * const site = new TickerWebsite(stack, 'Site', {
 *   webSocketUrl: fanout.webSocketUrl,
 *   historyApi,
 * });
 * new CfnOutput(stack, 'Url', { value: site.url });
 * ```
 */
export class TickerWebsite extends Construct {
  /** The private site bucket. */
  readonly bucket: s3.Bucket;
  /** The distribution. */
  readonly distribution: cloudfront.Distribution;
  /** The deployment of the page and `config.json`. */
  readonly deployment: s3deploy.BucketDeployment;
  /** Where S3 and CloudFront write access logs. */
  readonly accessLogBucket: s3.IBucket;
  /** The WebSocket URL written to `config.json`. */
  readonly webSocketUrl: string;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link TickerWebsiteProps}.
   * @throws ConstructPropsError unless exactly one of `webSocketUrl` / `webSocketLoadBalancer` /
   * `appSyncEvents` is given.
   */
  constructor(scope: Construct, id: string, props: TickerWebsiteProps) {
    super(scope, id);
    const endpoints = [props.webSocketUrl, props.webSocketLoadBalancer, props.appSyncEvents];
    if (endpoints.filter(Boolean).length !== 1) {
      throw new ConstructPropsError(
        'TickerWebsite',
        'give exactly one of webSocketUrl, webSocketLoadBalancer and appSyncEvents',
      );
    }
    this.accessLogBucket = props.accessLogBucket ?? createLogBucket(this, 'AccessLogs');
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: props.removalPolicy ?? RemovalPolicy[DEFAULTS.website.removalPolicy],
    });

    const uncached = {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
    };
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {
      '/config.json': { origin: siteOrigin, ...uncached },
    };
    if (props.webSocketLoadBalancer) {
      additionalBehaviors[DEFAULTS.containers.webSocketPath] = {
        origin: new origins.LoadBalancerV2Origin(props.webSocketLoadBalancer, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
        }),
        ...uncached,
        // The WebSocket handshake headers and ?symbols= must reach the node.
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER,
      };
    }
    if (props.historyApi) {
      additionalBehaviors['/api/*'] = {
        origin: new origins.HttpOrigin(props.historyApi.domainName),
        ...uncached,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      };
    }
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'market-stream ticker page',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
      },
      additionalBehaviors,
      priceClass: props.priceClass ?? cloudfront.PriceClass[DEFAULTS.website.priceClass],
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.accessLogBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.certificate
        ? { certificate: props.certificate, domainNames: props.domainNames }
        : {}),
    });
    if (props.webSocketLoadBalancer) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR5',
        'CloudFront reaches the fan-out load balancer over HTTP because the ALB has no certificate of its own by default (viewers still get TLS from CloudFront); use a certificate and domain on the ALB for TLS on that hop.',
      );
    }
    if (!props.certificate) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'The default *.cloudfront.net certificate cannot be limited to TLS 1.2; pass `certificate` and `domainNames` to enforce TLSv1.2_2021.',
      );
    }
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'Public market-data page; no country restrictions by default.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'Static page with no forms or user input; add a WAF web ACL if your deployment needs one.',
    );

    this.webSocketUrl =
      props.webSocketUrl ??
      props.appSyncEvents?.realtimeUrl ??
      `wss://${this.distribution.distributionDomainName}${DEFAULTS.containers.webSocketPath}`;
    const config = {
      webSocketUrl: this.webSocketUrl,
      historyApiUrl: props.historyApi ? '/api' : null,
      tickers: [...(props.tickers ?? DEFAULTS.tickers)],
      ...(props.appSyncEvents
        ? {
            appSyncEvents: {
              realtimeUrl: props.appSyncEvents.realtimeUrl,
              host: props.appSyncEvents.host,
              apiKey: props.appSyncEvents.apiKey ?? null,
              channelNamespace: TRADES_NAMESPACE,
            },
          }
        : {}),
    };
    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      destinationBucket: this.bucket,
      sources: [
        ...(props.sources ?? [s3deploy.Source.asset(join(packageRoot(), 'site'))]),
        s3deploy.Source.jsonData('config.json', config),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
    });
    const handler = this.deployment.handlerRole.node.scope;
    if (handler) {
      acknowledgeManagedPolicy(
        handler,
        'service-role/AWSLambdaBasicExecutionRole',
        'CDK’s BucketDeployment handler role uses AWSLambdaBasicExecutionRole for its logs.',
      );
      acknowledge(
        handler,
        'AwsSolutions-L1',
        'The BucketDeployment handler’s runtime is chosen and updated by aws-cdk-lib, not by this construct.',
      );
      acknowledgeWildcards(handler, [
        {
          actions: (action) => action.startsWith('s3:'),
          reason:
            'CDK’s BucketDeployment grants: read the asset objects, write and prune this site bucket’s objects.',
        },
        {
          actions: (action) => action.startsWith('cloudfront:'),
          reason:
            'CloudFront invalidations support no resource-level scoping below the distribution.',
        },
      ]);
    }
  }

  /** `https://<distribution domain>`. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * 5xx error rate at the edge (average, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metric5xxErrorRate(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.distribution.metric5xxErrorRate(props);
  }
}
