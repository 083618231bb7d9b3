import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HistoryApi, TradeHistoryTable } from '../../src/index.js';
import {
  actionsOfPolicy,
  ensureHandlerBundles,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';

describe('HistoryApi', { timeout: SYNTH_TIMEOUT }, () => {
  let template: Template;
  let api: HistoryApi;

  beforeAll(async () => {
    await ensureHandlerBundles();
    const { stack } = newStack();
    const history = new TradeHistoryTable(stack, 'History', { alarms: false });
    api = new HistoryApi(stack, 'HistoryApi', { historyTable: history.table });
    template = templateOf(stack);
  }, SYNTH_TIMEOUT);

  it('routes GET /api/trades and GET /api/bars to one function', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );

    expect(routes.sort()).toEqual(['GET /api/bars', 'GET /api/trades']);
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
  });

  it('auto-deploys a throttled $default stage with access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });

  it('runs the history handler, which may only Query the history table', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('history API'),
      Environment: {
        Variables: { HISTORY_TABLE: { Ref: Match.stringLikeRegexp('^HistoryTable') } },
      },
    });
    const dataActions = actionsOfPolicy(template, 'HistoryApiHandlerRoleDefaultPolicy').filter(
      (action) => !action.startsWith('logs:'),
    );
    expect(dataActions).toEqual(['dynamodb:Query']);
  });

  it('alarms on 5xx answers and exposes its URL', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5xx' });
    expect(api.url).toBeTruthy();
  });
});
