import { Match, type Template } from 'aws-cdk-lib/assertions';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  type FanoutJwtAuth,
  ServerlessFanout,
  TradeHistoryTable,
} from '../../src/index.js';
import {
  actionsOfPolicy,
  ensureHandlerBundles,
  iamStatements,
  nagFindings,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';

describe('ServerlessFanout', { timeout: SYNTH_TIMEOUT }, () => {
  beforeAll(ensureHandlerBundles, SYNTH_TIMEOUT);

  describe('with defaults and a history table', () => {
    let template: Template;
    let fanout: ServerlessFanout;

    beforeAll(() => {
      const { stack } = newStack();
      fanout = new ServerlessFanout(stack, 'Fanout');
      const publisher = new iam.Role(stack, 'Publisher', {
        assumedBy: new iam.AccountRootPrincipal(),
      });
      fanout.grantManageConnections(publisher);
      template = templateOf(stack);
    }, SYNTH_TIMEOUT);

    it('is a WebSocket API routing on $request.body.action', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: '$request.body.action',
      });
    });

    it('has the $connect, $disconnect, subscribe, unsubscribe, ping and $default routes', () => {
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
        (route) => route.Properties.RouteKey,
      );

      expect(routes.sort()).toEqual(
        ['$connect', '$default', '$disconnect', 'ping', 'subscribe', 'unsubscribe'].sort(),
      );
    });

    it('deploys a throttled stage with JSON access logs and the account logging role', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: 'live',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FanoutAccessLogs'), 'Arn'] },
          Format: Match.stringLikeRegexp('connectionId'),
        },
      });
      template.resourceCountIs('AWS::ApiGateway::Account', 1);
    });

    it('keeps connections in a sharded table: pk/sk strings, TTL on ttl, encrypted', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    });

    it('runs the connect, disconnect and message handlers with the contract environment', () => {
      for (const description of ['\\$connect', '\\$disconnect', 'subscribe']) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          Description: Match.stringLikeRegexp(description),
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Environment: {
            Variables: Match.objectLike({
              CONNECTIONS_TABLE: { Ref: Match.stringLikeRegexp('^FanoutConnections') },
              CONNECTION_SHARDS: '16',
              FANOUT_MODE: 'latest',
            }),
          },
        });
      }
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('subscribe'),
        Environment: {
          Variables: Match.objectLike({ WEBSOCKET_API_ENDPOINT: Match.anyValue() }),
        },
      });
    });

    it('grantManageConnections grants execute-api:ManageConnections on this stage only', () => {
      const statements = iamStatements(template).filter((s) => s.policy.startsWith('Publisher'));

      expect(statements.flatMap((s) => s.actions)).toEqual(['execute-api:ManageConnections']);
      expect(JSON.stringify(statements[0]?.resources)).toContain('/live/*/@connections/*');
    });

    it('lets the message handler use the connection table and reply, with named actions only', () => {
      const actions = actionsOfPolicy(template, 'FanoutMessageRoleDefaultPolicy');

      expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem']));
      expect(actions).toContain('execute-api:ManageConnections');
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    });

    it('alarms on integration errors and exposes its URLs and metrics', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: 'IntegrationError',
      });
      expect(fanout.webSocketUrl).toMatch(/^wss:\/\//);
      expect(fanout.metricConnectCount().metricName).toBe('ConnectCount');
    });
  });

  it('gives the message handler HISTORY_TABLE and dynamodb:Query on the history table only, when given one', () => {
    // Arrange
    const { stack } = newStack();
    const history = new TradeHistoryTable(stack, 'History');

    // Act
    new ServerlessFanout(stack, 'Fanout', { mode: 'all', historyTable: history.table });
    new ServerlessFanout(stack, 'Plain', { createCloudWatchRole: false });

    // Assert: the message handler reads the history with Query alone; no other handler sees it.
    const template = templateOf(stack);
    const historyRef = stack.resolve(history.table.tableName);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const withHistory = functions.filter(
      (fn) => fn.Properties.Environment?.Variables?.HISTORY_TABLE !== undefined,
    );
    expect(withHistory.map((fn) => fn.Properties.Description)).toEqual([
      'market-stream subscribe / unsubscribe / ping',
    ]);
    expect(withHistory[0]?.Properties.Environment.Variables.HISTORY_TABLE).toEqual(historyRef);
    const onHistory = iamStatements(template).filter((statement) =>
      JSON.stringify(statement.resources).includes(`"${historyRef.Ref}"`),
    );
    expect(onHistory.map((statement) => [statement.policy, statement.actions])).toEqual([
      [expect.stringMatching(/^FanoutMessageRole/), ['dynamodb:Query']],
    ]);
    expect(nagFindings(stack).filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('puts an authorizer on $connect and passes JWT settings to the connect handler', () => {
    const { stack } = newStack();
    const authorizerFn = new lambda.Function(stack, 'AuthFn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    });

    new ServerlessFanout(stack, 'Fanout', {
      authorizer: new WebSocketLambdaAuthorizer('Auth', authorizerFn),
      jwt: {
        jwksUrl: 'https://auth.example/.well-known/jwks.json',
        issuer: 'https://auth.example/',
        audience: 'ticker',
      },
      connectionShards: 4,
      mode: 'all',
      accessLogs: false,
      alarms: false,
    });

    const template = templateOf(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$connect',
      AuthorizationType: 'CUSTOM',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('\\$connect'),
      Environment: {
        Variables: Match.objectLike({
          CONNECTION_SHARDS: '4',
          FANOUT_MODE: 'all',
          JWT_JWKS_URL: 'https://auth.example/.well-known/jwks.json',
          JWT_ISSUER: 'https://auth.example/',
          JWT_AUDIENCE: 'ticker',
        }),
      },
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: Match.absent(),
    });
  });

  it('refuses a JWT option without an audience', () => {
    // Arrange
    const { stack } = newStack();
    const jwt = { jwksUrl: 'https://auth.example/.well-known/jwks.json' } as FanoutJwtAuth;

    // Act / Assert
    expect(() => new ServerlessFanout(stack, 'Fanout', { jwt })).toThrow(/jwt\.audience/);
  });

  it('rejects bad shard counts and both table props', () => {
    const { stack } = newStack();

    expect(() => new ServerlessFanout(stack, 'A', { connectionShards: 0 })).toThrow(
      ConstructPropsError,
    );
    expect(
      () =>
        new ServerlessFanout(stack, 'B', {
          existingConnectionTable: new TradeHistoryTable(stack, 'T').table,
          connectionTableProps: {},
        }),
    ).toThrow(ConstructPropsError);
  });
});
