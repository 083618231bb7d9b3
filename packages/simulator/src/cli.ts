#!/usr/bin/env node
/**
 * `market-stream-simulate`: simulated trades as NDJSON on stdout or in a file.
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
import { SIMULATE_DEFAULTS } from './defaults.js';
import { InvalidOptionsError } from './errors.js';
import { MODEL_NAMES } from './internal/resolveModel.js';
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
  -h, --help               show this help

Without --duration or --count it runs until interrupted (Ctrl-C) or its reader goes away.

Examples:
  ${NAME} --symbols AAPL,TSLA --rate 10 --seed 42 | head -5
  ${NAME} --model stochastic-volatility --fast --duration 6.5h --out session.ndjson
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

function parseOptions(
  argv: string[],
): { help: true } | { help: false; fast: boolean; out?: string; options: SimulateTradesOptions } {
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
  return { help: false, fast: values.fast, out: values.out, options };
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
  let lines: string[] = [];
  let finished = false;
  let failure: unknown;
  let trades: Observable<Trade>;
  try {
    trades = simulateTrades({ ...parsed.options, scheduler });
  } catch (error) {
    if (!(error instanceof InvalidOptionsError)) throw error;
    process.stderr.write(`${NAME}: ${error.message}\nTry '${NAME} --help'.\n`);
    return 2;
  }

  const out = parsed.out === undefined ? process.stdout : createWriteStream(parsed.out);
  let stopped: 'pipe' | 'signal' | undefined;
  out.on('error', (error: NodeJS.ErrnoException) => {
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
    next: (trade) => lines.push(JSON.stringify(trade)),
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
    if (lines.length > 0) {
      const ok = out.write(`${lines.join('\n')}\n`);
      lines = [];
      if (!ok) await drained(out);
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
  if (out !== process.stdout && stopped !== 'pipe') {
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  if (failure !== undefined) {
    process.stderr.write(`${NAME}: ${(failure as Error).message ?? String(failure)}\n`);
    return 1;
  }
  return stopped === 'signal' ? 130 : 0;
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
