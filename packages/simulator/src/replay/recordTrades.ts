import { createWriteStream } from 'node:fs';
import type { Trade } from '@market-stream/core';
import { type MonoTypeOperatorFunction, Observable, type Subscription } from 'rxjs';
import { REPLAY_DEFAULTS } from '../defaults.js';
import { TradeFileError } from '../errors.js';
import { checkPositive } from '../internal/checkOptions.js';

/**
 * Options of {@link recordTrades}.
 *
 * @example
 * ```ts
 * import type { RecordTradesOptions } from '@market-stream/simulator/node';
 *
 * const options: RecordTradesOptions = { append: true, maxBufferBytes: 64 << 20 };
 * ```
 */
export interface RecordTradesOptions {
  /**
   * Append to an existing file instead of replacing it.
   * @default false
   */
  append?: boolean;
  /**
   * Most NDJSON bytes held in memory while the file is not keeping up (the file stream's own
   * buffer included). Past it the stream fails with a `BUFFER_FULL` {@link TradeFileError}
   * rather than growing without bound or dropping trades. `Infinity` lifts the bound.
   * @default 8388608 (8 MiB)
   */
  maxBufferBytes?: number;
}

/**
 * Records a trade stream to an NDJSON file (one trade per line, the seven contract fields in
 * contract order), passing every trade through unchanged, so `replayTrades` can play it back.
 *
 * Writes are batched (a chunk per 64 KiB or per turn of the event loop) and respect the file
 * stream's backpressure: while the file has not drained, lines wait in memory, up to
 * `maxBufferBytes`. An Observable cannot be slowed down, so a source that outruns the disk by more
 * than that fails with a `BUFFER_FULL` error instead of exhausting memory; a synchronous source
 * larger than the bound (a `VirtualTimeScheduler` flushed in one go) should be driven in slices.
 *
 * The output completes only after the source completes and the file is flushed and closed, so the
 * file is complete when `complete` arrives. On a source error, what arrived is written, the file
 * closed, and the error passed on. Unsubscribing early also writes what arrived and closes the
 * file. A write failure fails the stream with a `WRITE_FAILED` {@link TradeFileError}.
 *
 * Node only (writes files): import it from `@market-stream/simulator/node`.
 *
 * @param path - The file to write.
 * @param options - See {@link RecordTradesOptions}.
 * @returns An operator that records and passes trades through.
 *
 * @example
 * ```ts
 * import { simulateTrades } from '@market-stream/simulator';
 * import { recordTrades } from '@market-stream/simulator/node';
 * import { take } from 'rxjs';
 *
 * simulateTrades({ seed: 1 })
 *   .pipe(take(1_000), recordTrades('session.ndjson'))
 *   .subscribe({ complete: () => console.log('recorded') });
 * ```
 */
export function recordTrades(
  path: string,
  options: RecordTradesOptions = {},
): MonoTypeOperatorFunction<Trade> {
  const maxBufferBytes = checkPositive(
    'maxBufferBytes',
    options.maxBufferBytes ?? REPLAY_DEFAULTS.maxBufferBytes,
  );
  const chunkBytes = REPLAY_DEFAULTS.chunkBytes;
  const flags = options.append ? 'a' : 'w';

  return (source) =>
    new Observable<Trade>((subscriber) => {
      const file = createWriteStream(path, { flags });
      let pending = '';
      let draining = false;
      let flushQueued: ReturnType<typeof setImmediate> | undefined;
      let ended = false;
      let finalError: unknown;
      let failed = false;
      let subscription: Subscription | undefined;

      const fail = (error: TradeFileError) => {
        if (failed) return;
        failed = true;
        subscription?.unsubscribe();
        if (flushQueued) clearImmediate(flushQueued);
        file.destroy();
        subscriber.error(error);
      };

      file.on('error', (error) => {
        fail(new TradeFileError('WRITE_FAILED', path, error.message, { cause: error }));
      });

      const flush = () => {
        flushQueued = undefined;
        if (draining || pending === '' || ended) return;
        const ok = file.write(pending);
        pending = '';
        if (!ok) {
          draining = true;
          file.once('drain', () => {
            draining = false;
            flush();
          });
        }
      };

      // Closes the file with whatever is pending; `then` runs once it is closed.
      const end = (then: () => void) => {
        if (ended) return;
        ended = true;
        if (flushQueued) clearImmediate(flushQueued);
        file.end(pending, (error?: Error | null) => {
          if (error)
            fail(new TradeFileError('WRITE_FAILED', path, error.message, { cause: error }));
          else then();
        });
        pending = '';
      };

      subscription = source.subscribe({
        next(trade) {
          if (failed) return;
          pending += `${JSON.stringify({
            symbol: trade.symbol,
            price: trade.price,
            size: trade.size,
            bid: trade.bid,
            ask: trade.ask,
            timestamp: trade.timestamp,
            seq: trade.seq,
          })}\n`;
          if (pending.length + file.writableLength > maxBufferBytes) {
            fail(
              new TradeFileError(
                'BUFFER_FULL',
                path,
                `more than ${maxBufferBytes} bytes waiting for the file; the source outruns the disk`,
              ),
            );
            return;
          }
          if (pending.length >= chunkBytes) flush();
          else flushQueued ??= setImmediate(flush);
          subscriber.next(trade);
        },
        error(error) {
          finalError = error;
          end(() => {
            if (!failed) subscriber.error(finalError);
          });
        },
        complete() {
          end(() => {
            if (!failed) subscriber.complete();
          });
        },
      });

      if (failed) subscription.unsubscribe();

      return () => {
        subscription?.unsubscribe();
        if (!failed) end(() => {});
      };
    });
}
