import { CfnParameter } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConstructPropsError, TickerWebsite } from '../../src/index.js';
import { newStack, SYNTH_TIMEOUT, templateOf } from './helpers/cdk.js';

// CloudFront's managed policy ids.
const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

describe('TickerWebsite', { timeout: SYNTH_TIMEOUT }, () => {
  let template: Template;
  let site: TickerWebsite;

  beforeAll(() => {
    const { stack } = newStack();
    const url = new CfnParameter(stack, 'WebSocketUrl', { type: 'String' });
    site = new TickerWebsite(stack, 'Site', {
      webSocketUrl: url.valueAsString,
      tickers: ['AAPL', 'TSLA'],
    });
    template = templateOf(stack);
  }, SYNTH_TIMEOUT);

  it('keeps the site bucket private, encrypted and TLS-only, with access logs', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.anyValue(),
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'site/' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^SiteBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('serves the bucket only through CloudFront origin access control', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^SiteBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        CacheBehaviors: [
          Match.objectLike({ PathPattern: '/config.json', CachePolicyId: CACHING_DISABLED }),
        ],
      }),
    });
  });

  it('deploys the page and a config.json holding the WebSocket endpoint, then invalidates', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    const properties = deployments[0]!.Properties;

    expect(properties.SourceObjectKeys).toHaveLength(2);
    expect(properties.DistributionPaths).toEqual(['/index.html', '/config.json']);
    // config.json is written at deploy time with the endpoint resolved from this reference.
    expect(JSON.stringify(properties.SourceMarkers)).toContain('{"Ref":"WebSocketUrl"}');
    expect(site.url).toMatch(/^https:\/\//);
  });

  it('with a load balancer, proxies /ws to it so browsers get wss:// through CloudFront', () => {
    const { stack } = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true });

    const withLb = new TickerWebsite(stack, 'Site', { webSocketLoadBalancer: lb });

    templateOf(stack).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({
            PathPattern: '/ws',
            OriginRequestPolicyId: ALL_VIEWER,
            CachePolicyId: CACHING_DISABLED,
          }),
        ]),
      }),
    });
    expect(withLb.webSocketUrl).toMatch(/^wss:\/\/.+\/ws$/);
  });

  it('needs exactly one of webSocketUrl and webSocketLoadBalancer', () => {
    const { stack } = newStack();

    expect(() => new TickerWebsite(stack, 'Site', {})).toThrow(ConstructPropsError);
  });
});
