import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHandlerBundles, loadBundle } from '../helpers/bundles.js';

interface ReplayBundle {
  handler(
    event: unknown,
    context: { getRemainingTimeInMillis(): number },
  ): Promise<Record<string, unknown>>;
}

const context = { getRemainingTimeInMillis: () => 300_000 };

describe('the replay bundle (lambda/replay/index.js)', () => {
  const saved = { ...process.env };

  beforeAll(async () => {
    await ensureHandlerBundles();
    process.env.REPLAY_QUEUE_URL = 'http://127.0.0.1:9/123456789012/dlq';
    process.env.REPLAY_HISTORY_TABLE = 'trade-history';
    process.env.AWS_REGION = 'us-east-1';
  });

  afterAll(() => {
    process.env = saved;
  });

  it('loads as Lambda loads it and refuses an event that asks for something odd before touching SQS', async () => {
    const { handler } = loadBundle<ReplayBundle>('replay');

    await expect(handler({ maxMessages: -1 }, context)).rejects.toThrow(/maxMessages/);
    await expect(handler({ dryRun: 'yes' }, context)).rejects.toMatchObject({
      code: 'INVALID_REPLAY_OPTIONS',
    });
  });
});
