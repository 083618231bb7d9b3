import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { acknowledge } from './acknowledge.js';

/**
 * A private bucket for access logs (S3 server access logs, CloudFront standard logs, ALB logs):
 * public access blocked, TLS enforced, SSE-S3 (ALB logging supports no KMS), ACLs enabled for
 * CloudFront's log delivery, objects expiring after 90 days.
 */
export function createLogBucket(scope: Construct, id: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
    lifecycleRules: [{ expiration: Duration.days(DEFAULTS.logs.expirationDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(
    bucket,
    'AwsSolutions-S1',
    'This is the access-log bucket; logging it into itself would log every log delivery.',
  );
  return bucket;
}
