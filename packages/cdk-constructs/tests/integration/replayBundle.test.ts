import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { deadLetterBody } from '../../../sinks/tests/helpers/replayMessages.js';
import { type SqsQueue, startSqsQueue } from '../../../sinks/tests/helpers/sqsQueue.js';
import { awsJson, createHistoryTable, scanTable } from '../helpers/awsJson.js';
import { ensureHandlerBundles, loadBundle } from '../helpers/bundles.js';
import { type Emulator, FAKE_AWS_ENV, setEnv, startDynalite } from '../helpers/emulators.js';

// The prebundled replay handler, loaded as Lambda loads it, draining the sinks' SQS test queue
// into dynalite through the bundled AWS SDK (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_DYNAMODB).
// Messages are sent and the table read with plain JSON requests: the test loads no SDK.

interface ReplayBundle {
  handler(
    event: unknown,
    context: { getRemainingTimeInMillis(): number },
  ): Promise<Record<string, unknown>>;
}

const context = { getRemainingTimeInMillis: () => 300_000 };
const QUEUE = 'dlq';
const TABLE = 'trade-history';

describe('the replay bundle (lambda/replay/index.js)', () => {
  let queue: SqsQueue;
  let dynamo: Emulator;
  let restoreEnv: () => void;

  function enqueue(...bodies: string[]): Promise<unknown> {
    return awsJson(queue.endpoint, 'AmazonSQS.SendMessageBatch', {
      QueueUrl: queue.queueUrl(QUEUE),
      Entries: bodies.map((MessageBody, index) => ({ Id: `m${index}`, MessageBody })),
    });
  }

  beforeAll(async () => {
    await ensureHandlerBundles();
    queue = await startSqsQueue();
    dynamo = await startDynalite();
    await createHistoryTable(dynamo.endpoint, TABLE);
    restoreEnv = setEnv({
      REPLAY_QUEUE_URL: queue.queueUrl(QUEUE),
      REPLAY_HISTORY_TABLE: TABLE,
      AWS_ENDPOINT_URL_SQS: queue.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      ...FAKE_AWS_ENV,
    });
  });

  afterAll(async () => {
    restoreEnv?.();
    await queue?.close();
    await dynamo?.close();
  });

  it('loads as Lambda loads it and refuses an event that asks for something odd before touching SQS', async () => {
    const { handler } = loadBundle<ReplayBundle>('replay');

    await expect(handler({ maxMessages: -1 }, context)).rejects.toThrow(/maxMessages/);
    await expect(handler({ dryRun: 'yes' }, context)).rejects.toMatchObject({
      code: 'INVALID_REPLAY_OPTIONS',
    });
    expect(queue.stats.receives).toBe(0);
  });

  it('replays a dead letter into the history table once and deletes it; keeps and reports a malformed message', async () => {
    const { handler } = loadBundle<ReplayBundle>('replay');
    const trade = tradeFactory({ symbol: 'GOOG', seq: 7, price: 101.5 });
    await enqueue(deadLetterBody(trade), 'not a dead letter');

    const report = await handler({}, context);

    expect(report).toMatchObject({
      received: 2,
      deleted: 1,
      trades: 1,
      stopped: false,
      dryRun: false,
    });
    const remaining = queue.messages(QUEUE);
    expect(remaining.map((message) => message.body)).toEqual(['not a dead letter']);
    expect(report.kept).toEqual([
      {
        messageId: remaining[0]!.messageId,
        reason: 'malformed',
        code: 'MALFORMED',
        message: expect.stringMatching(/^malformed message: /),
      },
    ]);
    const items = await scanTable(dynamo.endpoint, TABLE);
    expect(items.map((item) => [item.pk?.S, item.seq?.N, item.price?.N])).toEqual([
      ['GOOG', '7', '101.5'],
    ]);
  });

  it('a second dead letter of the same trade leaves it once in the table', async () => {
    const { handler } = loadBundle<ReplayBundle>('replay');
    const trade = tradeFactory({ symbol: 'GOOG', seq: 7, price: 101.5 });
    await enqueue(deadLetterBody(trade));

    const report = await handler({}, context);

    expect(report).toMatchObject({ deleted: 1, trades: 1 });
    expect(queue.messages(QUEUE).map((message) => message.body)).toEqual(['not a dead letter']);
    const items = await scanTable(dynamo.endpoint, TABLE);
    expect(items.map((item) => [item.pk?.S, item.seq?.N])).toEqual([['GOOG', '7']]);
  });
});
