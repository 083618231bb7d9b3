import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { Trade } from '@market-stream/core';
import { describe, expect, it } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import { type DecodeFailure, processTrades } from '../../src/lambda.js';
import {
  dynamoEventFactory,
  dynamoRecordFactory,
  dynamoTradeRecordFactory,
  kinesisAggregateRecordFactory,
  kinesisEventFactory,
  kinesisRecordFactory,
  kinesisTradeRecordFactory,
  lambdaContextFactory,
  sqsEventFactory,
  sqsRecordFactory,
  sqsTradeRecordFactory,
} from '../helpers/lambdaEvents.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('processTrades()', () => {
  it('hands each Kinesis record’s trades to the handler in stream order and reports nothing when all succeed', async () => {
    const trades = tradeSequence(['AAPL', 'MSFT'], 5);
    const event = kinesisEventFactory([
      kinesisAggregateRecordFactory(trades.slice(0, 4)),
      kinesisTradeRecordFactory(trades[4]!),
      kinesisAggregateRecordFactory(trades.slice(5)),
    ]);
    const handled: Trade[][] = [];

    const response = await processTrades(
      event,
      lambdaContextFactory(),
      async (batch) => {
        await new Promise((resolve) => setTimeout(resolve, batch.length === 1 ? 5 : 0));
        handled.push(batch);
      },
      { eventType: 'KinesisDataStreams' },
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handled.map((batch) => batch.length)).toEqual([4, 1, 5]);
    expect(handled.flat()).toEqual(trades);
  });

  it('reports the outer Kinesis sequence number when the handler fails on a KPL aggregate', async () => {
    const aggregate = kinesisAggregateRecordFactory([
      tradeFactory({ seq: 1 }),
      tradeFactory({ seq: 2, symbol: 'BOOM' }),
    ]);
    const fine = kinesisTradeRecordFactory(tradeFactory({ seq: 3 }));

    const response = await processTrades(
      kinesisEventFactory([fine, aggregate]),
      lambdaContextFactory(),
      (batch) => {
        if (batch.some((trade) => trade.symbol === 'BOOM')) throw new Error('downstream refused');
      },
      { eventType: 'KinesisDataStreams' },
    );

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: aggregate.kinesis.sequenceNumber }],
    });
  });

  it('skips undecodable Kinesis records by default, reporting them to onInvalid, and handles the good trades of the aggregate', async () => {
    const good = tradeFactory({ seq: 7 });
    const aggregate = kinesisAggregateRecordFactory([good, bytes('not json')]);
    const garbage = kinesisRecordFactory({ data: bytes('garbage') });
    const invalid: DecodeFailure[] = [];
    const handled: Trade[] = [];

    const response = await processTrades(
      kinesisEventFactory([aggregate, garbage]),
      lambdaContextFactory(),
      (batch) => {
        handled.push(...batch);
      },
      { eventType: 'KinesisDataStreams', onInvalid: (failure) => invalid.push(failure) },
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual([good]);
    expect(invalid.map((failure) => [failure.itemIdentifier, failure.subSequenceNumber])).toEqual([
      [aggregate.kinesis.sequenceNumber, 1],
      [garbage.kinesis.sequenceNumber, 0],
    ]);
  });

  it('fails undecodable SQS messages by default so they reach the dead-letter queue', async () => {
    const bad = sqsRecordFactory('{"symbol":');
    const good = sqsTradeRecordFactory(tradeFactory());
    const handled: Trade[] = [];

    const response = await processTrades(
      sqsEventFactory([good, bad]),
      lambdaContextFactory(),
      (batch) => {
        handled.push(...batch);
      },
      { eventType: 'SQS' },
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(handled).toEqual([tradeFactory()]);
  });

  it('names DynamoDB stream sequence numbers and ignores REMOVE records', async () => {
    const failing = dynamoTradeRecordFactory(tradeFactory({ symbol: 'FAIL' }));
    const ok = dynamoTradeRecordFactory(tradeFactory());
    const removed = dynamoRecordFactory({ eventName: 'REMOVE' });
    let calls = 0;

    const response = await processTrades(
      dynamoEventFactory([ok, removed, failing]),
      lambdaContextFactory(),
      ([trade]) => {
        calls++;
        if (trade!.symbol === 'FAIL') throw new Error('no');
      },
      { eventType: 'DynamoDBStreams' },
    );

    expect(calls).toBe(2);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: failing.dynamodb!.SequenceNumber }],
    });
  });

  it('throws Powertools’ FullBatchFailureError when every record fails, unless told not to', async () => {
    const event = sqsEventFactory([sqsRecordFactory('x'), sqsRecordFactory('y')]);

    await expect(
      processTrades(event, lambdaContextFactory(), () => undefined, { eventType: 'SQS' }),
    ).rejects.toBeInstanceOf(FullBatchFailureError);
    const response = await processTrades(event, lambdaContextFactory(), () => undefined, {
      eventType: 'SQS',
      throwOnFullBatchFailure: false,
    });
    expect(response.batchItemFailures).toHaveLength(2);
  });
});
