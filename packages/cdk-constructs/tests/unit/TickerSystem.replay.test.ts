import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TickerSystem } from '../../src/index.js';
import {
  actionsOfPolicy,
  ensureHandlerBundles,
  newStack,
  SYNTH_TIMEOUT,
  templateOf,
} from './helpers/cdk.js';

describe('TickerSystem deadLetterReplay option', { timeout: SYNTH_TIMEOUT }, () => {
  beforeAll(async () => {
    await ensureHandlerBundles();
  }, SYNTH_TIMEOUT);

  it('replays the processor’s on-failure queue into the history, and the ingest dead letters into the stream, by default', () => {
    const { stack } = newStack('Replays');
    const system = new TickerSystem(stack, 'Ticker', { fanout: 'serverless', ingest: true });

    const template = templateOf(stack);
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs.some((name) => name.startsWith('TickerDeadLetterReplayFunction'))).toBe(true);
    expect(outputs.some((name) => name.startsWith('TickerIngestDeadLetterReplayFunction'))).toBe(
      true,
    );
    expect(system.deadLetterReplay?.queue).toBe(system.processor.deadLetterQueue);
    expect(system.ingestDeadLetterReplay?.queue).toBe(system.ingestApi?.deadLetterQueue);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          REPLAY_QUEUE_URL: { Ref: Match.stringLikeRegexp('^TickerProcessor') },
          REPLAY_HISTORY_TABLE: { Ref: Match.stringLikeRegexp('^TickerHistory') },
          REPLAY_STREAM_NAME: { Ref: Match.stringLikeRegexp('^TickerStream') },
        }),
      },
    });
    const processorReplay = actionsOfPolicy(template, 'TickerDeadLetterReplayHandlerRole');
    const ingestReplay = actionsOfPolicy(template, 'TickerIngestDeadLetterReplayHandlerRole');
    expect(processorReplay).toContain('dynamodb:BatchWriteItem');
    expect(processorReplay).not.toContain('kinesis:PutRecords');
    expect(ingestReplay).toContain('kinesis:PutRecords');
    expect(ingestReplay.some((action) => action.startsWith('dynamodb:'))).toBe(false);
  });

  it('adds no replay with deadLetterReplay: false', () => {
    const { stack } = newStack('NoReplay');
    const system = new TickerSystem(stack, 'Ticker', {
      fanout: 'serverless',
      deadLetterReplay: false,
    });

    const outputs = Object.keys(templateOf(stack).findOutputs('*'));
    expect(system.deadLetterReplay).toBeUndefined();
    expect(outputs.some((name) => name.includes('DeadLetterReplay'))).toBe(false);
  });
});
