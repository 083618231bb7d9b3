import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRADES_NAMESPACE } from '@market-stream/core';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureHandlerBundles, iamStatements, SYNTH_TIMEOUT } from './helpers/cdk.js';
import {
  itHoldsForEveryTopology,
  type SynthesizedSystem,
  synthesizeSystem,
} from './helpers/tickerSystem.js';

/**
 * The page's `config.json` as the website deploys it: the staged file with each deploy-time
 * marker replaced by the CloudFormation reference it stands for.
 */
function pageConfig({ app, template }: SynthesizedSystem): Record<string, unknown> {
  const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment'));
  expect(deployments).toHaveLength(1);
  const markers = Object.assign(
    {},
    ...((deployments[0]?.Properties.SourceMarkers ?? []) as Record<string, unknown>[]),
  ) as Record<string, unknown>;
  const assembly = app.synth().directory;
  const staged = readdirSync(assembly)
    .map((entry) => join(assembly, entry, 'config.json'))
    .filter((file) => existsSync(file));
  expect(staged).toHaveLength(1);
  const config = JSON.parse(readFileSync(staged[0] as string, 'utf8')) as Record<string, unknown>;
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const parts = value.split(/(<<marker:0xbaba:\d+>>)/).filter(Boolean);
      const resolved = parts.map((part) => markers[part] ?? part);
      return resolved.length === 1 ? resolved[0] : resolved;
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  return resolve(config) as Record<string, unknown>;
}

describe("TickerSystem (fanout: 'events')", { timeout: SYNTH_TIMEOUT }, () => {
  let synthesized: SynthesizedSystem;

  beforeAll(async () => {
    await ensureHandlerBundles();
    synthesized = synthesizeSystem('events');
  }, SYNTH_TIMEOUT);

  itHoldsForEveryTopology(() => synthesized);

  it('fans out through AppSync Events: an Event API, no WebSocket API, no load balancer', () => {
    const { template, system } = synthesized;

    template.resourceCountIs('AWS::AppSync::Api', 1);
    template.resourceCountIs('AWS::AppSync::ChannelNamespace', 1);
    template.hasResourceProperties('AWS::AppSync::ChannelNamespace', { Name: TRADES_NAMESPACE });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1); // the HTTP history API only
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    expect(system.eventsFanout).toBeDefined();
    expect(system.serverlessFanout).toBeUndefined();
    expect(system.containerFanout).toBeUndefined();
  });

  it('records history with the processor and publishes with the events processor, each on its own consumer', () => {
    const { template, system, stack } = synthesized;

    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^market-stream recorder'),
      Environment: {
        Variables: { HISTORY_TABLE: stack.resolve(system.history.table.tableName) },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^market-stream events processor'),
      Environment: {
        Variables: { EVENT_API_ENDPOINT: stack.resolve(system.eventsFanout?.publishUrl) },
      },
    });
    template.resourceCountIs('AWS::Kinesis::StreamConsumer', 2);
  });

  it('grants appsync:EventPublish on the trades namespace only, and to the events processor only', () => {
    const { template } = synthesized;

    const appSync = iamStatements(template).filter((statement) =>
      statement.actions.some((action) => action.startsWith('appsync:')),
    );

    expect(appSync).toHaveLength(1);
    expect(appSync[0]?.policy).toMatch(/^TickerEventsHandlerRole/);
    expect(appSync[0]?.actions).toEqual(['appsync:EventPublish']);
    expect(JSON.stringify(appSync[0]?.resources)).toMatch(/\/channelNamespace\/trades"\]\]\}\]$/);
  });

  it('tells the page the realtime URL, the HTTP host, the API key and the namespace', () => {
    const { stack, system } = synthesized;
    const events = system.eventsFanout;

    const config = pageConfig(synthesized);

    const realtimeDns = stack.resolve(events?.api.realtimeDns);
    expect(config.appSyncEvents).toEqual({
      realtimeUrl: ['wss://', realtimeDns, '/event/realtime'],
      host: stack.resolve(events?.api.httpDns),
      apiKey: stack.resolve(events?.apiKey?.attrApiKey),
      channelNamespace: TRADES_NAMESPACE,
    });
    expect(config.webSocketUrl).toEqual(['wss://', realtimeDns, '/event/realtime']);
    expect(config.historyApiUrl).toBe('/api');
    expect(stack.resolve(system.website.webSocketUrl)).toEqual(stack.resolve(events?.realtimeUrl));
  });

  it('alarms on the Event API’s HTTP errors and the events processor', () => {
    const { system } = synthesized;
    const events = system.eventsFanout;

    expect(events?.serverErrorsAlarm).toBeDefined();
    expect(events?.clientErrorsAlarm).toBeDefined();
    expect(events?.errorsAlarm).toBeDefined();
    expect(events?.iteratorAgeAlarm).toBeDefined();
    expect(events?.deadLetterAlarm).toBeDefined();
  });
});
