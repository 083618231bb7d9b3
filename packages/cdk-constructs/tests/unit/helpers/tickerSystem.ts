import type { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { expect, it } from 'vitest';
import { TickerSystem, type TickerSystemProps } from '../../../src/index.js';
import {
  CONTAINER_FIXTURE,
  iamStatements,
  nagFindings,
  newStack,
  stableTemplate,
  templateOf,
  wildcardActions,
} from './cdk.js';

/** One synthesized TickerSystem, shared by every test of a topology (synth is expensive). */
export interface SynthesizedSystem {
  app: App;
  stack: Stack;
  system: TickerSystem;
  template: Template;
}

/** Builds and synthesizes the full system of one topology, with a producer from the fixture. */
export function synthesizeSystem(fanout: TickerSystemProps['fanout']): SynthesizedSystem {
  const { app, stack } = newStack('TickerStack');
  const system = new TickerSystem(stack, 'Ticker', {
    fanout,
    producer: { dockerfileDirectory: CONTAINER_FIXTURE },
    ...(fanout === 'containers'
      ? { containerFanout: { dockerfileDirectory: CONTAINER_FIXTURE } }
      : {}),
  });
  return { app, stack, system, template: templateOf(stack) };
}

/**
 * The checks every topology of TickerSystem must pass: cdk-nag, least privilege, outputs and
 * the template snapshot. Call inside the topology's `describe`; `synthesized` is read lazily
 * because it is built in `beforeAll`.
 */
export function itHoldsForEveryTopology(synthesized: () => SynthesizedSystem): void {
  it('passes cdk-nag AwsSolutions with no unacknowledged errors', () => {
    const errors = nagFindings(synthesized().app).filter((finding) => finding.severity === 'error');

    expect(errors).toEqual([]);
  });

  it('grants no wildcard actions on Kinesis, DynamoDB, SQS or execute-api', () => {
    const statements = iamStatements(synthesized().template);

    expect(statements.length).toBeGreaterThan(10);
    expect(
      wildcardActions(synthesized().template, ['kinesis', 'dynamodb', 'sqs', 'execute-api']),
    ).toEqual([]);
  });

  it('outputs the website, WebSocket and history API URLs and the stream name', () => {
    const outputs = Object.keys(synthesized().template.findOutputs('*'));

    for (const name of ['WebsiteUrl', 'WebSocketUrl', 'HistoryApiUrl', 'StreamName']) {
      expect(outputs.some((output) => output.includes(name))).toBe(true);
    }
  });

  it('matches the template snapshot (asset hashes stripped)', () => {
    expect(stableTemplate(synthesized().template)).toMatchSnapshot();
  });
}
