import {
  APPSYNC_EVENTS_PROTOCOL,
  type AppSyncEventsServerMessage,
  authSubprotocol,
  parseTradeEvent,
  type Trade,
  tradesChannel,
} from '@market-stream/core';
import { KplAggregator } from '@market-stream/sinks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import {
  createEventsProcessor,
  createEventsPublisher,
  type EventsBatchReport,
  type KinesisEventLike,
} from '../../src/lambda.js';
import { type AppSyncEventsEmulator, startAppSyncEventsEmulator } from '../../src/local.js';
import { kinesisEventFactory } from '../unit/lambda.factories.js';

const WAIT_MS = 10_000;

/**
 * A subscriber speaking the AppSync Events realtime protocol over a real `ws` socket: the
 * `aws-appsync-event-ws` subprotocol plus the `header-…` one carrying the API key,
 * `connection_init`, then one `subscribe` per channel; keeps every trade of every `data` event.
 */
class Subscriber {
  readonly trades = new Map<string, Trade[]>();
  private readonly socket: WebSocket;
  private readonly waiters: Array<(message: AppSyncEventsServerMessage) => boolean> = [];
  private subscriptions = 0;

  private readonly authorization: Record<string, string>;

  constructor(emulator: AppSyncEventsEmulator) {
    this.authorization = { host: emulator.host, 'x-api-key': emulator.apiKey };
    this.socket = new WebSocket(emulator.realtimeEndpoint, [
      APPSYNC_EVENTS_PROTOCOL.subprotocol,
      authSubprotocol(this.authorization),
    ]);
    this.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as AppSyncEventsServerMessage;
      if (message.type === 'data') {
        const channel = this.channels.get(message.id) as string;
        const list = this.trades.get(channel) ?? [];
        list.push(...(parseTradeEvent(message.event) ?? []));
        this.trades.set(channel, list);
      }
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i]?.(message)) this.waiters.splice(i, 1);
      }
    });
  }

  private readonly channels = new Map<string, string>();

  async open(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('open', resolve);
      this.socket.once('error', reject);
    });
    const ack = this.next((m) => m.type === 'connection_ack' || m.type === 'connection_error');
    this.socket.send(JSON.stringify({ type: 'connection_init' }));
    expect((await ack).type).toBe('connection_ack');
  }

  async subscribe(channel: string): Promise<void> {
    const id = `sub-${++this.subscriptions}`;
    this.channels.set(id, channel);
    const answer = this.next(
      (m) => (m.type === 'subscribe_success' || m.type === 'subscribe_error') && m.id === id,
    );
    this.socket.send(
      JSON.stringify({ type: 'subscribe', id, channel, authorization: this.authorization }),
    );
    expect((await answer).type).toBe('subscribe_success');
  }

  /** Resolves once this subscriber holds `count` trades of `channel` (bounded). */
  async waitFor(channel: string, count: number): Promise<Trade[]> {
    const deadline = Date.now() + WAIT_MS;
    while ((this.trades.get(channel)?.length ?? 0) < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `${channel}: ${this.trades.get(channel)?.length ?? 0} of ${count} trades within ${WAIT_MS} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.trades.get(channel) ?? [];
  }

  close(): void {
    this.socket.close();
  }

  private next(
    match: (message: AppSyncEventsServerMessage) => boolean,
  ): Promise<AppSyncEventsServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within the wait')), WAIT_MS);
      this.waiters.push((message) => {
        if (!match(message)) return false;
        clearTimeout(timer);
        resolve(message);
        return true;
      });
    });
  }
}

/** A Kinesis event whose records are KPL aggregates of `perRecord` trades, as `toKinesis({ aggregate: true })` writes them. */
function aggregatedKinesisEvent(trades: readonly Trade[], perRecord: number): KinesisEventLike {
  const event = kinesisEventFactory([]);
  for (let i = 0; i < trades.length; i += perRecord) {
    const aggregator = new KplAggregator();
    for (const trade of trades.slice(i, i + perRecord)) {
      expect(
        aggregator.tryAdd({ partitionKey: trade.symbol, data: Buffer.from(JSON.stringify(trade)) }),
      ).toBe(true);
    }
    const built = aggregator.build();
    const [record] = kinesisEventFactory([trades[i] as Trade]).Records;
    if (!record || !built) throw new Error('no aggregate built');
    record.kinesis.data = Buffer.from(built.data).toString('base64');
    event.Records.push(record);
  }
  return event;
}

const seqs = (trades: readonly Trade[]) => trades.map((trade) => trade.seq);
const oneTo = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

describe('events topology: Kinesis batches published through the AppSync Events emulator', () => {
  let emulator: AppSyncEventsEmulator;
  const reports: EventsBatchReport[] = [];
  let processor: ReturnType<typeof createEventsProcessor>;
  const subscribers: Subscriber[] = [];

  beforeAll(async () => {
    emulator = await startAppSyncEventsEmulator();
    processor = createEventsProcessor({
      publisher: createEventsPublisher({
        endpoint: emulator.httpEndpoint,
        apiKey: emulator.apiKey,
      }),
      onReport: (report) => reports.push(report),
    });
  });

  afterAll(async () => {
    for (const subscriber of subscribers) subscriber.close();
    await emulator?.close();
  });

  async function subscriber(channels: readonly string[]): Promise<Subscriber> {
    const client = new Subscriber(emulator);
    subscribers.push(client);
    await client.open();
    for (const channel of channels) await client.subscribe(channel);
    return client;
  }

  it('every subscriber receives every trade of its channels, once, in seq order, across batches', async () => {
    // Arrange: 12 symbols, 30 subscribers with random subsets of 1…5 symbols.
    const symbols = [
      'AAPL',
      'MSFT',
      'TSLA',
      'NVDA',
      'AMZN',
      'META',
      'GOOG',
      'IBM',
      'ORCL',
      'BRK.B',
      'XOM',
      'JPM',
    ];
    const wanted = Array.from({ length: 30 }, (_, i) => {
      const count = 1 + (i % 5);
      return [...symbols].sort(() => Math.random() - 0.5).slice(0, count);
    });
    const clients = await Promise.all(wanted.map((list) => subscriber(list.map(tradesChannel))));
    const trades = tradeSequence(symbols, 60);

    // Act: 4 batches in stream order, plain JSON records and KPL aggregates alternating.
    const quarter = trades.length / 4;
    for (let b = 0; b < 4; b++) {
      const batch = trades.slice(b * quarter, (b + 1) * quarter);
      const event = b % 2 === 0 ? kinesisEventFactory(batch) : aggregatedKinesisEvent(batch, 10);
      expect(await processor(event)).toEqual({ batchItemFailures: [] });
    }

    // Assert
    for (const [i, client] of clients.entries()) {
      for (const symbol of wanted[i] as string[]) {
        const received = await client.waitFor(tradesChannel(symbol), 60);
        expect(seqs(received)).toEqual(oneTo(60));
      }
      for (const channel of client.trades.keys()) {
        expect((wanted[i] as string[]).map(tradesChannel)).toContain(channel);
      }
    }
  });

  it('splits a symbol batch over 240 KB into several events, never truncating', async () => {
    // Arrange: ~2,600 trades of one symbol in one batch, well over one 240 KB event.
    const client = await subscriber([tradesChannel('AMD')]);
    const trades = tradeSequence(['AMD'], 2_600);
    const bytes = Buffer.byteLength(JSON.stringify(trades));
    expect(bytes).toBeGreaterThan(APPSYNC_EVENTS_PROTOCOL.maxEventBytes);
    reports.length = 0;
    emulator.resetStats();

    // Act
    const response = await processor(aggregatedKinesisEvent(trades, 200));

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    expect(reports[0]?.published).toBeGreaterThan(1);
    expect(emulator.stats().eventsIn).toBe(reports[0]?.published);
    const received = await client.waitFor(tradesChannel('AMD'), trades.length);
    expect(received).toEqual(trades);
  });

  it('reports every record for a retry when the API refuses the publisher (wrong API key), delivering nothing', async () => {
    // Arrange
    const client = await subscriber([tradesChannel('NFLX')]);
    const refused: unknown[] = [];
    const wrongKey = createEventsProcessor({
      publisher: createEventsPublisher({ endpoint: emulator.httpEndpoint, apiKey: 'da2-wrong' }),
      onPublishError: (error) => refused.push(error),
    });
    const event = kinesisEventFactory(tradeSequence(['NFLX'], 3));

    // Act
    const response = await wrongKey(event);

    // Assert
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      event.Records.map((r) => r.kinesis.sequenceNumber),
    );
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ channel: tradesChannel('NFLX'), attempts: 1 });
    expect((refused[0] as { status?: number }).status).toBeGreaterThanOrEqual(400);
    // The same batch through the right key then arrives whole.
    expect(await processor(event)).toEqual({ batchItemFailures: [] });
    expect(seqs(await client.waitFor(tradesChannel('NFLX'), 3))).toEqual([1, 2, 3]);
    expect(client.trades.get(tradesChannel('NFLX'))).toHaveLength(3);
  });
});
