import { encodeTradeEvents, type Trade, tradesChannel } from '@market-stream/core';
import { createEventsPublisher } from '@market-stream/fanout/lambda';
import { startAppSyncEventsEmulator } from '@market-stream/fanout/local';
import { bufferTime, filter, type Observable } from 'rxjs';

/** Trades gathered before each round of publishes, ms (the deployed processor publishes per Kinesis batch). */
const WINDOW_MS = 50;
/**
 * Windows of one symbol waiting for the one before them to be published; past it a window's
 * trades are dropped and counted (`dropped`), so a stalled emulator cannot grow memory.
 */
const MAX_WAITING_WINDOWS = 200;

/** What the page needs to subscribe, and the counts `/healthz` shows. */
export interface LocalEventsFanout {
  realtimeUrl: string;
  host: string;
  apiKey: string;
  stats(): {
    published: number;
    failed: number;
    dropped: number;
    deliveries: number;
    subscriptions: number;
  };
  close(): Promise<void>;
}

/**
 * The `events` topology on one machine: the local AppSync Events emulator, fed the way the
 * deployed events processor feeds AppSync Events — per window, per symbol, the trades in `seq`
 * order as `trades` events on the symbol's channel (`/trades/AAPL`), one symbol's publishes one
 * after the other so each channel stays in order, signed by the emulator's API key.
 *
 * @param trades$ - The processed trades (what the engine would fan out).
 * @param options - `host` to listen on; `onError` hears publishes that failed after retries.
 * @returns The endpoints and counts; `close()` stops publishing and the emulator.
 */
export async function startEventsFanout(
  trades$: Observable<Trade>,
  options: { host: string; onError: (error: unknown) => void },
): Promise<LocalEventsFanout> {
  const emulator = await startAppSyncEventsEmulator({ host: options.host });
  const publisher = createEventsPublisher({
    endpoint: emulator.httpEndpoint,
    apiKey: emulator.apiKey,
  });
  const chains = new Map<string, { tail: Promise<void>; waiting: number }>();
  let published = 0;
  let failed = 0;
  let dropped = 0;

  const publish = (symbol: string, trades: Trade[]) => {
    const chain = chains.get(symbol) ?? { tail: Promise.resolve(), waiting: 0 };
    chains.set(symbol, chain);
    if (chain.waiting >= MAX_WAITING_WINDOWS) {
      dropped += trades.length;
      return;
    }
    chain.waiting++;
    chain.tail = chain.tail
      .then(() => publisher.publish(tradesChannel(symbol), encodeTradeEvents(trades)))
      .then(
        () => {
          published += trades.length;
        },
        (error: unknown) => {
          failed += trades.length;
          options.onError(error);
        },
      )
      .finally(() => {
        chain.waiting--;
      });
  };

  const subscription = trades$
    .pipe(
      bufferTime(WINDOW_MS),
      filter((window) => window.length > 0),
    )
    .subscribe((window) => {
      const bySymbol = new Map<string, Trade[]>();
      for (const trade of window) {
        const list = bySymbol.get(trade.symbol) ?? [];
        list.push(trade);
        bySymbol.set(trade.symbol, list);
      }
      for (const [symbol, trades] of bySymbol) {
        publish(
          symbol,
          trades.sort((a, b) => a.seq - b.seq),
        );
      }
    });

  return {
    realtimeUrl: emulator.realtimeEndpoint,
    host: emulator.host,
    apiKey: emulator.apiKey,
    stats: () => {
      const { deliveries, subscriptions } = emulator.stats();
      return { published, failed, dropped, deliveries, subscriptions };
    },
    close: async () => {
      subscription.unsubscribe();
      await Promise.all([...chains.values()].map((chain) => chain.tail));
      await emulator.close();
    },
  };
}
