import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { queryTrades } from '../../src/index.js';
import { createTable, dynamoClient, type Emulator, startDynalite } from '../helpers/emulators.js';
import { deadLetterBody } from '../helpers/replayMessages.js';
import { queueClient, type SqsQueue, startSqsQueue } from '../helpers/sqsQueue.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The committed bin in a copy of the package (inside it, so tsx and the workspace packages
 * resolve as in a fresh clone): with the sources and no dist/, or with `built` as the build.
 */
function packageCopy(built?: string): { bin: string; remove: () => void } {
  const copy = mkdtempSync(join(packageDir, '.bin-test-'));
  mkdirSync(join(copy, 'bin'));
  const bin = join(copy, 'bin', 'market-stream-replay.js');
  copyFileSync(join(packageDir, 'bin', 'market-stream-replay.js'), bin);
  if (built === undefined) {
    symlinkSync(join(packageDir, 'src'), join(copy, 'src'));
  } else {
    mkdirSync(join(copy, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(copy, 'dist', 'cli', 'replayDeadLetters.js'), built);
  }
  return { bin, remove: () => rmSync(copy, { recursive: true, force: true }) };
}

async function runBin(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe('the market-stream-replay bin', () => {
  let dynalite: Emulator;
  let queue: SqsQueue;
  let admin: DynamoDBDocumentClient;

  beforeAll(async () => {
    [dynalite, queue] = await Promise.all([startDynalite(), startSqsQueue()]);
    admin = dynamoClient(dynalite.endpoint, 3);
  });

  afterAll(async () => {
    admin.destroy();
    await Promise.all([dynalite.close(), queue.close()]);
  });

  it('prints its usage with --help from the sources when the package is not built', async () => {
    const { bin, remove } = packageCopy();
    try {
      const { code, stdout, stderr } = await runBin(bin, ['--help']);

      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: market-stream-replay --queue-url URL');
      expect(stdout).toContain('--dry-run');
    } finally {
      remove();
    }
  }, 60_000);

  it('replays a dead letter into the table on the emulators and exits 0', async () => {
    // Arrange
    await createTable(admin, 'bin-history');
    const queueUrl = queue.queueUrl('bin-dlq');
    const trade = tradeFactory({ symbol: 'AMZN', seq: 7 });
    const sqs = queueClient(queue);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [{ Id: 'letter', MessageBody: deadLetterBody(trade) }],
      }),
    );
    sqs.destroy();
    const { bin, remove } = packageCopy();
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: 'us-east-1',
      // The SDK warns on stderr that its 2027 releases need Node 22.
      NODE_NO_WARNINGS: '1',
    };

    try {
      // Act
      const { code, stdout, stderr } = await runBin(
        bin,
        [
          '--queue-url',
          queueUrl,
          '--table',
          'bin-history',
          '--sqs-endpoint',
          queue.endpoint,
          '--dynamodb-endpoint',
          dynalite.endpoint,
          '--wait',
          '0',
        ],
        env,
      );

      // Assert
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ received: 1, deleted: 1, trades: 1, kept: [] });
      expect(
        await queryTrades({ client: admin, tableName: 'bin-history', symbol: 'AMZN' }),
      ).toEqual([trade]);
      expect(queue.messages('bin-dlq')).toEqual([]);
    } finally {
      remove();
    }
  }, 60_000);

  it('runs the build’s main with its arguments and exits with its code when the package is built', async () => {
    const { bin, remove } = packageCopy(
      'export async function main(argv) { process.stdout.write(["built", ...argv].join(" ")); return 2; }\n',
    );
    try {
      const { code, stdout } = await runBin(bin, ['--queue-url', 'q']);

      expect(stdout).toBe('built --queue-url q');
      expect(code).toBe(2);
    } finally {
      remove();
    }
  }, 60_000);
});
