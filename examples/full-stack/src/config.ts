import { parseArgs } from 'node:util';

/** How the local ticker system runs; every field has a flag and an environment variable. */
export interface SystemConfig {
  /** HTTP port (`--port`, `PORT`). 0 picks a free one. */
  port: number;
  /** Interface to listen on (`--host`, `LISTEN_HOST`). */
  host: string;
  /** How many of the default tickers to simulate, or their names (`--tickers`, `TICKERS`). */
  tickers: number | string[];
  /** Trades per second per symbol (`--rate`, `TRADE_RATE`). */
  tradesPerSecond: number;
  /** Price model (`--model`, `PRICE_MODEL`). */
  model: 'momentum' | 'stochastic-volatility';
  /** Fan-out delivery mode (`--mode`, `FANOUT_MODE`). */
  mode: 'latest' | 'all';
  /**
   * How the page gets its trades (`--fanout`, `FANOUT_TOPOLOGY`): `engine`, the fan-out engine
   * at `/ws`; or `events`, a local AppSync Events emulator fed one channel per symbol, as the
   * deployed `events` topology is. @default 'engine'
   */
  fanout?: 'engine' | 'events';
  /** Skip the Kinesis and DynamoDB emulators (`--in-memory`, `IN_MEMORY=1`). */
  inMemory: boolean;
  /**
   * How the pipeline reads the stream (`--read`, `KINESIS_READ`): `push` through an enhanced
   * fan-out consumer (SubscribeToShard), or `poll` with GetRecords. @default 'push'
   */
  read?: 'push' | 'poll';
  /** Seed for reproducible prices (`--seed`, `SIM_SEED`). */
  seed: number | undefined;
  /**
   * Token `POST /api/ingest` requires as `Authorization: Bearer …` (`--ingest-token`,
   * `INGEST_TOKEN`). Unset on a loopback host: none needed; unset elsewhere: one is generated.
   */
  ingestToken: string | undefined;
  /** Bounds that tests and load experiments set; no flag. */
  tuning?: {
    /** Trades on their way to the history above which ingest answers 429. @default 20_000 */
    maxPipelineLag?: number;
    /** Each sink's `maxBufferedRecords`. @default the sinks' own (100_000) */
    sinkBufferRecords?: number;
  };
}

const HELP = `Usage: pnpm start [-- options]

Runs the whole ticker system on this machine: simulator → Kinesis (local, push) → processor →
DynamoDB history (dynalite) and the fan-out engine → WebSocket → the ticker page.

Options (environment variable in brackets):
  --port <n>        HTTP port, 0 for any free port         [PORT]     default 3000
  --host <addr>     interface to listen on                 [LISTEN_HOST] default 127.0.0.1
  --tickers <n|A,B> how many default tickers, or names     [TICKERS]  default 20
  --rate <n>        trades per second per symbol           [TRADE_RATE] default 5
  --model <name>    momentum | stochastic-volatility       [PRICE_MODEL] default momentum
  --mode <name>     latest | all (fan-out delivery)        [FANOUT_MODE] default latest
  --fanout <name>   engine | events (AppSync Events emulator) [FANOUT_TOPOLOGY] default engine
  --seed <n>        seed for reproducible prices           [SIM_SEED]
  --in-memory       no emulators: trades go straight to the fan-out [IN_MEMORY=1]
  --read <how>      push (enhanced fan-out) | poll (GetRecords) [KINESIS_READ] default push
  --ingest-token <t> bearer token POST /api/ingest requires [INGEST_TOKEN]
                    default: none on a loopback host, a generated one elsewhere
  -h, --help        this text
`;

/**
 * Reads flags first, then environment variables, then defaults.
 * Returns `undefined` after printing help.
 */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv): SystemConfig | undefined {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      tickers: { type: 'string' },
      rate: { type: 'string' },
      model: { type: 'string' },
      mode: { type: 'string' },
      fanout: { type: 'string' },
      seed: { type: 'string' },
      'in-memory': { type: 'boolean' },
      read: { type: 'string' },
      'ingest-token': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }

  const tickersText = values.tickers ?? env.TICKERS ?? '20';
  const tickers = /^\d+$/.test(tickersText)
    ? integer('tickers', tickersText, 1, 20)
    : tickersText
        .split(',')
        .map((symbol) => symbol.trim().toUpperCase())
        .filter(Boolean);
  const model = values.model ?? env.PRICE_MODEL ?? 'momentum';
  if (model !== 'momentum' && model !== 'stochastic-volatility') {
    throw new Error(`--model must be momentum or stochastic-volatility, not "${model}"`);
  }
  const mode = values.mode ?? env.FANOUT_MODE ?? 'latest';
  if (mode !== 'latest' && mode !== 'all')
    throw new Error(`--mode must be latest or all, not "${mode}"`);
  const fanout = values.fanout ?? env.FANOUT_TOPOLOGY ?? 'engine';
  if (fanout !== 'engine' && fanout !== 'events') {
    throw new Error(`--fanout must be engine or events, not "${fanout}"`);
  }
  const seedText = values.seed ?? env.SIM_SEED;
  const read = values.read ?? env.KINESIS_READ ?? 'push';
  if (read !== 'push' && read !== 'poll') {
    throw new Error(`--read must be push or poll, not "${read}"`);
  }

  return {
    port: integer('port', values.port ?? env.PORT ?? '3000', 0, 65_535),
    host: values.host ?? env.LISTEN_HOST ?? '127.0.0.1',
    tickers,
    tradesPerSecond: number('rate', values.rate ?? env.TRADE_RATE ?? '5', 0.01, 10_000),
    model,
    mode,
    fanout,
    inMemory: values['in-memory'] ?? ['1', 'true'].includes(env.IN_MEMORY ?? ''),
    read,
    seed: seedText === undefined ? undefined : integer('seed', seedText, 0, 2 ** 32 - 1),
    ingestToken: (values['ingest-token'] ?? env.INGEST_TOKEN) || undefined,
  };
}

function number(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`--${name} must be a number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = number(name, text, min, max);
  if (!Number.isInteger(value)) throw new Error(`--${name} must be an integer, not "${text}"`);
  return value;
}
