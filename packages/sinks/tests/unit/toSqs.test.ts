import { type Trade, tradeKey } from '@market-stream/core';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  type RecordRejectedError,
  RecordTooLargeError,
  type SinkFailure,
  toSqs,
} from '../../src/index.js';
import { type FakeAnswer, fakeSqs } from '../helpers/fakeClients.js';
import { VirtualClock } from '../helpers/virtualTime.js';

const fifoUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/trades.fifo';
const standardUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/trades';

describe('toSqs()', () => {
  it('sends batches of at most 10 with MessageGroupId per symbol and a symbol#seq deduplication id', async () => {
    const clock = new VirtualClock();
    const fake = fakeSqs();
    const trades = tradeSequence(
      ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'SA', 'SB', 'SC'],
      3,
    );

    from(trades)
      .pipe(toSqs({ client: fake.client, queueUrl: fifoUrl, scheduler: clock.scheduler }))
      .subscribe();
    await clock.advance(10_000);

    expect(fake.calls.every((call) => (call.Entries ?? []).length <= 10)).toBe(true);
    expect(fake.accepted).toHaveLength(36);
    for (const message of fake.accepted) {
      const trade = JSON.parse(message.body) as Trade;
      expect(message.groupId).toBe(trade.symbol);
      expect(message.deduplicationId).toBe(tradeKey(trade));
    }
    const s1 = fake.accepted
      .filter((m) => m.groupId === 'S1')
      .map((m) => (JSON.parse(m.body) as Trade).seq);
    expect(s1).toEqual([1, 2, 3]);
  });

  it('leaves group and deduplication ids off for a standard queue and fills batches of 10', async () => {
    const clock = new VirtualClock();
    const fake = fakeSqs();

    from(tradeSequence(['AAPL'], 25))
      .pipe(toSqs({ client: fake.client, queueUrl: standardUrl, scheduler: clock.scheduler }))
      .subscribe();
    await clock.advance(0);

    expect(fake.calls.map((call) => call.Entries?.length)).toEqual([10, 10, 5]);
    expect(fake.calls[0]!.Entries![0]!.MessageGroupId).toBeUndefined();
  });

  it('retries Failed entries with SenderFault false and gives up on SenderFault true', async () => {
    const clock = new VirtualClock();
    const answers: FakeAnswer[] = [
      { failIndexes: [0], code: 'InternalError', senderFault: false },
      { failIndexes: [0], code: 'InvalidParameterValue', senderFault: true },
    ];
    const fake = fakeSqs({ answer: (call) => answers[call] });
    const failures: SinkFailure<Trade>[] = [];

    from(tradeSequence(['AAPL'], 1))
      .pipe(
        toSqs({
          client: fake.client,
          queueUrl: fifoUrl,
          scheduler: clock.scheduler,
          onFailure: (failure) => void failures.push(failure),
        }),
      )
      .subscribe();
    await clock.advance(10_000);

    expect(fake.calls).toHaveLength(2);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.reason).toBe('rejected');
    expect((failures[0]!.error as RecordRejectedError).errorCode).toBe('InvalidParameterValue');
  });

  it('rejects a message over 1 MiB with a RecordTooLargeError, the others go through', async () => {
    const clock = new VirtualClock();
    const fake = fakeSqs();
    const failures: SinkFailure<Trade>[] = [];

    from(tradeSequence(['AAPL', 'MSFT'], 1))
      .pipe(
        toSqs({
          client: fake.client,
          queueUrl: standardUrl,
          scheduler: clock.scheduler,
          encode: (trade) =>
            trade.symbol === 'MSFT' ? 'x'.repeat(1_048_577) : JSON.stringify(trade),
          onFailure: (failure) => void failures.push(failure),
        }),
      )
      .subscribe();
    await clock.advance(1_000);

    expect(failures.map((f) => f.error)).toEqual([expect.any(RecordTooLargeError)]);
    expect(failures[0]!.error.message).toContain('MSFT#1');
    expect(fake.accepted).toHaveLength(1);
  });
});
