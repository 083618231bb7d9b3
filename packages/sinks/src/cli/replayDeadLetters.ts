/**
 * `market-stream-replay`: drains a dead-letter queue back into the sinks with
 * {@link replayDeadLetters} and prints its report as JSON. Exit code 0 when every message was
 * replayed, 2 when some were kept (see `kept`), 1 on a usage error or when SQS cannot be read.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REPLAY_DEFAULTS } from '../defaults.js';
import { replayDeadLetters } from '../replay/replayDeadLetters.js';
import type { ReplayDeadLettersOptions, ReplaySinks } from '../replay/replayTypes.js';

const NAME = 'market-stream-replay';

const HELP = `Usage: ${NAME} --queue-url URL [--table NAME] [--stream NAME] [options]

Re-sends what a dead-letter queue holds through the sinks, deleting each message only after
its trades are delivered: the sinks' dead letters (sqsDeadLetter) go to the sink they name;
a Lambda Kinesis event source's on-failure records are re-read from the stream and go to
--on-failure-sink. Prints the report as JSON. Credentials and region come from the
environment, as for the AWS CLI.

Options:
      --queue-url <url>          the dead-letter queue (required)
      --table <name>             DynamoDB history table (for toDynamo dead letters)
      --stream <name>            Kinesis stream (for toKinesis dead letters); also enables
                                 reading on-failure ranges
      --on-failure-sink <name>   dynamodb | kinesis (default: ${REPLAY_DEFAULTS.onFailureSink})
      --max-messages <n>         at most this many messages (default: ${REPLAY_DEFAULTS.maxMessages})
      --concurrency <n>          receive batches at once (default: ${REPLAY_DEFAULTS.concurrency})
      --dry-run                  report what would be replayed; deliver and delete nothing
      --wait <seconds>           long-poll wait; the run ends at the first empty receive
                                 (default: ${REPLAY_DEFAULTS.waitTimeSeconds})
      --region <region>          AWS region (default: the environment's)
      --sqs-endpoint <url>       endpoints for local emulators
      --dynamodb-endpoint <url>
      --kinesis-endpoint <url>
  -h, --help                     show this help

Exit status: 0 all replayed, 2 some messages kept (see "kept"), 1 error.
`;

/** Where the CLI writes; the process's streams by default. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * Runs the CLI with `argv` (without the node and script paths).
 *
 * @param argv - The arguments, e.g. `['--queue-url', url, '--table', 'trade-history']`.
 * @param io - Where to write (tests capture it).
 * @returns The exit code: 0 all replayed, 2 some kept, 1 error.
 *
 * @example
 * ```ts
 * import { main } from './cli/replayDeadLetters.js';
 *
 * const code = await main(['--queue-url', process.env.DLQ_URL!, '--table', 'trade-history']);
 * process.exitCode = code; // 0 all replayed, 2 some kept, 1 error
 * ```
 */
export async function main(
  argv: string[],
  io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'queue-url': { type: 'string' },
        table: { type: 'string' },
        stream: { type: 'string' },
        'on-failure-sink': { type: 'string' },
        'max-messages': { type: 'string' },
        concurrency: { type: 'string' },
        wait: { type: 'string' },
        region: { type: 'string' },
        'sqs-endpoint': { type: 'string' },
        'dynamodb-endpoint': { type: 'string' },
        'kinesis-endpoint': { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr(`${NAME}: ${(error as Error).message}\n\n${HELP}`);
    return 1;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const text = (name: string) => values[name] as string | undefined;
  const queueUrl = text('queue-url');
  if (!queueUrl || (!text('table') && !text('stream'))) {
    io.stderr(`${NAME}: --queue-url and at least one of --table, --stream are required\n\n${HELP}`);
    return 1;
  }
  const onFailureSink = text('on-failure-sink') ?? REPLAY_DEFAULTS.onFailureSink;
  if (onFailureSink !== 'dynamodb' && onFailureSink !== 'kinesis') {
    io.stderr(`${NAME}: --on-failure-sink must be dynamodb or kinesis\n`);
    return 1;
  }
  const number = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
  const region = text('region');
  const sqs = new SQSClient({ region, endpoint: text('sqs-endpoint') });
  const kinesis = text('stream')
    ? new KinesisClient({ region, endpoint: text('kinesis-endpoint') })
    : undefined;
  const dynamo = text('table')
    ? DynamoDBDocumentClient.from(
        new DynamoDBClient({ region, endpoint: text('dynamodb-endpoint') }),
      )
    : undefined;
  const sinks: ReplaySinks = {};
  if (dynamo) sinks.dynamodb = { client: dynamo, tableName: text('table')! };
  if (kinesis) sinks.kinesis = { client: kinesis, streamName: text('stream')! };
  const options: ReplayDeadLettersOptions = {
    sqs,
    queueUrl,
    sinks,
    kinesis,
    onFailureSink,
    maxMessages: number('max-messages'),
    concurrency: number('concurrency'),
    waitTimeSeconds: number('wait'),
    dryRun: values['dry-run'] === true,
  };
  try {
    const report = await replayDeadLetters(options);
    const kept = report.kept.map(({ messageId, reason, error }) => ({
      messageId,
      reason,
      message: error.message,
    }));
    io.stdout(`${JSON.stringify({ ...report, kept }, null, 2)}\n`);
    return kept.length === 0 ? 0 : 2;
  } catch (error) {
    io.stderr(`${NAME}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    sqs.destroy();
    kinesis?.destroy();
    dynamo?.destroy();
  }
}

// Run as a script (`tsx src/cli/replayDeadLetters.ts …`, also through a symlink), not when
// imported (the bin calls main).
if (process.argv[1] !== undefined && isThisFile(process.argv[1])) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

function isThisFile(path: string): boolean {
  try {
    return realpathSync(path) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
