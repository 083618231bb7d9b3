import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TRADES_NAMESPACE } from '@market-stream/core';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { addTickerStack } from '../src/infra/addTickerStack.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ticker-cdk-'));
  outdirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('examples/full-stack CDK app', () => {
  it('`cdk synth` works offline and produces the serverless stack', async () => {
    const outdir = tempDir();

    await promisify(execFile)(
      join(example, 'node_modules/.bin/cdk'),
      ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', outdir],
      {
        cwd: example,
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
        timeout: 240_000,
      },
    );

    const template = JSON.parse(
      readFileSync(join(outdir, 'MarketStreamTicker.template.json'), 'utf8'),
    );
    const resources = Object.values(
      template.Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>,
    );
    expect(
      resources.some(
        (r) => r.Type === 'AWS::ApiGatewayV2::Api' && r.Properties?.ProtocolType === 'WEBSOCKET',
      ),
    ).toBe(true);
    expect(resources.some((r) => r.Type === 'AWS::Kinesis::Stream')).toBe(true);
    expect(resources.some((r) => r.Type === 'AWS::ECS::Service')).toBe(true); // the producer
    expect(resources.some((r) => r.Type === 'AWS::CloudFront::Distribution')).toBe(true);
  }, 300_000);

  it('`cdk synth -c fanout=events` produces the AppSync Events stack: an Event API with the trades namespace, publish for the events processor only', async () => {
    const outdir = tempDir();

    await promisify(execFile)(
      join(example, 'node_modules/.bin/cdk'),
      [
        'synth',
        '--quiet',
        '--no-notices',
        '--no-version-reporting',
        '--context',
        'fanout=events',
        '--output',
        outdir,
      ],
      {
        cwd: example,
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
        timeout: 240_000,
      },
    );

    const template = Template.fromJSON(
      JSON.parse(readFileSync(join(outdir, 'MarketStreamTicker.template.json'), 'utf8')),
    );
    template.resourceCountIs('AWS::AppSync::Api', 1);
    template.hasResourceProperties('AWS::AppSync::ChannelNamespace', {
      Name: TRADES_NAMESPACE,
      PublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      SubscribeAuthModes: [{ AuthType: 'API_KEY' }],
    });
    template.resourceCountIs('AWS::AppSync::ApiKey', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1); // the HTTP history API only
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::ECS::Service', 1); // the producer
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { EVENT_API_ENDPOINT: Match.anyValue() } },
    });
    const publishers = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy).includes('appsync:EventPublish'),
    );
    expect(publishers).toHaveLength(1);
    expect(JSON.stringify(publishers[0])).toContain(`/channelNamespace/${TRADES_NAMESPACE}`);
  }, 300_000);

  it('deploys the example’s own page: the website’s BucketDeployment ships a built directory with index.html and app.js', () => {
    const outdir = tempDir();
    const siteDirectory = tempDir();
    const app = new App({ outdir });

    const { stack } = addTickerStack(app, { fanout: 'serverless', siteDirectory });
    app.synth();

    const manifest = JSON.parse(
      readFileSync(join(outdir, 'MarketStreamTicker.assets.json'), 'utf8'),
    ) as {
      files: Record<
        string,
        {
          source: { path: string; packaging?: string };
          destinations: Record<string, { objectKey: string }>;
        }
      >;
    };
    const site = Object.values(manifest.files).filter(
      ({ source }) =>
        source.packaging === 'zip' &&
        readdirSync(join(outdir, source.path)).sort().join() === 'app.js,index.html',
    );
    expect(site).toHaveLength(1);
    const siteKeys = Object.values(site[0]?.destinations ?? {}).map((d) => d.objectKey);
    const html = readFileSync(join(outdir, site[0]?.source.path ?? '', 'index.html'), 'utf8');
    expect(html).toContain('<ticker-grid sparkline="5">');
    expect(html).not.toContain('id="config"'); // reads config.json
    const deployments = Object.values(
      Template.fromStack(stack).findResources('Custom::CDKBucketDeployment'),
    );
    expect(deployments).toHaveLength(1);
    const sources = JSON.stringify(deployments[0]?.Properties?.SourceObjectKeys);
    expect(siteKeys.some((key) => sources.includes(key))).toBe(true);
    // The built page and config.json, not the construct package's minimal page.
    expect(deployments[0]?.Properties?.SourceObjectKeys).toHaveLength(2);
  }, 300_000);

  it('synthesizes the containers topology with fan-out nodes behind a load balancer, built from the example’s Dockerfiles', () => {
    const outdir = tempDir();
    const app = new App({ outdir });

    const { stack } = addTickerStack(app, { fanout: 'containers' });
    app.synth();

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ECS::Service', 2);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1); // the HTTP history API only
    const manifest = JSON.parse(
      readFileSync(join(outdir, 'MarketStreamTicker.assets.json'), 'utf8'),
    ) as {
      dockerImages: Record<string, { source: { directory: string } }>;
    };
    const staged = Object.values(manifest.dockerImages).map(({ source }) =>
      readdirSync(join(outdir, source.directory)).sort(),
    );
    expect(staged).toEqual(
      expect.arrayContaining([
        ['Dockerfile', 'package.json', 'producer.mjs'],
        ['Dockerfile', 'node.mjs', 'package.json'],
      ]),
    );
    expect(staged).toHaveLength(2);
  }, 300_000);
});
