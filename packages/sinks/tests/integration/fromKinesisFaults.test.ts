import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { type Trade, tradeKey } from '@market-stream/core';
import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { fromKinesis, KinesisReadError } from '../../src/index.js';
import {
  createActiveStream,
  type KinesaliteHarness,
  putTrades,
  startKinesalite,
} from '../helpers/kinesaliteStream.js';

// kinesalite never throttles, never expires iterators early, never paginates ListShards: these
// tests put a thin wrapper in front of the real client that injects exactly those answers, with
// the shape the SDK gives them, and lets every other call through to kinesalite.

type Send = (
  command: { constructor: { name: string }; input: unknown },
  options?: unknown,
) => Promise<unknown>;
type Interceptor = (
  command: { constructor: { name: string }; input: unknown },
  call: number,
) => unknown;

function sdkError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}

/** The real client, with `intercept` consulted first: return an error to fail that call. */
function faultyClient(real: KinesisClient, intercept: Interceptor) {
  const calls: string[] = [];
  const send: Send = async (command, options) => {
    calls.push(command.constructor.name);
    const fault = intercept(command, calls.length);
    if (fault instanceof Error) throw fault;
    if (fault !== undefined) return fault;
    return (real.send as unknown as Send)(command, options);
  };
  return { client: { send } as unknown as KinesisClient, calls };
}

const FAST = { pollIntervalMs: 5, maxIdlePollIntervalMs: 20, backoffBaseMs: 5, backoffMaxMs: 20 };

let kinesis: KinesaliteHarness;
let streamName: string;
const sent = tradeSequence(['AAPL', 'MSFT', 'TSLA', 'NVDA'], 100);

beforeAll(async () => {
  kinesis = await startKinesalite();
  streamName = 'faults';
  await createActiveStream(kinesis.client, streamName, 2);
  await putTrades(kinesis.client, streamName, sent);
});

afterAll(async () => {
  await kinesis.close();
});

function expectAllOnceInOrder(received: readonly Trade[]) {
  expect(received.map(tradeKey).sort()).toEqual(sent.map(tradeKey).sort());
  for (const symbol of ['AAPL', 'MSFT', 'TSLA', 'NVDA']) {
    const seqs = received.filter((trade) => trade.symbol === symbol).map((trade) => trade.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }
}

describe('fromKinesis() under faults', () => {
  it('backs off from ProvisionedThroughputExceeded and 5xx answers and still reads every trade once, in order', async () => {
    const { client, calls } = faultyClient(kinesis.client, (command, call) => {
      if (command.constructor.name !== 'GetRecordsCommand') return undefined;
      if (call % 3 === 0) return sdkError('ProvisionedThroughputExceededException', 400);
      if (call % 5 === 0) return sdkError('InternalFailure', 500);
      return undefined;
    });

    const received = await firstValueFrom(
      fromKinesis({ client, streamName, from: 'trim-horizon', recordsPerCall: 25, ...FAST }).pipe(
        take(sent.length),
        toArray(),
        timeout(30_000),
      ),
    );

    expectAllOnceInOrder(received);
    expect(calls.filter((name) => name === 'GetRecordsCommand').length).toBeGreaterThan(
      sent.length / 25,
    );
  });

  it('takes a new iterator after the last position when one expires, without duplicates', async () => {
    let expired = 0;
    const { client } = faultyClient(kinesis.client, (command) => {
      if (command.constructor.name === 'GetRecordsCommand' && expired < 3) {
        expired++;
        if (expired > 1) return sdkError('ExpiredIteratorException', 400);
      }
      return undefined;
    });

    const received = await firstValueFrom(
      fromKinesis({ client, streamName, from: 'trim-horizon', recordsPerCall: 30, ...FAST }).pipe(
        take(sent.length),
        toArray(),
        timeout(30_000),
      ),
    );

    expect(expired).toBe(3);
    expectAllOnceInOrder(received);
  });

  it('gives up with a KinesisReadError when fresh iterators keep expiring', async () => {
    const { client } = faultyClient(kinesis.client, (command) =>
      command.constructor.name === 'GetRecordsCommand'
        ? sdkError('ExpiredIteratorException', 400)
        : undefined,
    );

    const error = await firstValueFrom(
      fromKinesis({ client, streamName, from: 'trim-horizon', maxRetries: 2, ...FAST }),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KinesisReadError);
    expect(((error as KinesisReadError).cause as Error).name).toBe('ExpiredIteratorException');
  });

  it('completes when every shard of the stream is closed and none has children', async () => {
    const { client, calls } = faultyClient(kinesis.client, (command) =>
      command.constructor.name === 'ListShardsCommand'
        ? {
            Shards: [
              {
                ShardId: 'shardId-000000000000',
                HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
                SequenceNumberRange: { StartingSequenceNumber: '1', EndingSequenceNumber: '2' },
              },
            ],
          }
        : undefined,
    );

    const received = await firstValueFrom(
      fromKinesis({ client, streamName, from: 'latest', ...FAST }).pipe(toArray(), timeout(10_000)),
    );

    expect(received).toEqual([]);
    expect(calls).toEqual(['ListShardsCommand']);
  });

  it('errors with a KinesisReadError once throttling outlasts maxRetries', async () => {
    const { client } = faultyClient(kinesis.client, (command) =>
      command.constructor.name === 'GetRecordsCommand'
        ? sdkError('ProvisionedThroughputExceededException', 400)
        : undefined,
    );

    const error = await firstValueFrom(
      fromKinesis({ client, streamName, from: 'trim-horizon', maxRetries: 3, ...FAST }),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KinesisReadError);
    expect((error as KinesisReadError).code).toBe('KINESIS_READ_FAILED');
    expect((error as KinesisReadError).message).toMatch(/after 4 attempts/);
    expect(((error as KinesisReadError).cause as Error).name).toBe(
      'ProvisionedThroughputExceededException',
    );
  });

  it('errors at once with a KinesisReadError for a stream that does not exist', async () => {
    const error = await firstValueFrom(
      fromKinesis({ client: kinesis.client, streamName: 'no-such-stream', ...FAST }),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KinesisReadError);
    expect(((error as KinesisReadError).cause as Error).name).toBe('ResourceNotFoundException');
  });

  it('follows ListShards pages, sending only NextToken on follow-up pages as the API requires', async () => {
    const inputs: unknown[] = [];
    const { client } = faultyClient(kinesis.client, (command) => {
      if (command.constructor.name !== 'ListShardsCommand') return undefined;
      inputs.push(command.input);
      const input = command.input as { NextToken?: string; StreamName?: string };
      const shard = (index: number) => ({
        ShardId: `shardId-00000000000${index}`,
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
        SequenceNumberRange: { StartingSequenceNumber: '0' },
      });
      return input.NextToken ? { Shards: [shard(1)] } : { Shards: [shard(0)], NextToken: 'page-2' };
    });

    const received = await firstValueFrom(
      fromKinesis({ client, streamName, from: 'trim-horizon', ...FAST }).pipe(
        take(sent.length),
        toArray(),
        timeout(30_000),
      ),
    );

    expect(inputs).toEqual([{ StreamName: streamName }, { NextToken: 'page-2' }]);
    expectAllOnceInOrder(received);
  });

  it('stops every poll and timer when unsubscribed', async () => {
    const { client, calls } = faultyClient(kinesis.client, () => undefined);
    const subscription = fromKinesis({ client, streamName, from: 'latest', ...FAST }).subscribe();
    await waitUntil(() => calls.filter((name) => name === 'GetRecordsCommand').length >= 6);

    subscription.unsubscribe();
    const callsAtUnsubscribe = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 200));

    // At most the requests already in flight complete (they are aborted); nothing new starts.
    expect(calls.length).toBe(callsAtUnsubscribe);
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition not reached');
}
