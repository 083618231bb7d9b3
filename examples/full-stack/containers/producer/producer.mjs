// The producer service: simulated trades → Kinesis, with every batching, retry and ordering
// guarantee of toKinesis. Configured by TradeProducerService through the environment.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { simulateTrades } from '@market-stream/simulator';
import { toKinesis } from '@market-stream/sinks';
import { Subject, takeUntil } from 'rxjs';

const streamName = required('STREAM_NAME');
const tickers = (process.env.TICKERS ?? '').split(',').filter(Boolean);
const tradesPerSecond = Number(process.env.TRADES_PER_SECOND ?? 5);
const stop$ = new Subject();

let delivered = 0;
let failed = 0;
simulateTrades({
  symbols: tickers.length > 0 ? tickers : 20,
  tradesPerSecond,
  model: process.env.PRICE_MODEL ?? 'momentum',
})
  .pipe(
    takeUntil(stop$),
    toKinesis({
      client: new KinesisClient({}),
      streamName,
      // KPL aggregation: one PUT payload unit carries many trades; the processor deaggregates.
      aggregate: true,
      onFailure: (failure) => {
        failed += failure.records.length;
        console.error(
          JSON.stringify({
            level: 'error',
            msg: 'trades not delivered',
            count: failure.records.length,
            reason: failure.reason,
          }),
        );
      },
    }),
  )
  .subscribe({
    next: (report) => {
      delivered += report.records;
    },
    error: (error) => {
      console.error(JSON.stringify({ level: 'fatal', msg: String(error) }));
      process.exit(1);
    },
    complete: () => process.exit(0),
  });

setInterval(
  () => console.log(JSON.stringify({ level: 'info', delivered, failed })),
  60_000,
).unref();
// ECS stops a task with SIGTERM: complete the source so buffered trades are flushed first.
process.once('SIGTERM', () => stop$.next());

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
