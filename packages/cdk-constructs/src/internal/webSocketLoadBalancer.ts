import { Duration } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { logAlbAccessLogs } from './albAccessLogs.js';
import { cloudFrontOriginFacingPeer } from './cloudFrontOriginFacing.js';
import { createLogBucket } from './logBucket.js';

/** Props of {@link createWebSocketLoadBalancer}; unset ones take the defaults. */
export interface WebSocketLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly idleTimeout?: Duration;
  readonly certificate?: acm.ICertificate;
  readonly allowedIngress?: ec2.IPeer;
  readonly accessLogBucket?: s3.IBucket;
}

/** What {@link createWebSocketLoadBalancer} builds. */
export interface WebSocketLoadBalancer {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly accessLogBucket: s3.IBucket;
  readonly listener: elbv2.ApplicationListener;
}

/**
 * An internet-facing Application Load Balancer (`LoadBalancer`) for WebSocket clients: idle
 * timeout, invalid header fields dropped, access logs (to the given bucket or a new
 * `AccessLogs`), and one listener (`Listener`; 443 with a certificate, else 80) that answers 404
 * until targets are added. Only `allowedIngress` (by default CloudFront's origin-facing servers)
 * reaches it; with a certificate and an explicit peer, 80 redirects to 443.
 *
 * @example
 * ```ts
 * const { loadBalancer, listener } = createWebSocketLoadBalancer(this, { vpc: cluster.vpc });
 * ```
 */
export function createWebSocketLoadBalancer(
  scope: Construct,
  props: WebSocketLoadBalancerProps,
): WebSocketLoadBalancer {
  const d = DEFAULTS.containers;
  const loadBalancer = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc: props.vpc,
    internetFacing: true,
    idleTimeout: props.idleTimeout ?? Duration.seconds(d.idleTimeoutSeconds),
    dropInvalidHeaderFields: true,
  });
  const accessLogBucket = props.accessLogBucket ?? createLogBucket(scope, 'AccessLogs');
  logAlbAccessLogs(loadBalancer, accessLogBucket, 'alb');

  const peer = props.allowedIngress ?? cloudFrontOriginFacingPeer(scope);
  const port = props.certificate ? 443 : 80;
  const listener = loadBalancer.addListener('Listener', {
    port,
    open: false,
    defaultAction: elbv2.ListenerAction.fixedResponse(d.notFoundStatusCode, {
      contentType: 'text/plain',
      messageBody: 'Not Found',
    }),
    ...(props.certificate
      ? { certificates: [props.certificate], sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS }
      : { protocol: elbv2.ApplicationProtocol.HTTP }),
  });
  loadBalancer.connections.allowFrom(peer, ec2.Port.tcp(port), 'WebSocket clients');
  // CloudFront's prefix list weighs ~55 of a security group's 60 inbound rules: one port only.
  if (props.certificate && props.allowedIngress) {
    loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    loadBalancer.connections.allowFrom(peer, ec2.Port.tcp(80), 'Redirect to HTTPS');
  }
  return { loadBalancer, accessLogBucket, listener };
}
