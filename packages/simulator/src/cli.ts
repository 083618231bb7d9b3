#!/usr/bin/env node
/**
 * `market-stream-simulate`: simulated trades as NDJSON on stdout or in a file, or posted to an
 * ingest endpoint (`--post`).
 *
 * The simulation runs on a VirtualTimeScheduler whose clock starts at the wall clock and is
 * advanced in slices: up to the wall clock (real time) or as fast as the output takes it
 * (`--fast`). Each slice is written in one go and the next waits for the output to drain, so a
 * slow reader slows the simulation down instead of growing memory.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_SYMBOLS, type Trade } from '@market-stream/core';
import { type Observable, VirtualTimeScheduler } from 'rxjs';
import { POST_DEFAULTS, SIMULATE_DEFAULTS } from './defaults.js';
import { InvalidOptionsError } from './errors.js';
import { MODEL_NAMES } from './internal/resolveModel.js';
import { type PostOptions, parsePostOptions } from './post/postOptions.js';
import { createPostOutput, type PostOutput } from './post/postOutput.js';
import { type SimulateTradesOptions, simulateTrades } from './simulateTrades.js';

const NAME = 'market-stream-simulate';
const SLICE_MS = 100;

const HELP = `Usage: ${NAME} [options]

Writes simulated stock trades as NDJSON, one JSON trade per line:
{"symbol":"AAPL","price":189.62,"size":1210,"bid":189.6,"ask":189.64,"timestamp":1700000000123,"seq":1}

Options:
  -s, --symbols <list|N>   comma-separated symbols, or N for the first N default tickers
                           (${DEFAULT_SYMBOLS.slice(0, 5).join(',')},…; default: all ${DEFAULT_SYMBOLS.length})
  -r, --rate <n>           trades per second per symbol (default: ${SIMULATE_DEFAULTS.tradesPerSecond})
      --seed <value>       random seed; the same seed gives the same trades (default: random)
  -m, --model <name>       ${MODEL_NAMES.join(' | ')} (default: ${SIMULATE_DEFAULTS.model})
  -d, --duration <time>    stop after this much simulated time: 500ms, 30s, 5m, 2h
                           (a bare number is seconds)
  -n, --count <n>          stop after this many trades in total
      --fast               do not wait for the clock: simulate as fast as the output is read
                           (timestamps start now and keep their spacing)
  -o, --out <file>         write to a file instead of stdout
      --post <url>         POST the trades to an ingest endpoint (the deployed IngestApi's
                           /ingest or the local /api/ingest) in JSON batches instead of printing
                           them; a summary goes to stderr; exit 1 unless every trade was accepted
      --batch <n>          trades per request with --post (default: ${POST_DEFAULTS.batchSize}, at most ${POST_DEFAULTS.maxBatchSize})
      --region <name>      region to sign for (default: AWS_REGION, or the execute-api URL's)
      --no-sign            never sign; by default requests are signed (SigV4, execute-api) when
                           AWS credentials are found, except to a loopback host without
                           credentials in the environment
      --token <value>      send Authorization: Bearer <value> instead of signing (the local
                           server's --ingest-token, or an IngestApi with a JWT authorizer)
  -h, --help               show this help

Without --duration or --count it runs until interrupted (Ctrl-C) or its reader goes away.

Examples:
  ${NAME} --symbols AAPL,TSLA --rate 10 --seed 42 | head -5
  ${NAME} --model stochastic-volatility --fast --duration 6.5h --out session.ndjson
  ${NAME} --symbols 10 --rate 20 --duration 5m --post https://abc123.execute-api.eu-west-1.amazonaws.com/ingest

With --post, requests go out in batches (a partial batch after ${POST_DEFAULTS.maxWaitMs} ms), at most
${POST_DEFAULTS.maxInFlight} in flight, each symbol's trades in order; 429, 5xx and network errors are retried
(${POST_DEFAULTS.maxAttempts} attempts, full-jitter backoff); while ${POST_DEFAULTS.maxQueuedBatches} batches wait, the simulation waits.
The endpoint refuses timestamps over a minute off its clock, so a --fast run covering more
than a minute of simulated time is mostly refused.
`;

class UsageError extends Error {}

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--duration: cannot read "${text}"; try 500ms, 30s, 5m or 2h`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1_000;
  return Number(match[1]) * unit;
}

function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag}: "${text}" is not a number`);
  return value;
}

function parseOptions(argv: string[]):
  | { help: true }
  | {
      help: false;
      fast: boolean;
      out?: string;
      post?: PostOptions;
      options: SimulateTradesOptions;
    } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      symbols: { type: 'string', short: 's' },
      rate: { type: 'string', short: 'r' },
      seed: { type: 'string' },
      model: { type: 'string', short: 'm' },
      duration: { type: 'string', short: 'd' },
      count: { type: 'string', short: 'n' },
      fast: { type: 'boolean', default: false },
      out: { type: 'string', short: 'o' },
      post: { type: 'string' },
      batch: { type: 'string' },
      region: { type: 'string' },
      'no-sign': { type: 'boolean' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const options: SimulateTradesOptions = {};
  if (values.symbols !== undefined) {
    options.symbols = /^\s*\d+\s*$/.test(values.symbols)
      ? Number(values.symbols)
      : values.symbols
          .split(',')
          .map((symbol) => symbol.trim())
          .filter(Boolean);
  }
  if (values.rate !== undefined) options.tradesPerSecond = parseNumber('--rate', values.rate);
  if (values.seed !== undefined) options.seed = values.seed;
  if (values.model !== undefined) {
    if (!(MODEL_NAMES as readonly string[]).includes(values.model)) {
      throw new UsageError(`--model: "${values.model}" is not one of ${MODEL_NAMES.join(', ')}`);
    }
    options.model = values.model as (typeof MODEL_NAMES)[number];
  }
  if (values.duration !== undefined) options.duration = parseDuration(values.duration);
  if (values.count !== undefined) options.count = parseNumber('--count', values.count);
  const post = parsePostOptions(values);
  return { help: false, fast: values.fast, out: values.out, post, options };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${NAME}: ${(error as Error).message}\nTry '${NAME} --help'.\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return 0;
  }

  const scheduler = new VirtualTimeScheduler();
  scheduler.frame = Date.now();
  scheduler.maxFrames = scheduler.frame;
  let pending: Trade[] = [];
  let finished = false;
  let failure: unknown;
  let trades: Observable<Trade>;
  let post: PostOutput | undefined;
  try {
    trades = simulateTrades({ ...parsed.options, scheduler });
    if (parsed.post) {
      post = await createPostOutput(parsed.post, (line) =>
        process.stderr.write(`${NAME}: ${line}\n`),
      );
    }
  } catch (error) {
    if (!(error instanceof InvalidOptionsError)) throw error;
    process.stderr.write(`${NAME}: ${error.message}\nTry '${NAME} --help'.\n`);
    return 2;
  }

  const out = post
    ? undefined
    : parsed.out === undefined
      ? process.stdout
      : createWriteStream(parsed.out);
  let stopped: 'pipe' | 'signal' | undefined;
  out?.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (`| head`): stop quietly, as Unix tools do.
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') stopped = 'pipe';
    else failure ??= error;
  });
  const onSignal = () => {
    stopped = 'signal';
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const subscription = trades.subscribe({
    next: (trade) => pending.push(trade),
    error: (error) => {
      failure = error;
      finished = true;
    },
    complete: () => {
      finished = true;
    },
  });

  let clock = scheduler.frame;
  while (!stopped && failure === undefined) {
    clock = parsed.fast ? clock + SLICE_MS : Math.min(Date.now(), clock + SLICE_MS);
    scheduler.maxFrames = clock;
    scheduler.flush();
    if (pending.length > 0) {
      const batch = pending;
      pending = [];
      if (post) await post.write(batch);
      else if (out && !out.write(`${batch.map((trade) => JSON.stringify(trade)).join('\n')}\n`)) {
        await drained(out);
      }
    }
    if (finished) break;
    if (!parsed.fast && clock >= Date.now()) {
      const due = scheduler.actions[0]?.delay ?? clock + 1;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(1, Math.min(SLICE_MS, due - Date.now()))),
      );
    }
  }
  subscription.unsubscribe();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (out && out !== process.stdout && stopped !== 'pipe') {
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  const posted = post ? await post.end() : 0;
  if (failure !== undefined) {
    process.stderr.write(`${NAME}: ${(failure as Error).message ?? String(failure)}\n`);
    return 1;
  }
  return stopped === 'signal' ? 130 : posted;
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('error', done);
    stream.once('close', done);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${NAME}: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
