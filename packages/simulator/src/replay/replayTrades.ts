import { type Trade, type TradeIssue, validateTrade } from '@market-stream/core';
import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { REPLAY_DEFAULTS } from '../defaults.js';
import { InvalidLineError, InvalidOptionsError, TradeFileError } from '../errors.js';
import { checkPositive, checkPositiveInteger } from '../internal/checkOptions.js';
import { type FileLine, readLines } from '../internal/readLines.js';

/**
 * What {@link replayTrades} reads: the path of an NDJSON file (one trade per line), or any
 * iterable or async iterable whose items are NDJSON lines (strings) or trade objects.
 *
 * @example
 * ```ts
 * import type { ReplaySource } from '@market-stream/simulator/node';
 *
 * const fromFile: ReplaySource = 'recordings/monday.ndjson';
 * const fromMemory: ReplaySource = ['{"symbol":"AAPL","price":1,"size":1,"bid":0.99,"ask":1.01,"timestamp":0,"seq":1}'];
 * ```
 */
export type ReplaySource = string | Iterable<unknown> | AsyncIterable<unknown>;

/**
 * Options of {@link replayTrades}.
 *
 * @example
 * ```ts
 * import type { ReplayTradesOptions } from '@market-stream/simulator/node';
 *
 * const options: ReplayTradesOptions = { speed: 10, retime: true, onInvalid: (e) => console.warn(e.message) };
 * ```
 */
export interface ReplayTradesOptions {
  /**
   * Replay speed: 1 is real time, 10 ten times faster (recorded gaps shrink tenfold), `'max'` as
   * fast as the source can be read.
   * @default 1
   */
  speed?: number | 'max';
  /**
   * Called with each line (or item) that is not a valid trade; the line is skipped and the replay
   * goes on. A callback that throws fails the stream.
   * @default reports with console.warn
   */
  onInvalid?: (error: InvalidLineError) => void;
  /**
   * Rewrites each trade's `timestamp` to the replay clock (`scheduler.now()` at the moment it is
   * due), so a replayed session looks live; recorded spacing is kept (divided by `speed`).
   * @default false: timestamps as recorded (`REPLAY_DEFAULTS.retime`)
   */
  retime?: boolean;
  /**
   * Where the replay waits between trades.
   * @default asyncScheduler
   */
  scheduler?: SchedulerLike;
  /**
   * Longest accepted line of a file, in characters; a longer line is reported and skipped without
   * being held in memory.
   * @default 1048576
   */
  maxLineLength?: number;
}

/**
 * Replays recorded trades, keeping their recorded spacing: the first valid trade is emitted at
 * once, each later one when `(timestamp − first timestamp) / speed` has passed on the scheduler.
 * A trade recorded out of order is emitted without waiting.
 *
 * Never crashes on bad input: a line that is not JSON, not a valid trade (checked with core's
 * `validateTrade`), or too long is reported to `onInvalid` as an {@link InvalidLineError} with its
 * 1-based line number (item number for an iterable) and skipped; blank lines are ignored. Only a
 * source that cannot be read (a missing file) fails the stream, with a {@link TradeFileError}.
 *
 * The file is read as the replay goes, a line at a time, so memory stays flat for any file size.
 * Unsubscribing stops reading and closes the file.
 *
 * Node only (reads files): import it from `@market-stream/simulator/node`.
 *
 * @param source - An NDJSON file path, or an (async) iterable of lines or trades.
 * @param options - See {@link ReplayTradesOptions}.
 * @returns An Observable of the valid trades, completing at the end of the source.
 * @throws InvalidOptionsError synchronously, for a bad `speed` or `maxLineLength`.
 *
 * @example
 * ```ts
 * import { replayTrades } from '@market-stream/simulator/node';
 *
 * replayTrades('monday.ndjson', {
 *   speed: 60, // an hour a minute
 *   onInvalid: (error) => console.warn(`skipped line ${error.line}: ${error.message}`),
 * }).subscribe((trade) => console.log(trade.symbol, trade.price));
 * ```
 */
export function replayTrades(
  source: ReplaySource,
  options: ReplayTradesOptions = {},
): Observable<Trade> {
  const speed = options.speed ?? REPLAY_DEFAULTS.speed;
  if (speed !== 'max') checkPositive('speed', speed);
  if (typeof source !== 'string' && !isIterable(source)) {
    throw new InvalidOptionsError('source', 'must be a file path or an (async) iterable');
  }
  const maxLineLength = checkPositiveInteger(
    'maxLineLength',
    options.maxLineLength ?? REPLAY_DEFAULTS.maxLineLength,
  );
  const scheduler = options.scheduler ?? asyncScheduler;
  const onInvalid =
    options.onInvalid ??
    ((error: InvalidLineError) => console.warn(`replayTrades: ${error.message}`));
  const retime = options.retime ?? REPLAY_DEFAULTS.retime;
  const name = typeof source === 'string' ? source : '<iterable>';

  return new Observable<Trade>((subscriber) => {
    let closed = false;
    let timer: Subscription | undefined;
    let wake: (() => void) | undefined;

    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        wake = resolve;
        timer = scheduler.schedule(() => {
          timer = undefined;
          wake = undefined;
          resolve();
        }, ms);
      });

    const run = async () => {
      const fromFile = typeof source === 'string';
      const items: AsyncIterable<unknown> | Iterable<unknown> =
        typeof source === 'string' ? readLines(source, maxLineLength) : source;
      let number = 0;
      let firstTimestamp = Number.NaN;
      let startTime = 0;
      let lastTimestamp = Number.NEGATIVE_INFINITY;
      for await (const item of items) {
        if (closed) break;
        number++;
        const parsed = parse(item, fromFile, number, maxLineLength);
        if (parsed === undefined) continue;
        if (parsed instanceof InvalidLineError) {
          onInvalid(parsed);
          continue;
        }
        let trade = parsed;
        if (Number.isNaN(firstTimestamp)) {
          firstTimestamp = trade.timestamp;
          startTime = scheduler.now();
        }
        let due = scheduler.now();
        if (speed !== 'max') {
          due = startTime + (trade.timestamp - firstTimestamp) / speed;
          const wait = due - scheduler.now();
          if (wait > 0) await sleep(wait);
          if (closed) break;
        }
        if (retime) {
          lastTimestamp = Math.max(lastTimestamp, Math.floor(due));
          trade = { ...trade, timestamp: lastTimestamp };
        }
        subscriber.next(trade);
      }
      if (!closed) subscriber.complete();
    };

    run().catch((error: unknown) => {
      if (closed) return;
      subscriber.error(
        error instanceof InvalidLineError || !(error instanceof Error && 'code' in error)
          ? error
          : new TradeFileError('READ_FAILED', name, error.message, { cause: error }),
      );
    });

    return () => {
      closed = true;
      timer?.unsubscribe();
      wake?.();
    };
  });
}

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (Symbol.iterator in value || Symbol.asyncIterator in value)
  );
}

/** A trade, an InvalidLineError, or undefined for a blank line. */
function parse(
  item: unknown,
  fromFile: boolean,
  number: number,
  maxLineLength: number,
): Trade | InvalidLineError | undefined {
  let text: string;
  let line = number;
  if (fromFile) {
    const fileLine = item as FileLine;
    line = fileLine.line;
    if (fileLine.tooLong) {
      return new InvalidLineError(line, fileLine.text, [
        { field: 'line', reason: `longer than ${maxLineLength} characters` },
      ]);
    }
    text = fileLine.text;
  } else if (typeof item === 'string') {
    text = item;
  } else {
    const result = validateTrade(item);
    return result.ok ? result.trade : new InvalidLineError(line, '', result.issues);
  }
  if (text.trim() === '') return undefined;
  if (text.length > maxLineLength) {
    return new InvalidLineError(line, text, [
      { field: 'line', reason: `longer than ${maxLineLength} characters` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const issue: TradeIssue = {
      field: 'trade',
      reason: `not valid JSON (${(error as Error).message})`,
    };
    return new InvalidLineError(line, text, [issue]);
  }
  const result = validateTrade(value);
  return result.ok ? result.trade : new InvalidLineError(line, text, result.issues);
}
