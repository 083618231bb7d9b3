import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorManagementClient } from '../../../../tests/helpers/apiGateway.js';
import { createApiGatewayTransport, MemoryConnectionStore } from '../../src/index.js';
import {
  createConnectHandler,
  createDisconnectHandler,
  createMessageHandler,
} from '../../src/lambda.js';
import { startApiGatewayEmulator } from '../../src/local.js';
import { serveFanout } from '../../src/transports/ws/serveFanout.js';
import {
  plainRequest,
  RawClient,
  recordUncaught,
  settlesWithin,
  upgradeRequest,
} from './raw.helpers.js';
import { TestClient } from './ws.helpers.js';

/** `FUZZ_SEED=… pnpm vitest run --project integration <this file>` replays a failing run. */
const SEED = Number(process.env.FUZZ_SEED ?? 182_024);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** How long one raw socket waits for an answer before the client gives up on it. */
const SOCKET_TIMEOUT_MS = 150;
const HANG_GUARD_MS = 10_000;

/** A server under test: where raw requests go, and how a proper client proves it still works. */
interface Target {
  port: number;
  /** Requests known to have crashed a server once: played first, then the random ones. */
  regressions: string[];
  /** Paths the server really serves, so the fuzz hits the accepting branches too. */
  paths: string[];
  /** A fresh proper ws client connects, subscribes and gets its `subscribed` reply. */
  subscribes(): Promise<boolean>;
  close(): Promise<void>;
}

/** One raw exchange: the bytes of a request, where to cut them, and what the client does then. */
interface Exchange {
  bytes: Buffer;
  cutAt: number;
  ending: 'send' | 'reset' | 'half-close' | 'send-half-close' | 'send-reset';
}

const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,16}$/);
/** Text with unicode, lone surrogates and control characters: Node's parser refuses most of it. */
const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary-ascii', maxLength }),
  );
/** Visible ASCII, what Node's parser lets through into a target or a header value. */
const visible = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
    maxLength,
  });
/** Mostly what the parser accepts (so the servers' own code runs), sometimes anything. */
const fuzzText = (maxLength: number) =>
  fc.oneof(
    { weight: 12, arbitrary: visible(maxLength) },
    { weight: 1, arbitrary: anyText(maxLength) },
  );
/** `arbitrary` most of the time, sometimes `alternative`, sometimes absent. */
const mostly = <T>(arbitrary: fc.Arbitrary<T>, alternative: fc.Arbitrary<T>) =>
  fc.option(fc.oneof({ weight: 10, arbitrary }, { weight: 1, arbitrary: alternative }), {
    freq: 16,
    nil: undefined,
  });
const percentEscape = fc.stringMatching(/^%[0-9A-Fa-fGZ]{0,2}$/);

function targetArbitrary(paths: string[]): fc.Arbitrary<string> {
  const segment = fc.oneof(
    fc.constantFrom(
      ...paths.flatMap((p) => p.split('/')).filter(Boolean),
      '..',
      '.',
      '@connections',
    ),
    percentEscape,
    fc.array(percentEscape, { minLength: 1, maxLength: 4 }).map((e) => e.join('')),
    fuzzText(8),
  );
  const path = fc.array(segment, { maxLength: 5 }).map((s) => `/${s.join('/')}`);
  // A path the server serves with one segment replaced, e.g. `/%E0%A4%A/@connections/x`.
  const mangled = fc
    .tuple(
      fc.constantFrom(...paths),
      fc.nat(),
      fc.oneof(
        fc
          .array(
            fc.oneof(percentEscape, fc.constantFrom('%E0', '%A4', '%A', '%C3', '%28', '%2F')),
            {
              minLength: 1,
              maxLength: 4,
            },
          )
          .map((e) => e.join('')),
        fuzzText(8),
      ),
    )
    .map(([served, index, replacement]) => {
      const parts = served.split('/');
      parts[1 + (index % (parts.length - 1))] = replacement;
      return parts.join('/');
    });
  const query = fc.option(
    fc.oneof(
      fc.constantFrom('symbols=AAPL', 'symbols=AAPL,TSLA&mode=all', 'mode=latest', 'token=x'),
      fc.array(percentEscape, { maxLength: 4 }).map((e) => `symbols=${e.join('')}`),
      fuzzText(20),
    ),
    { nil: undefined },
  );
  const base = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...paths) },
    { weight: 5, arbitrary: mangled },
    { weight: 3, arbitrary: path },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '//',
        'http://[',
        '//[',
        '//a:b@',
        '*',
        'http://a:99999/ws',
        'h://x:y',
        'http://127.0.0.1/ws',
        'ws://[::1]:1/local',
        '/%E0%A4%A/@connections/x',
        'http:',
        '\\\\',
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('http://', 'https://', 'ws://', 'h://', '//', ''),
          fuzzText(12),
          path,
        )
        .map(([scheme, host, rest]) => `${scheme}${host}${rest}`),
    },
    { weight: 2, arbitrary: fuzzText(40).map((text) => `/${text}`) },
    { weight: 1, arbitrary: fuzzText(40) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => `/${'a'.repeat(n)}`) },
  );
  return fc.tuple(base, query).map(([b, q]) => (q === undefined ? b : `${b}?${q}`));
}

/** Upgrade headers, each mostly right, sometimes wrong or missing; then optional others. */
const headersArbitrary = fc
  .tuple(
    fc.record({
      Host: mostly(fc.constant('127.0.0.1'), fuzzText(12)),
      Connection: mostly(
        fc.constant('Upgrade'),
        fc.oneof(fc.constantFrom('keep-alive, Upgrade', 'close'), fuzzText(10)),
      ),
      Upgrade: mostly(
        fc.constant('websocket'),
        fc.oneof(fc.constantFrom('WebSocket', 'h2c', ''), fuzzText(10)),
      ),
      'Sec-WebSocket-Key': mostly(
        fc
          .uint8Array({ minLength: 16, maxLength: 16 })
          .map((b) => Buffer.from(b).toString('base64')),
        fuzzText(30),
      ),
      'Sec-WebSocket-Version': mostly(fc.constant('13'), fuzzText(4)),
    }),
    fc.record(
      {
        Origin: fc.oneof(
          {
            weight: 3,
            arbitrary: fc.constantFrom('https://ticker.example', 'https://evil.example'),
          },
          { weight: 1, arbitrary: fuzzText(20) },
        ),
        'Sec-WebSocket-Protocol': fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('bearer, x', 'bearer', 'x') },
          { weight: 1, arbitrary: fuzzText(20) },
        ),
        Authorization: fuzzText(30).map((t) => `Bearer ${t}`),
      },
      { requiredKeys: [] },
    ),
    // Body framing, rarely: the parser refuses most combinations before any listener runs.
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.oneof(
          fc.nat({ max: 100 }).map((n) => ['Content-Length', String(n)]),
          fuzzText(4).map((t) => ['Content-Length', t]),
          fc
            .constantFrom('chunked', 'gzip', 'chunked, chunked')
            .map((t) => ['Transfer-Encoding', t]),
        ),
      },
    ),
    fc.array(fc.tuple(token, fuzzText(30)), { maxLength: 3 }),
  )
  .map(([upgrade, optional, framing, extra]) => [
    ...Object.entries(upgrade).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ...Object.entries(optional),
    ...(framing === undefined ? [] : [framing as [string, string]]),
    ...extra,
  ]);

function exchangeArbitrary(paths: string[]): fc.Arbitrary<Exchange> {
  return fc
    .record({
      method: fc.oneof(
        { weight: 6, arbitrary: fc.constant('GET') },
        {
          weight: 2,
          arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'PRI'),
        },
        { weight: 1, arbitrary: token },
      ),
      target: targetArbitrary(paths),
      version: fc.oneof(
        { weight: 8, arbitrary: fc.constant('HTTP/1.1') },
        { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9') },
      ),
      headers: headersArbitrary,
      // A third are plain requests (no `Upgrade`), for the HTTP entry points.
      plain: fc.oneof(
        { weight: 2, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
      body: fc.uint8Array({ maxLength: 64 }),
      encoding: fc.constantFrom('utf8' as const, 'latin1' as const),
      cutAt: fc.double({ min: 0, max: 1, noNaN: true }),
      ending: fc.constantFrom(
        'send' as const,
        'reset' as const,
        'half-close' as const,
        'send-half-close' as const,
        'send-reset' as const,
      ),
    })
    .map(({ method, target, version, headers, plain, body, encoding, cutAt, ending }) => {
      const lines = headers
        .filter(([name]) => !plain || name !== 'Upgrade')
        .map(([name, value]) => `${name}: ${value}\r\n`);
      const head = Buffer.from(`${method} ${target} ${version}\r\n${lines.join('')}\r\n`, encoding);
      return { bytes: Buffer.concat([head, body]), cutAt, ending };
    });
}

/** Plays one exchange over a raw socket; resolves once the client is done with it. */
async function play(port: number, exchange: Exchange): Promise<void> {
  const client = await RawClient.connect(port);
  const cut = Math.floor(exchange.cutAt * exchange.bytes.length);
  switch (exchange.ending) {
    case 'reset':
      client.write(exchange.bytes.subarray(0, cut));
      client.reset();
      return;
    case 'half-close':
      client.write(exchange.bytes.subarray(0, cut));
      client.end();
      await client.waitFor(() => client.closed, SOCKET_TIMEOUT_MS);
      client.destroy();
      return;
    default:
      client.write(exchange.bytes);
      if (exchange.ending === 'send-half-close') client.end();
      await client.waitFor(() => client.hasHead() || client.closed, SOCKET_TIMEOUT_MS);
      if (exchange.ending === 'send-reset') client.reset();
      else client.destroy();
  }
}

async function fuzz(target: Target): Promise<void> {
  const uncaught = recordUncaught();
  let failure: unknown;
  try {
    await fc.assert(
      fc.asyncProperty(exchangeArbitrary(target.paths), async (exchange) => {
        await play(target.port, exchange);
        // Let the server handle what the client's last move caused (a reset, a FIN).
        await new Promise((resolve) => setImmediate(resolve));
        if (uncaught.errors.length > 0) throw uncaught.errors[0];
      }),
      {
        seed: SEED,
        numRuns: RUNS,
        endOnFailure: true,
        examples: target.regressions.map((request): [Exchange] => [
          { bytes: Buffer.from(request, 'latin1'), cutAt: 1, ending: 'send-reset' },
        ]),
      },
    );
  } catch (error) {
    failure = error;
  }
  // Whatever happened, the server still serves a proper client, then closes without hanging.
  const stillServes = await target.subscribes().catch(() => false);
  const closed = await settlesWithin(target.close(), HANG_GUARD_MS);
  uncaught.dispose();

  if (failure !== undefined) {
    // A server error surfaces asynchronously: the counterexample is the run it surfaced in, which
    // may be a run or two after the request that caused it.
    throw new Error(`fuzz failed; replay with FUZZ_SEED=${SEED}\n${(failure as Error).message}`, {
      cause: failure,
    });
  }
  expect(stillServes).toBe(true);
  expect(closed).toBe(true);
  expect(uncaught.errors).toEqual([]);
}

async function subscribesOver(url: string): Promise<boolean> {
  const client = await TestClient.open(url);
  client.send({ action: 'subscribe', symbols: ['AAPL'] });
  await client.waitFor(() => client.messages.some((m) => m.type === 'subscribed'));
  client.close();
  return true;
}

describe('serveFanout() and startApiGatewayEmulator() under fuzzed request targets, headers and early resets', () => {
  const shared: Server[] = [];

  beforeAll(() => {
    if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer: ${SEED}`);
  });

  afterAll(async () => {
    for (const server of shared) await new Promise((resolve) => server.close(resolve));
  });

  it('serveFanout() on its own server (origin allow-list, authenticate) never crashes', async () => {
    const server = await serveFanout({
      allowedOrigins: (origin) => !origin.includes('evil'),
      authenticate: async (request) => request.headers['sec-websocket-protocol'] !== 'bearer',
    });

    await fuzz({
      port: server.port,
      paths: ['/ws'],
      regressions: [upgradeRequest('//'), upgradeRequest('http://[')],
      subscribes: () => subscribesOver(server.url),
      close: () => server.close(),
    });
  });

  it('serveFanout() on a shared server with an HTTP handler and a second serveFanout never crashes', async () => {
    const http = createServer((_, response) => response.end('page'));
    shared.push(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const server = await serveFanout({ server: http, path: '/ws' });
    const second = await serveFanout({ server: http, path: '/ws2', mode: 'all' });

    await fuzz({
      port,
      paths: ['/ws', '/ws2', '/'],
      regressions: [upgradeRequest('//'), upgradeRequest('/other')],
      subscribes: async () =>
        (await subscribesOver(server.url)) && (await subscribesOver(second.url)),
      close: async () => {
        await server.close();
        await second.close();
      },
    });
  });

  it('the local API Gateway emulator with the real Lambda handlers never crashes', async () => {
    const store = new MemoryConnectionStore({ shards: 2 });
    let endpoint = '';
    const message = createMessageHandler({
      store,
      shards: 2,
      transport: () =>
        createApiGatewayTransport({ client: emulatorManagementClient(endpoint), store }),
    });
    const emulator = await startApiGatewayEmulator({
      handlers: {
        connect: createConnectHandler({ store, shards: 2 }),
        disconnect: createDisconnectHandler({ store }),
        message: { subscribe: message, unsubscribe: message, ping: message, $default: message },
      },
      onHandlerError: () => {},
    });
    endpoint = emulator.managementEndpoint;

    await fuzz({
      port: emulator.port,
      paths: [
        '/local',
        '/local/@connections/abc%3D',
        '/local/%40connections/x',
        '/local/@connections/x',
      ],
      regressions: [plainRequest('POST', '/%E0%A4%A/@connections/x'), upgradeRequest('//')],
      subscribes: () => subscribesOver(emulator.url),
      close: () => emulator.close(),
    });
  });
});
