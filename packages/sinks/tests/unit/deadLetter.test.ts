import type { Trade } from '@market-stream/core';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { type DeadLetter, sqsDeadLetter, toKinesis } from '../../src/index.js';
import { fakeKinesis, fakeSqs, invalid, throttled } from '../helpers/fakeClients.js';
import { VirtualClock } from '../helpers/virtualTime.js';

describe('sqsDeadLetter()', () => {
  it('sends every record a sink gives up on to the queue, with the reason, before the sink completes', async () => {
    const clock = new VirtualClock();
    const kinesis = fakeKinesis({ answer: () => invalid() });
    const dlq = fakeSqs();
    const trades = tradeSequence(
      Array.from({ length: 12 }, (_, i) => `S${i}`),
      1,
    );
    let completed = false;

    from(trades)
      .pipe(
        toKinesis({
          client: kinesis.client,
          streamName: 'trades',
          scheduler: clock.scheduler,
          onFailure: sqsDeadLetter({ client: dlq.client, queueUrl: 'https://sqs.local/123/dlq' }),
        }),
      )
      .subscribe({ complete: () => (completed = true) });
    await clock.advance(1_000);

    expect(completed).toBe(true);
    expect(dlq.calls.map((call) => call.Entries?.length)).toEqual([10, 2]);
    const letters = dlq.accepted.map((message) => JSON.parse(message.body) as DeadLetter);
    expect(letters.map((letter) => (letter.record as Trade).symbol).sort()).toEqual(
      trades.map((trade) => trade.symbol).sort(),
    );
    expect(letters[0]).toMatchObject({
      sink: 'kinesis',
      reason: 'rejected',
      attempts: 1,
      error: { name: 'ValidationException' },
    });
  });

  it('rejects (so the sink errors rather than losing records) when SQS refuses a dead letter', async () => {
    const dlq = fakeSqs({
      answer: () => ({ failIndexes: [0], senderFault: true, code: 'InvalidMessageContents' }),
    });
    const onFailure = sqsDeadLetter<Trade>({
      client: dlq.client,
      queueUrl: 'https://sqs.local/123/dlq',
    });

    await expect(
      onFailure({
        sink: 'sqs',
        records: tradeSequence(['AAPL'], 1),
        reason: 'rejected',
        error: new Error('x'),
        attempts: 1,
      }),
    ).rejects.toThrow(/InvalidMessageContents/);
  });
  it('retries a throttled dead-letter request until SQS accepts it', async () => {
    // Throttling of a whole request cannot be produced on demand by a real queue: scripted here.
    const dlq = fakeSqs({ answer: (call) => (call < 2 ? throttled() : undefined) });
    const onFailure = sqsDeadLetter<Trade>({
      client: dlq.client,
      queueUrl: 'https://sqs.local/123/dlq',
    });
    const records = tradeSequence(['AAPL', 'TSLA'], 1);

    await onFailure({
      sink: 'kinesis',
      records,
      reason: 'rejected',
      error: new Error('x'),
      attempts: 3,
    });

    expect(dlq.calls).toHaveLength(3);
    expect(dlq.accepted.map((m) => (JSON.parse(m.body) as DeadLetter).record)).toEqual(records);
  });

  it('gives up on a throttled dead letter after maxAttempts, rejecting so nothing is lost silently', async () => {
    const dlq = fakeSqs({ answer: () => throttled() });
    const onFailure = sqsDeadLetter<Trade>({
      client: dlq.client,
      queueUrl: 'https://sqs.local/123/dlq',
      maxAttempts: 2,
    });

    await expect(
      onFailure({
        sink: 'kinesis',
        records: tradeSequence(['AAPL'], 1),
        reason: 'rejected',
        error: new Error('x'),
        attempts: 3,
      }),
    ).rejects.toThrow();
    expect(dlq.calls).toHaveLength(2);
    expect(dlq.accepted).toEqual([]);
  });
});
