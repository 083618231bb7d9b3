import { InvalidTradeError } from '@market-stream/core';
import { describe, expect, it } from 'vitest';
import { tradeFactory, tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  decodeDynamoStreamEvent,
  decodeKinesisEvent,
  decodeSqsEvent,
  toBatchResponse,
  UndecodableRecordError,
} from '../../src/lambda.js';
import {
  dynamoEventFactory,
  dynamoRecordFactory,
  dynamoTradeImageFactory,
  dynamoTradeRecordFactory,
  kinesisAggregateRecordFactory,
  kinesisEventFactory,
  kinesisRecordFactory,
  kinesisTradeRecordFactory,
  sqsEventFactory,
  sqsRecordFactory,
  sqsTradeRecordFactory,
} from '../helpers/lambdaEvents.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decodeKinesisEvent()', () => {
  it('decodes plain and KPL-aggregated records into trades in stream order', () => {
    const trades = tradeSequence(['AAPL', 'MSFT'], 6);
    const event = kinesisEventFactory([
      kinesisTradeRecordFactory(trades[0]!),
      kinesisAggregateRecordFactory(trades.slice(1, 9)),
      kinesisTradeRecordFactory(trades[9]!),
      kinesisAggregateRecordFactory(trades.slice(10)),
    ]);

    const decoded = decodeKinesisEvent(event);

    expect(decoded).toEqual({ trades, failures: [] });
  });

  it('names the outer Kinesis sequence number and the sub-sequence number of a bad user record', () => {
    const good = tradeFactory({ seq: 1 });
    const aggregate = kinesisAggregateRecordFactory([
      good,
      bytes('{oops'),
      tradeFactory({ seq: 2, price: -5 }),
    ]);
    const plainGarbage = kinesisRecordFactory({ data: Uint8Array.of(0xff, 0xfe) });

    const { trades, failures } = decodeKinesisEvent(kinesisEventFactory([aggregate, plainGarbage]));

    expect(trades).toEqual([good]);
    expect(
      failures.map((f) => [f.itemIdentifier, f.subSequenceNumber, f.error.constructor]),
    ).toEqual([
      [aggregate.kinesis.sequenceNumber, 1, UndecodableRecordError],
      [aggregate.kinesis.sequenceNumber, 2, InvalidTradeError],
      [plainGarbage.kinesis.sequenceNumber, 0, UndecodableRecordError],
    ]);
    expect(failures[1]!.reason).toMatch(/price/);
  });

  it('turns failures into a partial batch response naming each Kinesis record once', () => {
    const aggregate = kinesisAggregateRecordFactory([bytes('x'), bytes('y')]);
    const good = kinesisTradeRecordFactory(tradeFactory());

    const response = toBatchResponse(
      decodeKinesisEvent(kinesisEventFactory([good, aggregate])).failures,
    );

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: aggregate.kinesis.sequenceNumber }],
    });
  });

  it('returns nothing for an empty event', () => {
    expect(decodeKinesisEvent({ Records: [] })).toEqual({ trades: [], failures: [] });
  });
});

describe('decodeSqsEvent()', () => {
  it('decodes each message body into a trade and names bad messages by message id', () => {
    const trades = tradeSequence(['AAPL'], 3);
    const notJson = sqsRecordFactory('hello');
    const notTrade = sqsRecordFactory(JSON.stringify({ symbol: 'aapl' }));
    const event = sqsEventFactory([
      sqsTradeRecordFactory(trades[0]!),
      notJson,
      sqsTradeRecordFactory(trades[1]!),
      notTrade,
      sqsTradeRecordFactory(trades[2]!),
    ]);

    const { trades: decoded, failures } = decodeSqsEvent(event);

    expect(decoded).toEqual(trades);
    expect(failures.map((failure) => failure.itemIdentifier)).toEqual([
      notJson.messageId,
      notTrade.messageId,
    ]);
    expect(toBatchResponse(failures)).toEqual({
      batchItemFailures: [
        { itemIdentifier: notJson.messageId },
        { itemIdentifier: notTrade.messageId },
      ],
    });
  });
});

describe('decodeDynamoStreamEvent()', () => {
  it('decodes NewImage of INSERT and MODIFY records into trades, ignoring keys and ttl', () => {
    const trades = tradeSequence(['AAPL', 'BRK.B'], 2);
    const event = dynamoEventFactory([
      dynamoTradeRecordFactory(trades[0]!),
      dynamoTradeRecordFactory(trades[1]!, 'MODIFY'),
      dynamoTradeRecordFactory(trades[2]!),
      dynamoTradeRecordFactory(trades[3]!),
    ]);

    expect(decodeDynamoStreamEvent(event)).toEqual({ trades, failures: [] });
  });

  it('skips REMOVE records, such as TTL expiry', () => {
    const removed = dynamoRecordFactory({ eventName: 'REMOVE' });

    expect(decodeDynamoStreamEvent(dynamoEventFactory([removed]))).toEqual({
      trades: [],
      failures: [],
    });
  });

  it('reports records without NewImage, and items that are not trades, by stream sequence number', () => {
    const keysOnly = dynamoRecordFactory({ eventName: 'INSERT' });
    const bar = dynamoRecordFactory({
      newImage: { pk: { S: 'AAPL#bar' }, open: { N: '1' }, close: { N: '2' } },
    });
    const badValue = dynamoRecordFactory({
      newImage: { ...dynamoTradeImageFactory(tradeFactory()), price: { X: '1' } as never },
    });

    const { trades, failures } = decodeDynamoStreamEvent(
      dynamoEventFactory([keysOnly, bar, badValue]),
    );

    expect(trades).toEqual([]);
    expect(failures.map((failure) => [failure.itemIdentifier, failure.error.constructor])).toEqual([
      [keysOnly.dynamodb!.SequenceNumber, UndecodableRecordError],
      [bar.dynamodb!.SequenceNumber, InvalidTradeError],
      [badValue.dynamodb!.SequenceNumber, UndecodableRecordError],
    ]);
    expect(failures[0]!.reason).toMatch(/NEW_IMAGE/);
  });

  it('unmarshalls every DynamoDB JSON type a stream image can carry', () => {
    const trade = tradeFactory();
    const image = {
      ...dynamoTradeImageFactory(trade),
      flags: { M: { live: { BOOL: true }, note: { NULL: true } } },
      venues: { L: [{ S: 'XNAS' }, { N: '2' }] },
      tags: { SS: ['a', 'b'] },
      lots: { NS: ['1', '2'] },
      raw: { B: 'AQI=' },
      blobs: { BS: ['AQI='] },
    };

    const { trades } = decodeDynamoStreamEvent(
      dynamoEventFactory([dynamoRecordFactory({ newImage: image })]),
    );

    expect(trades).toEqual([trade]);
  });
});
