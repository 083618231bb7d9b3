import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { parseReplayMessage } from '../../src/replay/parseReplayMessage.js';

const letter = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    sink: 'dynamodb',
    reason: 'rejected',
    attempts: 1,
    error: { name: 'RecordRejectedError', message: 'x' },
    failedAt: 0,
    record: tradeFactory(),
    ...overrides,
  });

const onFailure = (info: Record<string, unknown>) =>
  JSON.stringify({
    version: '1.0',
    KinesisBatchInfo: {
      shardId: 'shardId-000000000001',
      startSequenceNumber: '49601189658422359378836298521827638475320189012309704722',
      endSequenceNumber: '49601189658422371271281255481327315025807130112309704722',
      batchSize: 500,
      streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream',
      ...info,
    },
  });

describe('parseReplayMessage()', () => {
  it('reads a sqsDeadLetter letter: its sink and its trade', () => {
    expect(parseReplayMessage(letter())).toEqual({
      kind: 'dead-letter',
      sink: 'dynamodb',
      trade: tradeFactory(),
    });
  });

  it("reads a Lambda Kinesis event source's on-failure record: stream, shard and range", () => {
    expect(parseReplayMessage(onFailure({}))).toEqual({
      kind: 'on-failure',
      range: {
        streamName: 'mystream',
        shardId: 'shardId-000000000001',
        startSequenceNumber: '49601189658422359378836298521827638475320189012309704722',
        endSequenceNumber: '49601189658422371271281255481327315025807130112309704722',
        batchSize: 500,
      },
    });
  });

  it.each([
    ['not JSON', '{'],
    ['no body', undefined],
    ['a number', '42'],
    ['another shape', '{"hello":"world"}'],
    ['an unknown sink', letter({ sink: 'kafka' })],
    ['a record that is not a trade', letter({ record: { symbol: 'AAPL', price: -1 } })],
    ['a range without a stream ARN', onFailure({ streamArn: undefined })],
    [
      'a range that ends before it starts',
      onFailure({ startSequenceNumber: '9', endSequenceNumber: '1' }),
    ],
    ['a sequence number that is not a number', onFailure({ startSequenceNumber: '1e5' })],
  ])('keeps %s as malformed', (_, body) => {
    const parsed = parseReplayMessage(body);
    expect(parsed).toMatchObject({ kind: 'kept', reason: 'malformed' });
  });

  it('keeps a letter without its record as no-record', () => {
    expect(parseReplayMessage(letter({ record: undefined }))).toMatchObject({
      kind: 'kept',
      reason: 'no-record',
    });
  });

  it("keeps a DynamoDB Streams event source's on-failure record as no-sink, naming its stream and range", () => {
    const body = JSON.stringify({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      version: '1.0',
      DDBStreamBatchInfo: {
        shardId: 'shardId-00000001',
        startSequenceNumber: '100',
        endSequenceNumber: '200',
        batchSize: 5,
        streamArn:
          'arn:aws:dynamodb:us-east-1:123456789012:table/history/stream/2026-12-01T00:00:00.000',
      },
    });

    const parsed = parseReplayMessage(body);

    expect(parsed).toMatchObject({ kind: 'kept', reason: 'no-sink', error: { code: 'NO_SINK' } });
    expect(parsed.kind === 'kept' && parsed.error.message).toMatch(
      /table\/history\/stream.*100\.\.200/,
    );
  });

  it('never throws, and never lets anything but a valid trade or range through', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((value) => letter({ record: value })),
        ),
        (body) => {
          const parsed = parseReplayMessage(body);
          if (parsed.kind === 'dead-letter') expect(parsed.trade.price).toBeGreaterThan(0);
          if (parsed.kind === 'kept') expect(parsed.error.code).toMatch(/^(MALFORMED|NO_RECORD)$/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
