import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { serveFanout } from '../../src/transports/ws/serveFanout.js';
import { RawClient, recordUncaught, settlesWithin, upgradeRequest } from './raw.helpers.js';
import { eventually, TestClient } from './ws.helpers.js';

/** Targets Node's HTTP parser lets through and WHATWG URL cannot parse. */
const UNPARSEABLE_TARGETS = ['//', 'http://[', '//[', 'http://a:99999/ws', 'h://x:y', '//a:b@'];
const HANG_GUARD_MS = 10_000;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

const rawClients: RawClient[] = [];

async function send(port: number, request: string): Promise<RawClient> {
  const client = await RawClient.connect(port);
  rawClients.push(client);
  client.write(request);
  return client;
}

/** A real ws client subscribes and gets its `subscribed` reply. */
async function subscribes(url: string): Promise<boolean> {
  const client = await TestClient.open(`${url}?symbols=AAPL`);
  await client.waitFor(() => client.messages.some((m) => m.type === 'subscribed'));
  client.close();
  return true;
}

/** A shared server with a second `upgrade` listener: a `ws` server on `/echo` that ignores other paths. */
function withEchoListener(server: Server): { ignored: Duplex[]; wss: WebSocketServer } {
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
  const ignored: Duplex[] = [];
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (request.url === '/echo') {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws));
    } else {
      ignored.push(socket);
    }
  });
  return { ignored, wss };
}

describe('serveFanout() upgrade hardening', () => {
  let uncaught: ReturnType<typeof recordUncaught>;
  const cleanup: Array<() => unknown> = [];

  /** An HTTP server serving a page, with `serveFanout` sharing it on /ws; both closed after the test. */
  async function sharedServer({ closeFanout = true } = {}) {
    const shared = createServer((_, response) => response.end('page'));
    cleanup.push(() => new Promise((resolve) => shared.close(resolve)));
    const port = await listen(shared);
    const server = await serveFanout({ server: shared, path: '/ws' });
    if (closeFanout) cleanup.push(() => server.close());
    return { shared, port, server };
  }

  beforeEach(() => {
    uncaught = recordUncaught();
  });

  afterEach(async () => {
    for (const client of rawClients.splice(0)) client.destroy();
    for (const step of cleanup.splice(0).reverse()) await step();
    uncaught.dispose();
  });

  it('answers 400 to upgrade targets no URL parser accepts on its own server, and keeps serving', async () => {
    const server = await serveFanout();
    cleanup.push(() => server.close());

    const clients = await Promise.all(
      UNPARSEABLE_TARGETS.map((t) => send(server.port, upgradeRequest(t))),
    );
    await Promise.all(clients.map((c) => c.waitFor(() => c.closedByServer, HANG_GUARD_MS)));

    expect(clients.map((c) => c.status())).toEqual(UNPARSEABLE_TARGETS.map(() => 400));
    expect(clients.every((c) => c.closedByServer)).toBe(true);
    expect(await subscribes(server.url)).toBe(true);
    expect(uncaught.errors).toEqual([]);
  });

  it('answers 400 to the same targets on a shared server, whoever owns the path', async () => {
    const { port, server } = await sharedServer();

    const clients = await Promise.all(
      UNPARSEABLE_TARGETS.map((t) => send(port, upgradeRequest(t))),
    );
    await Promise.all(clients.map((c) => c.waitFor(() => c.closedByServer, HANG_GUARD_MS)));

    expect(clients.map((c) => c.status())).toEqual(UNPARSEABLE_TARGETS.map(() => 400));
    expect(await subscribes(server.url)).toBe(true);
    expect(uncaught.errors).toEqual([]);
  });

  it('answers 404 to upgrades for another path on a shared server it is the only upgrade listener of, and closes them', async () => {
    const { port, server } = await sharedServer();

    const clients = await Promise.all(
      Array.from({ length: 100 }, () => send(port, upgradeRequest('/other'))),
    );
    for (const client of clients.slice(0, 50)) client.end();
    await Promise.all(clients.map((c) => c.waitFor(() => c.closed, HANG_GUARD_MS)));

    expect(new Set(clients.map((c) => c.status()))).toEqual(new Set([404]));
    expect(clients.every((c) => c.closedByServer)).toBe(true);
    expect(await subscribes(server.url)).toBe(true);
    expect(uncaught.errors).toEqual([]);
  });

  it('survives clients that reset or half-close upgrades it leaves to another upgrade listener', async () => {
    const { shared, port, server } = await sharedServer();
    const echo = withEchoListener(shared);
    cleanup.push(() => echo.wss.close());

    const resets = await Promise.all(
      Array.from({ length: 20 }, () => send(port, upgradeRequest('/other'))),
    );
    const halfClosed = await Promise.all(
      Array.from({ length: 20 }, () => send(port, upgradeRequest('/other'))),
    );
    await eventually(
      () => echo.ignored.length === 40,
      HANG_GUARD_MS,
      'upgrades reached the listeners',
    );
    for (const client of resets) client.reset();
    for (const client of halfClosed) client.end();
    const resetSides = echo.ignored.filter((socket) =>
      resets.some((client) => client.socket.localPort === (socket as Socket).remotePort),
    );
    const resetSeen = await settlesWithin(
      Promise.all(
        resetSides.map((socket) => new Promise((resolve) => socket.once('close', resolve))),
      ),
      HANG_GUARD_MS,
    );

    expect(resetSeen).toBe(true);
    expect(uncaught.errors).toEqual([]);
    expect(await subscribes(server.url)).toBe(true);
    expect(await subscribes(`ws://127.0.0.1:${port}/ws`)).toBe(true);
  });

  it('close() destroys 100 upgrade sockets left unanswered to another listener, and not those it answered', async () => {
    const { shared, port, server } = await sharedServer({ closeFanout: false });
    const echo = withEchoListener(shared);
    cleanup.push(() => echo.wss.close());
    const echoClient = await TestClient.open(`ws://127.0.0.1:${port}/echo`);
    cleanup.push(() => echoClient.close());
    const clients = await Promise.all(
      Array.from({ length: 100 }, () => send(port, upgradeRequest('/other'))),
    );
    for (const client of clients.slice(0, 50)) client.end();
    await eventually(
      () => echo.ignored.length === 100,
      HANG_GUARD_MS,
      'upgrades reached the listeners',
    );

    const closed = await settlesWithin(server.close(), HANG_GUARD_MS);
    await Promise.all(clients.map((c) => c.waitFor(() => c.closed, HANG_GUARD_MS)));

    expect(closed).toBe(true);
    expect(clients.filter((c) => !c.closedByServer)).toHaveLength(0);
    expect(echoClient.closeCode).toBeUndefined();
    expect(uncaught.errors).toEqual([]);
  });

  it('answers 503 to an upgrade that arrives while close() waits for clients to close', async () => {
    const server = await serveFanout();
    const stalled = await TestClient.open(server.url);
    // A client that stops reading never answers the close handshake: close() waits for it.
    stalled.socket.pause();

    const closing = server.close();
    const late = await send(server.port, upgradeRequest('/ws'));
    await late.waitFor(() => late.closed, HANG_GUARD_MS);
    stalled.socket.resume();
    const closed = await settlesWithin(closing, HANG_GUARD_MS);

    expect(late.status()).toBe(503);
    expect(late.closedByServer).toBe(true);
    expect(closed).toBe(true);
    expect(uncaught.errors).toEqual([]);
  });

  it('close() destroys upgrades pending authenticate; one whose client reset meanwhile neither crashes nor connects', async () => {
    const pending: Array<{ request: IncomingMessage; resolve: (ok: boolean) => void }> = [];
    const server = await serveFanout({
      authenticate: (request) =>
        new Promise<boolean>((resolve) => pending.push({ request, resolve })),
    });
    const waiting = await send(server.port, upgradeRequest('/ws'));
    const impatient = await send(server.port, upgradeRequest('/ws'));
    await eventually(() => pending.length === 2, HANG_GUARD_MS, 'both upgrades pending');
    const impatientSide = pending.find(
      (p) => p.request.socket.remotePort === impatient.socket.localPort,
    )!;
    const serverSideClosed = new Promise<void>((resolve) =>
      impatientSide.request.socket.once('close', () => resolve()),
    );

    impatient.reset();
    await serverSideClosed;
    impatientSide.resolve(true);
    await new Promise((resolve) => setImmediate(resolve));
    const connectionsAfterReset = server.metrics.connections;
    const closed = await settlesWithin(server.close(), HANG_GUARD_MS);
    await waiting.waitFor(() => waiting.closed, HANG_GUARD_MS);

    expect(closed).toBe(true);
    expect(waiting.closedByServer).toBe(true);
    expect(connectionsAfterReset).toBe(0);
    expect(uncaught.errors).toEqual([]);
  });
});
