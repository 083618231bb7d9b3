import { TRADES_NAMESPACE } from '@market-stream/core';
import { Duration, Expiration, Names } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { logRetention } from '../internal/logRetention.js';
import type { EventsFanoutProps, EventsSubscriberAuth } from './EventsFanoutProps.js';

/** What {@link createEventsApi} builds. @internal */
export interface EventsApiParts {
  readonly api: appsync.EventApi;
  readonly namespace: appsync.ChannelNamespace;
  /** The browsers' key; undefined unless `subscriberAuth` is `apiKey`. */
  readonly apiKey?: appsync.CfnApiKey;
  /** Where the API writes its error logs. */
  readonly logGroup: logs.LogGroup;
}

const IAM = appsync.AppSyncAuthorizationType.IAM;

/** The auth provider browsers use, from {@link EventsSubscriberAuth}. */
function subscriberProvider(auth: EventsSubscriberAuth): appsync.AppSyncAuthProvider {
  switch (auth.type) {
    case 'apiKey':
      return {
        authorizationType: appsync.AppSyncAuthorizationType.API_KEY,
        apiKeyConfig: {
          description: 'market-stream ticker pages: connect and subscribe to trades only',
          expires: Expiration.after(
            auth.expires ?? Duration.days(DEFAULTS.events.apiKeyExpiryDays),
          ),
        },
      };
    case 'userPool':
      return {
        authorizationType: appsync.AppSyncAuthorizationType.USER_POOL,
        cognitoConfig: { userPool: auth.userPool, appIdClientRegex: auth.appIdClientRegex },
      };
    case 'oidc':
      return {
        authorizationType: appsync.AppSyncAuthorizationType.OIDC,
        openIdConnectConfig: {
          oidcProvider: auth.issuer,
          clientId: auth.clientId,
          tokenExpiryFromIssue: auth.tokenExpiryFromIssue?.toMilliseconds(),
        },
      };
  }
}

/**
 * The Event API of the events topology and its `trades` namespace.
 *
 * Auth: browsers connect and subscribe with `subscriberAuth`; publishing takes IAM only (on the
 * API by default and on the namespace explicitly), so a key read from a public page cannot
 * publish. IAM is a connection mode too so that signed publishes are accepted whichever modes
 * AppSync checks for HTTP publishes; browsers hold no AWS credentials.
 * Logs: ERROR level to a log group with bounded retention created here (the L2's `logConfig`
 * would add a retention custom resource and a managed-policy role); AppSync writes to
 * `/aws/appsync/apis/{apiId}` through a role limited to that group.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-monitoring.html
 * @internal
 */
export function createEventsApi(scope: Construct, props: EventsFanoutProps): EventsApiParts {
  const browsers = subscriberProvider(props.subscriberAuth ?? { type: 'apiKey' });
  const api = new appsync.EventApi(scope, 'Api', {
    apiName: props.apiName ?? Names.uniqueResourceName(scope, { maxLength: 50, separator: '-' }),
    authorizationConfig: {
      authProviders: [browsers, { authorizationType: IAM }],
      connectionAuthModeTypes: [browsers.authorizationType, IAM],
      defaultPublishAuthModeTypes: [IAM],
      defaultSubscribeAuthModeTypes: [browsers.authorizationType],
    },
  });
  const namespace = api.addChannelNamespace('Trades', {
    channelNamespaceName: TRADES_NAMESPACE,
    authorizationConfig: {
      publishAuthModeTypes: [IAM],
      subscribeAuthModeTypes: [browsers.authorizationType],
    },
  });

  const logGroup = new logs.LogGroup(scope, 'ApiLogs', {
    logGroupName: `/aws/appsync/apis/${api.apiId}`,
    retention: props.logRetention ?? logRetention(),
  });
  const logsRole = new iam.Role(scope, 'ApiLogsRole', {
    assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
    description: 'AppSync Events writes the market-stream Event API error logs',
  });
  logGroup.grantWrite(logsRole);
  const cfnApi = api.node.defaultChild as appsync.CfnApi;
  cfnApi.addPropertyOverride('EventConfig.LogConfig', {
    CloudWatchLogsRoleArn: logsRole.roleArn,
    LogLevel: 'ERROR',
  });

  return {
    api,
    namespace,
    apiKey: Object.values(api.apiKeys)[0],
    logGroup,
  };
}
