import { createServer } from 'node:net';

/**
 * A port free on `host` now: listened on with port 0 and released. The workers of one
 * `serveFanout({ workers, port: 0 })` then all ask for it: cluster shares one listening handle
 * per (host, port asked), so if they asked for 0 they would join the handle of any other pool
 * in this process that asked for 0 too. Should another process take the port in the moment
 * between, the workers fail with EADDRINUSE and `serveFanout` rejects with it. Internal.
 */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
