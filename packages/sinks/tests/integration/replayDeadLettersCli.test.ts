import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { main } from '../../src/cli/replayDeadLetters.js';
import { queryTrades } from '../../src/index.js';
import { createTable, dynamoClient, type Emulator, startDynalite } from '../helpers/emulators.js';
import { queueClient, type SqsQueue, startSqsQueue } from '../helpers/sqsQueue.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
    },
  };
}

describe('the replay-dead-letters CLI (main)', () => {
  let dynalite: Emulator;
  let queue: SqsQueue;
  let admin: DynamoDBDocumentClient;
  const saved = { ...process.env };

  beforeAll(async () => {
    // The CLI builds its clients from the environment, as the AWS CLI does.
    process.env.AWS_ACCESS_KEY_ID = 'x';
    process.env.AWS_SECRET_ACCESS_KEY = 'x';
    [dynalite, queue] = await Promise.all([startDynalite(), startSqsQueue()]);
    admin = dynamoClient(dynalite.endpoint, 3);
  });

  afterAll(async () => {
    process.env = saved;
    admin.destroy();
    await Promise.all([dynalite.close(), queue.close()]);
  });

  it('replays a dead letter into the table, prints the report and exits 2 for the malformed message it kept', async () => {
    await createTable(admin, 'cli-history');
    const queueUrl = queue.queueUrl('cli-dlq');
    const trade = tradeFactory({ symbol: 'TSLA', seq: 42 });
    const sqs = queueClient(queue);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          {
            Id: 'letter',
            MessageBody: JSON.stringify({
              sink: 'dynamodb',
              reason: 'attempts-exhausted',
              attempts: 8,
              error: { name: 'RecordRejectedError', message: 'throttled' },
              failedAt: 0,
              record: trade,
            }),
          },
          { Id: 'junk', MessageBody: 'junk' },
        ],
      }),
    );
    sqs.destroy();
    const { out, io } = capture();

    const code = await main(
      [
        '--queue-url',
        queueUrl,
        '--table',
        'cli-history',
        '--region',
        'us-east-1',
        '--sqs-endpoint',
        queue.endpoint,
        '--dynamodb-endpoint',
        dynalite.endpoint,
        '--wait',
        '0',
      ],
      io,
    );

    expect(code).toBe(2);
    expect(JSON.parse(out.stdout)).toMatchObject({
      received: 2,
      deleted: 1,
      trades: 1,
      kept: [{ reason: 'malformed' }],
    });
    const stored = await queryTrades({ client: admin, tableName: 'cli-history', symbol: 'TSLA' });
    expect(stored).toEqual([trade]);
    expect(queue.messages('cli-dlq').map((message) => message.body)).toEqual(['junk']);
  }, 60_000);

  it('answers a missing --queue-url with the usage and exit code 1, touching nothing', async () => {
    const { out, io } = capture();

    const code = await main(['--table', 'cli-history'], io);

    expect(code).toBe(1);
    expect(out.stderr).toContain('--queue-url');
    expect(out.stdout).toBe('');
  });
});
