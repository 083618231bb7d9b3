import { Observable, type OperatorFunction, takeWhile } from 'rxjs';
import type { DeliveryReport, SinkOptions } from '../types.js';
import { DeliveryEngine } from './DeliveryEngine.js';
import { resolveOptions } from './resolveOptions.js';
import type { Transport } from './transport.js';

/**
 * The delivery engine every sink runs on: a bounded buffer, batches filled to the service's
 * count and byte limits or sent after `lingerMs`, at most `concurrency` requests in flight,
 * retries of exactly the entries that failed (exponential backoff, full jitter) up to
 * `maxAttempts` or `recordTtlMs`, per-key order, a report per request, a flush on completion
 * and a report of what was left on early unsubscribe.
 *
 * Once the engine stops early (an overflow, a fatal error), the source is unsubscribed at its
 * next record (which goes to `onUnsent` with the rest), so a synchronous source cannot go on
 * emitting into a sink that no longer holds anything.
 *
 * Per-key order works by lanes: each key has a FIFO lane, and with `ordering: 'per-key'` a
 * lane with an entry in flight or waiting for a retry sends nothing else, so a later record
 * can never overtake an earlier one of its key, whatever fails.
 *
 * @internal
 */
export function deliver<R, P>(
  transport: Transport<R, P>,
  options: SinkOptions<R>,
): OperatorFunction<R, DeliveryReport> {
  const resolved = resolveOptions(options);
  return (source) =>
    new Observable<DeliveryReport>((subscriber) => {
      const engine = new DeliveryEngine(transport, resolved, subscriber);
      // `inclusive`: the record that finds the engine stopped still reaches it, for `onUnsent`.
      const subscription = source.pipe(takeWhile(() => !engine.stopped, true)).subscribe({
        next: (record) => engine.add(record),
        error: (error: unknown) => engine.end(true, error),
        complete: () => engine.end(false, undefined),
      });
      return () => {
        subscription.unsubscribe();
        engine.abandon();
      };
    });
}
