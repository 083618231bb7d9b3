import { SQSClient } from '@aws-sdk/client-sqs';
import { type Trade, tradeKey } from '@market-stream/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { type DeadLetter, type SinkFailure, sqsDeadLetter, toSqs } from '../../src/index.js';
import { seededRandom } from '../helpers/faultProxy.js';
import { type SqsDouble, startSqsDouble } from '../helpers/sqsDouble.js';
import { exactlyOnce, outOfOrderSymbols, paced, symbols } from '../helpers/tradeChecks.js';

const poisoned = (body: string) => body.includes('"symbol":"S0002"') && /"seq":4[,}]/.test(body);

describe('toSqs() against an AWS JSON 1.0 SQS double', () => {
  let double: SqsDouble;
  let client: SQSClient;
  const random = seededRandom(3);

  beforeAll(async () => {
    double = await startSqsDouble({
      throttleRate: 0.1,
      random,
      entry: (entry, queue) =>
        queue !== 'trades.fifo'
          ? undefined
          : poisoned(entry.MessageBody)
            ? 'sender'
            : random() < 0.3
              ? 'retryable'
              : undefined,
    });
    client = new SQSClient({
      endpoint: double.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
  });

  afterAll(async () => {
    client.destroy();
    await double.close();
  });

  it('enqueues every trade once and in order per group despite Failed entries and throttling; SenderFault entries are dead-lettered', async () => {
    const trades = tradeSequence(symbols(20), 50);
    const failures: SinkFailure<Trade>[] = [];
    const deadLetter = sqsDeadLetter<Trade>({ client, queueUrl: double.queueUrl('dlq') });

    const reports = await lastValueFrom(
      paced(trades, 200).pipe(
        toSqs({
          client,
          queueUrl: double.queueUrl('trades.fifo'),
          maxAttempts: 25,
          backoffBaseMs: 5,
          backoffMaxMs: 100,
          onFailure: async (failure) => {
            failures.push(failure);
            await deadLetter(failure);
          },
        }),
        toArray(),
      ),
    );

    const messages = double.queues.get('trades.fifo') ?? [];
    const arrived = messages.map((message) => JSON.parse(message.body) as Trade);
    const expected = trades.filter((trade) => !poisoned(JSON.stringify(trade)));
    expect(exactlyOnce(expected, arrived)).toEqual({
      duplicates: [],
      missing: [],
      arrived: expected.length,
    });
    expect(outOfOrderSymbols(arrived)).toEqual([]);
    for (const message of messages) {
      const trade = JSON.parse(message.body) as Trade;
      expect([message.groupId, message.deduplicationId]).toEqual([trade.symbol, tradeKey(trade)]);
    }
    expect(failures.map((f) => [f.reason, f.records.map(tradeKey)])).toEqual([
      ['rejected', ['S0002#4']],
    ]);
    const letters = (double.queues.get('dlq') ?? []).map((m) => JSON.parse(m.body) as DeadLetter);
    expect(letters.map((letter) => tradeKey(letter.record as Trade))).toEqual(['S0002#4']);
    expect(double.stats.failedEntries).toBeGreaterThan(trades.length * 0.2);
    expect(double.stats.throttled).toBeGreaterThan(0);
    expect(reports.at(-1)!.totals.retried).toBeGreaterThanOrEqual(double.stats.failedEntries - 1);
  });
});
