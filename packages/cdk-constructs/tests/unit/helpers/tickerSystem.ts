import type { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { TickerSystem, type TickerSystemProps } from '../../../src/index.js';
import { CONTAINER_FIXTURE, newStack, templateOf } from './cdk.js';

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
