/**
 * Where a trade is seen on its way from the simulator to a WebSocket client, observed from the
 * outside of a running ticker system without changing what it does:
 *
 * - `put`: a `PutRecords` answer that accepted the trade (toKinesis' request resolved);
 * - `read`: a `GetRecords` answer or a `SubscribeToShard` event that carried it, at the moment the
 *   SDK hands it to `fromKinesis` (which deaggregates and emits in the same turn);
 * - `flush`: the fan-out engine writing a `trades` frame that holds it to a server socket;
 * - `receipt`: the benchmark's own `ws` client receiving that frame.
 *
 * The taps wrap `KinesisClient.prototype.send` (the class the example constructs its client
 * from) and `WebSocket.prototype.send` of `ws` (the one `@market-stream/fanout` uses). They
 * only copy a timestamp and a reference to what passes; decoding waits until {@link StageTaps.take}.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trade } from '@market-stream/core';
import { deaggregate } from '@market-stream/sinks';

/** The stages a trade passes after it is produced. */
export type Stage = 'put' | 'read' | 'flush' | 'receipt';

/** When each trade (`symbol#seq`) was first seen at each stage, ms since the Unix epoch. */
export type StageTimes = Record<Stage, Map<string, number>> & {
  /** Every trade the client received, by `symbol#seq`. */
  received: Map<string, Trade>;
};

interface KinesisRecordLike {
  Data?: Uint8Array;
  PartitionKey?: string;
}

interface Captured {
  put: Array<{ at: number; records: KinesisRecordLike[]; failed: boolean[] }>;
  read: Array<{ at: number; records: KinesisRecordLike[] }>;
  flush: Array<{ at: number; frame: Buffer }>;
  receipt: Array<{ at: number; frame: Buffer }>;
}

type Send = (this: unknown, ...args: unknown[]) => unknown;

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const fromExample = createRequire(join(root, 'examples/full-stack/package.json'));
const fromFanout = createRequire(join(root, 'packages/fanout/package.json'));

/**
 * Installs the taps once per process and collects what they see until {@link take}.
 *
 * @example
 * ```ts
 * const taps = new StageTaps();
 * taps.calibrate();
 * // … run the system, call taps.receipt(frame) from the client …
 * const times = taps.take();
 * ```
 */
export class StageTaps {
  private captured: Captured = emptyCapture();
  /** `Date.now()` minus `performance.now()`, measured at a tick of `Date.now()`. */
  private offset = Date.now() - performance.now();

  constructor() {
    this.tapKinesis();
    this.tapWebSocket();
  }

  /** Now, in epoch ms with sub-ms resolution, on the clock the simulator's timestamps use. */
  now(): number {
    return performance.now() + this.offset;
  }

  /**
   * Aligns {@link now} with `Date.now()` (which the simulator stamps trades with) to well under
   * a millisecond: waits for `Date.now()` to tick and reads the monotonic clock at that tick.
   */
  calibrate(): void {
    const start = Date.now();
    let tick = start;
    let at = performance.now();
    while (tick === start) {
      at = performance.now();
      tick = Date.now();
    }
    this.offset = tick - at;
  }

  /** Records a frame the benchmark's client received. */
  receipt(frame: Buffer): void {
    this.captured.receipt.push({ at: this.now(), frame });
  }

  /** Decodes what was captured since the last call into first-seen times per trade. */
  take(): StageTimes {
    const captured = this.captured;
    this.captured = emptyCapture();
    const times: StageTimes = {
      put: new Map(),
      read: new Map(),
      flush: new Map(),
      receipt: new Map(),
      received: new Map(),
    };
    const first = (stage: Stage, key: string, at: number) => {
      if (!times[stage].has(key)) times[stage].set(key, at);
    };
    for (const { at, records, failed } of captured.put) {
      records.forEach((record, i) => {
        if (!failed[i]) for (const trade of userTrades(record)) first('put', keyOf(trade), at);
      });
    }
    for (const { at, records } of captured.read) {
      for (const record of records)
        for (const trade of userTrades(record)) first('read', keyOf(trade), at);
    }
    for (const { at, frame } of captured.flush) {
      for (const trade of framedTrades(frame)) first('flush', keyOf(trade), at);
    }
    for (const { at, frame } of captured.receipt) {
      for (const trade of framedTrades(frame)) {
        first('receipt', keyOf(trade), at);
        if (!times.received.has(keyOf(trade))) times.received.set(keyOf(trade), trade);
      }
    }
    return times;
  }

  private tapKinesis(): void {
    const { KinesisClient } = fromExample('@aws-sdk/client-kinesis') as {
      KinesisClient: { prototype: { send: Send } };
    };
    const send = KinesisClient.prototype.send;
    const captured = () => this.captured;
    const now = () => this.now();
    KinesisClient.prototype.send = function (this: unknown, ...args: unknown[]) {
      const result = send.apply(this, args);
      const command = args[0] as { constructor: { name: string }; input: Record<string, unknown> };
      if (!(result instanceof Promise)) return result;
      switch (command.constructor.name) {
        case 'PutRecordsCommand':
          return result.then((output: { Records?: Array<{ ErrorCode?: string }> }) => {
            const records = (command.input.Records ?? []) as KinesisRecordLike[];
            const failed = records.map((_, i) => output.Records?.[i]?.ErrorCode !== undefined);
            captured().put.push({ at: now(), records, failed });
            return output;
          });
        case 'GetRecordsCommand':
          return result.then((output: { Records?: KinesisRecordLike[] }) => {
            if (output.Records?.length)
              captured().read.push({ at: now(), records: output.Records });
            return output;
          });
        case 'SubscribeToShardCommand':
          return result.then((output: { EventStream?: AsyncIterable<ShardEvent> }) => {
            if (output.EventStream !== undefined) {
              output.EventStream = tapEvents(output.EventStream, (records) =>
                captured().read.push({ at: now(), records }),
              );
            }
            return output;
          });
        default:
          return result;
      }
    };
  }

  private tapWebSocket(): void {
    const WebSocket = fromFanout('ws') as { prototype: { send: Send } };
    const send = WebSocket.prototype.send;
    const captured = () => this.captured;
    const now = () => this.now();
    // The engine sends Buffers (WsTransport encodes each payload once); the client sends text.
    WebSocket.prototype.send = function (this: unknown, ...args: unknown[]) {
      if (Buffer.isBuffer(args[0])) captured().flush.push({ at: now(), frame: args[0] });
      return send.apply(this, args);
    };
  }
}

interface ShardEvent {
  SubscribeToShardEvent?: { Records?: KinesisRecordLike[] };
}

async function* tapEvents(
  events: AsyncIterable<ShardEvent>,
  seen: (records: KinesisRecordLike[]) => void,
): AsyncGenerator<ShardEvent> {
  for await (const event of events) {
    const records = event.SubscribeToShardEvent?.Records;
    if (records?.length) seen(records);
    yield event;
  }
}

function emptyCapture(): Captured {
  return { put: [], read: [], flush: [], receipt: [] };
}

const decoder = new TextDecoder();

function userTrades(record: KinesisRecordLike): Trade[] {
  const users = deaggregate({
    partitionKey: record.PartitionKey ?? '',
    data: record.Data ?? new Uint8Array(),
  });
  return users.map((user) => JSON.parse(decoder.decode(user.data)) as Trade);
}

function framedTrades(frame: Buffer): Trade[] {
  const message = JSON.parse(frame.toString('utf8')) as { type?: string; trades?: Trade[] };
  return message.type === 'trades' ? (message.trades ?? []) : [];
}

/** The key trades are matched by across stages. */
export function keyOf(trade: Pick<Trade, 'symbol' | 'seq'>): string {
  return `${trade.symbol}#${trade.seq}`;
}
