import { createServer as createHttp1Server } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Server,
  type Socket,
} from 'node:net';
import { Duplex } from 'node:stream';
import { definedOnly } from '../internal/definedOnly.js';
import { KinesisFront } from './KinesisFront.js';
import { KinesisApiError } from './kinesaliteCall.js';
import { LOCAL_KINESIS_DEFAULTS } from './localKinesisDefaults.js';

/**
 * Options of {@link startLocalKinesis}. Every default lives in `LOCAL_KINESIS_DEFAULTS`.
 *
 * @example
 * ```ts
 * import type { LocalKinesisOptions } from '@market-stream/sinks/local';
 *
 * // Subscriptions that end after 2 s, to exercise renewal in a test.
 * const options: LocalKinesisOptions = { subscriptionMs: 2_000 };
 * ```
 */
export interface LocalKinesisOptions {
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * How long one `SubscribeToShard` pushes before it ends and must be renewed (Kinesis: 5 minutes).
   * @default 300000
   */
  subscriptionMs?: number;
  /**
   * Least time between two `SubscribeToShard` calls of one consumer on one shard;
   * `LimitExceededException` below it (Kinesis: one call per second).
   * @default 1000
   */
  subscribeIntervalMs?: number;
  /**
   * A second `SubscribeToShard` of one consumer on one shard while the first is open is refused
   * with `ResourceInUseException` before this, and takes over after it, the first ending with
   * `ResourceInUseException` (Kinesis: 5 seconds).
   * @default 5000
   */
  takeoverAfterMs?: number;
  /**
   * How long a new consumer stays `CREATING` before it is `ACTIVE`.
   * @default 100
   */
  consumerActivationMs?: number;
  /**
   * How long a deregistered consumer stays `DELETING` before it is gone.
   * @default 100
   */
  consumerDeletionMs?: number;
  /**
   * How often a subscription reads its shard when no write passes through this endpoint (a write
   * that does wakes it at once).
   * @default 200
   */
  pollMs?: number;
  /**
   * How often an idle subscription sends an empty event carrying its continuation sequence number.
   * @default 5000
   */
  emptyEventMs?: number;
  /**
   * How long kinesalite keeps a stream `CREATING`, `UPDATING` or `DELETING`.
   * @default 50
   */
  streamStateMs?: number;
}

/**
 * Faults a test can cause in a running {@link LocalKinesis}.
 *
 * @example
 * ```ts
 * import { startLocalKinesis } from '@market-stream/sinks/local';
 *
 * const kinesis = await startLocalKinesis();
 * kinesis.faults.endSubscriptions(); // every reader must renew from its continuation
 * kinesis.faults.endSubscriptions({ error: 'InternalFailureException' });
 * ```
 */
export interface LocalKinesisFaults {
  /**
   * Ends every open subscription now, as when its time runs out, or with an exception event of
   * type `error`. Returns how many ended.
   */
  endSubscriptions(options?: { error?: string }): number;
  /**
   * Deletes a consumer at once (no `DELETING` state), ending its subscriptions with
   * `ResourceNotFoundException`, as if it was deregistered under a running reader.
   */
  deleteConsumer(consumerArn: string): void;
  /** Subscriptions open now. */
  readonly openSubscriptions: number;
}

/**
 * A running local Kinesis endpoint.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 * import { startLocalKinesis } from '@market-stream/sinks/local';
 *
 * const kinesis = await startLocalKinesis();
 * const client = new KinesisClient({ endpoint: kinesis.endpoint, region: 'us-east-1' });
 * await kinesis.close();
 * ```
 */
export interface LocalKinesis {
  /** `http://host:port`, for the SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly faults: LocalKinesisFaults;
  /** Ends every subscription and connection and stops kinesalite. */
  close(): Promise<void>;
}

/**
 * Starts a local Kinesis endpoint for tests and local runs: kinesalite (in memory) behind a small
 * front that adds what kinesalite lacks, so the code that runs against AWS runs here unchanged,
 * enhanced fan-out included.
 *
 * - Every operation kinesalite has (streams, shards, PutRecords, GetRecords…) is forwarded to it.
 * - Stream consumers (`RegisterStreamConsumer`, `DescribeStreamConsumer`, `ListStreamConsumers`,
 *   `DeregisterStreamConsumer`) with their `CREATING` and `DELETING` states, up to 20 per stream.
 * - `SubscribeToShard` over HTTP/2 with the AWS event-stream encoding (the SDK's own codec):
 *   an `initial-response`, then `SubscribeToShardEvent`s with the records, the continuation
 *   sequence number and, at a closed shard's end, its child shards. A write through this endpoint
 *   is pushed at once. Kinesis's rules hold: one call per second per consumer and shard
 *   (`LimitExceededException`), one open subscription per consumer and shard
 *   (`ResourceInUseException`, taken over after 5 s), 5 minutes per subscription.
 * - One port serves HTTP/2 (the SDK v3 Kinesis client's default) and HTTP/1.1.
 *
 * Needs the optional peer dependencies `kinesalite` and `@smithy/core` (which every SDK v3
 * client already depends on).
 *
 * @param options - See {@link LocalKinesisOptions}.
 * @returns The endpoint, its faults and `close()`.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 * import { fromKinesis } from '@market-stream/sinks';
 * import { startLocalKinesis } from '@market-stream/sinks/local';
 *
 * const kinesis = await startLocalKinesis();
 * const client = new KinesisClient({ endpoint: kinesis.endpoint, region: 'us-east-1' });
 * fromKinesis({ client, streamName: 'trades', consumer: { name: 'ticker' } }).subscribe(console.log);
 * ```
 */
export async function startLocalKinesis(options: LocalKinesisOptions = {}): Promise<LocalKinesis> {
  const settings = { ...LOCAL_KINESIS_DEFAULTS, ...definedOnly(options) };
  // @ts-expect-error kinesalite ships no types
  const { default: kinesalite } = (await import('kinesalite')) as {
    default: (options: Record<string, number>) => Server;
  };
  const backend = kinesalite({
    createStreamMs: settings.streamStateMs,
    deleteStreamMs: settings.streamStateMs,
    updateStreamMs: settings.streamStateMs,
    shardLimit: 100,
  });
  await listen(backend, 0, '127.0.0.1');
  const front = new KinesisFront(
    `http://127.0.0.1:${(backend.address() as AddressInfo).port}`,
    settings,
  );

  const handle = front.handle.bind(front);
  const http1 = createHttp1Server(handle);
  const http2 = createHttp2Server(handle);
  const sockets = new Set<Socket>();
  // One port for both: an HTTP/2 client opens with the connection preface ("PRI * HTTP/2.0").
  const tcp = createTcpServer((socket) => {
    sockets.add(socket);
    // Events are small writes: without this, Nagle and delayed ACKs hold some for ~40 ms.
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      if (chunk.toString('latin1', 0, 3) === 'PRI') {
        http2.emit('connection', replaying(socket, chunk));
        return;
      }
      socket.pause();
      socket.unshift(chunk);
      http1.emit('connection', socket);
      socket.resume();
    });
  });
  await listen(tcp, settings.port, settings.host);
  const { port } = tcp.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${settings.host}:${port}`,
    faults: {
      endSubscriptions: ({ error } = {}) =>
        front.endSubscriptions(
          () => true,
          error === undefined ? undefined : new KinesisApiError(error, 'Injected by the test'),
        ),
      deleteConsumer: (consumerArn) => {
        front.consumers.describe({ ConsumerARN: consumerArn });
        front.consumers.forget(consumerArn);
      },
      get openSubscriptions() {
        return front.subscriptions.size;
      },
    },
    close: () => {
      closing ??= (async () => {
        front.close();
        for (const socket of sockets) socket.destroy();
        await Promise.all([
          new Promise<void>((resolve) => tcp.close(() => resolve())),
          new Promise<void>((resolve) => backend.close(() => resolve())),
        ]);
      })();
      return closing;
    },
  };
}

/**
 * The socket as a stream that starts with the bytes already read from it: HTTP/2 reads a
 * `net.Socket` natively and would miss them, so it gets this JavaScript stream instead.
 */
function replaying(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => {
      socket.resume();
    },
    write: (chunk: Buffer, _encoding, callback) => {
      socket.write(chunk, callback);
    },
    final: (callback) => {
      socket.end(callback);
    },
    destroy: (error, callback) => {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  duplex.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('close', () => duplex.destroy());
  return duplex;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
