/**
 * kinesalite in a process of its own, so the ingest benchmark's `process.cpuUsage()` counts the
 * handler's process only (kinesalite spends ~0.4 ms of CPU per stored record). Prints
 * `{"port":…}` on stdout once listening; exits when its parent closes stdin.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// kinesalite is a dev dependency of the sinks package.
const requireFromSinks = createRequire(join(here, '../../packages/sinks/package.json'));
const kinesalite = requireFromSinks('kinesalite') as (options: object) => {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number };
};

const server = kinesalite({
  createStreamMs: 10,
  deleteStreamMs: 10,
  updateStreamMs: 10,
  shardLimit: 100,
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
