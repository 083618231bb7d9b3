import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pageDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'browser', 'page');

/** The test page, bundled for the browser and served on 127.0.0.1. */
export interface PageServer {
  /** Base URL of the page, e.g. `http://127.0.0.1:PORT/`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles a test page script (by default `tests/browser/page/page.ts`: client + elements + RxJS,
 * from the TypeScript sources) with esbuild for the browser and serves it as `page.js` with
 * `index.html` from a local node http server.
 *
 * @param entry - The page script's file name in `tests/browser/page`.
 */
export async function servePage(entry = 'page.ts'): Promise<PageServer> {
  const result = await build({
    entryPoints: [join(pageDir, entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    write: false,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text ?? '';
  const html = await readFile(join(pageDir, 'index.html'), 'utf8');
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(script);
    } else if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
