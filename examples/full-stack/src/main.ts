// `pnpm start`: the whole ticker system on this machine.
import { readConfig } from './config.js';
import { startTickerSystem } from './startTickerSystem.js';

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
  `market-stream ticker ready in ${process.uptime().toFixed(1)} s: ${system.url}  (ws: ${system.wsUrl}, ${config.inMemory ? 'in memory' : `local Kinesis (${config.read ?? 'push'}) + dynalite`})`,
);
if (system.ingestToken !== undefined && config.ingestToken === undefined) {
  console.log(`POST /api/ingest needs: Authorization: Bearer ${system.ingestToken}`);
}

let stoppingSince: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Ctrl-C under `pnpm start` arrives twice at once (the terminal's and pnpm's forwarded copy);
    // only a second press, a moment later, forces an exit.
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince > 1_000) process.exit(130);
      return;
    }
    stoppingSince = Date.now();
    console.log('\nshutting down…');
    system.close().then(
      (counts) => {
        console.log(`stopped: ${JSON.stringify(counts)}`);
        process.exit(0);
      },
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
