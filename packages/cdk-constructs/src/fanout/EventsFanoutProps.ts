import type { Duration } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { TradeProcessorProps } from '../processor/TradeProcessorProps.js';

/**
 * How browsers authorize on the Event API of {@link EventsFanout}: connect and subscribe. Only
 * the events processor publishes, always with IAM (SigV4), whatever this says.
 *
 * - `apiKey` (default): an API key the CDK creates and the page reads from `config.json`. An API
 *   key in a public page is not a secret: AWS describes API keys as a way to throttle and
 *   identify unauthenticated callers, and anyone who loads the page can read it. Here it can only
 *   connect and subscribe to the `trades` namespace (publish needs IAM), so a leaked key costs
 *   connection minutes and deliveries, not integrity. It expires `expires` after each deployment
 *   (1–365 days, AppSync's range).
 * - `userPool`: Amazon Cognito user pool tokens (the `Authorization` header).
 * - `oidc`: OpenID Connect tokens from `issuer`.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html
 *
 * @example
 * ```ts
 * import { Duration } from 'aws-cdk-lib';
 * import type { EventsSubscriberAuth } from '@market-stream/cdk-constructs';
 *
 * const auth: EventsSubscriberAuth = { type: 'apiKey', expires: Duration.days(90) };
 * ```
 */
export type EventsSubscriberAuth =
  | {
      readonly type: 'apiKey';
      /**
       * How long after a deployment the key expires (1–365 days).
       * @default Duration.days(365) (`DEFAULTS.events.apiKeyExpiryDays`)
       */
      readonly expires?: Duration;
    }
  | {
      readonly type: 'userPool';
      /** The user pool whose tokens are accepted. */
      readonly userPool: cognito.IUserPool;
      /**
       * Accept only tokens of app clients whose id matches this regular expression.
       * @default - every app client of the pool
       */
      readonly appIdClientRegex?: string;
    }
  | {
      readonly type: 'oidc';
      /** The issuer (`iss`) of the accepted tokens, e.g. `https://auth.example.com`. */
      readonly issuer: string;
      /**
       * Accepted client ids (`aud`), a regular expression.
       * @default - any client id
       */
      readonly clientId?: string;
      /**
       * Refuse tokens issued (`iat`) longer ago than this.
       * @default - no limit beyond the token's own expiry
       */
      readonly tokenExpiryFromIssue?: Duration;
    };

/**
 * Props of {@link EventsFanout}. The stream-reading settings and the on-failure queue are those
 * of {@link TradeProcessorProps}, with the same defaults; give `existingDeadLetterQueue` or
 * `deadLetterQueueProps`, not both.
 *
 * @example
 * ```ts
 * import type { EventsFanoutProps } from '@market-stream/cdk-constructs';
 *
 * const props: EventsFanoutProps = { stream: trades.stream, subscriberAuth: { type: 'apiKey' } };
 * ```
 */
export interface EventsFanoutProps
  extends Pick<
    TradeProcessorProps,
    | 'readMode'
    | 'batchSize'
    | 'maxBatchingWindow'
    | 'retryAttempts'
    | 'bisectBatchOnError'
    | 'parallelizationFactor'
    | 'startingPosition'
    | 'maxRecordAge'
    | 'existingDeadLetterQueue'
    | 'deadLetterQueueProps'
    | 'runtime'
    | 'logRetention'
  > {
  /** The stream of trades the events processor publishes from (e.g. `tradeStream.stream`). */
  readonly stream: kinesis.IStream;
  /**
   * How browsers connect and subscribe.
   * @default { type: 'apiKey' } — a CDK-managed key, 365 days from each deployment
   */
  readonly subscriberAuth?: EventsSubscriberAuth;
  /**
   * The Event API's name (1–50 characters).
   * @default - unique, from the construct path
   */
  readonly apiName?: string;
  /**
   * Events processor memory in MiB.
   * @default 512 (`DEFAULTS.events.memoryMiB`)
   */
  readonly memorySize?: number;
  /**
   * Events processor timeout: room for a batch's publishes with their retries.
   * @default Duration.seconds(60) (`DEFAULTS.events.timeoutSeconds`)
   */
  readonly timeout?: Duration;
  /**
   * Create the processor's error, iterator-age and on-failure alarms and the Event API's
   * HTTP 4XX / 5XX alarms.
   * @default true (`DEFAULTS.alarms`)
   */
  readonly alarms?: boolean;
}
