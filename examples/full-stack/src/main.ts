// `pnpm start`: the whole ticker system on this machine.
import { readConfig } from './config.js';
import { startTickerSystem } from './startTickerSystem.js';

const started = Date.now();
let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.argv.slice(2), process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
if (config === undefined) process.exit(0);

const system = await startTickerSystem(config);
console.log(
  `market-stream ticker ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${system.url}  (ws: ${system.wsUrl}, ${config.inMemory ? 'in memory' : 'kinesalite + dynalite'})`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('\nshutting down…');
    system.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
