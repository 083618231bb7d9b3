import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { emulatorManagementClient } from '../../../../tests/helpers/apiGateway.js';
import { type ApiGatewayEmulator, startApiGatewayEmulator } from '../../src/local.js';
import {
  plainRequest,
  RawClient,
  recordUncaught,
  settlesWithin,
  upgradeRequest,
} from './raw.helpers.js';
import { eventually } from './ws.helpers.js';

const HANG_GUARD_MS = 10_000;

describe('startApiGatewayEmulator() hardening', () => {
  let emulator: ApiGatewayEmulator;
  let uncaught: ReturnType<typeof recordUncaught>;
  let connectsStarted = 0;
  const rawClients: RawClient[] = [];

  async function send(request: string): Promise<RawClient> {
    const client = await RawClient.connect(emulator.port);
    rawClients.push(client);
    client.write(request);
    return client;
  }

  /** A real ws client connects and receives a PostToConnection sent by the real SDK client. */
  async function deliversToNewClient(): Promise<string> {
    const socket = new WebSocket(emulator.url);
    const received = new Promise<string>((resolve) =>
      socket.once('message', (data) => resolve(String(data))),
    );
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const [id] = emulator.connectionIds();
    await emulatorManagementClient(emulator.managementEndpoint).send(
      new PostToConnectionCommand({ ConnectionId: id, Data: '{"type":"pong"}' }),
    );
    const text = await received;
    socket.close();
    return text;
  }

  beforeEach(async () => {
    uncaught = recordUncaught();
    connectsStarted = 0;
    emulator = await startApiGatewayEmulator({
      handlers: {
        connect: (event) => {
          connectsStarted++;
          // `?hang=1` models a slow $connect (a cold start, a slow authorizer).
          if (event.queryStringParameters?.hang) return new Promise(() => {});
          return { statusCode: 200 };
        },
        message: {},
      },
      onHandlerError: () => {},
    });
  });

  afterEach(async () => {
    for (const client of rawClients.splice(0)) client.destroy();
    await emulator.close();
    uncaught.dispose();
  });

  it('answers 400 BadRequestException to @connections requests with a malformed escape or an unparseable target, and keeps serving', async () => {
    const requests = [
      plainRequest('POST', '/%E0%A4%A/@connections/x'),
      plainRequest('GET', '/local/@connections/%E0%A4%A'),
      plainRequest('DELETE', '/%/@connections/x'),
      plainRequest('POST', '//'),
      plainRequest('GET', 'http://['),
    ];

    const clients = await Promise.all(requests.map((request) => send(request)));
    await Promise.all(clients.map((c) => c.waitFor(() => c.hasHead(), HANG_GUARD_MS)));

    expect(clients.map((c) => c.status())).toEqual(requests.map(() => 400));
    for (const client of clients) {
      expect(client.text()).toMatch(/\r\nx-amzn-errortype: BadRequestException\r\n/i);
    }
    expect(await deliversToNewClient()).toBe('{"type":"pong"}');
    expect(uncaught.errors).toEqual([]);
  });

  it('answers 400 to upgrades with an unparseable target or a malformed stage escape, 404 to other paths', async () => {
    const targets = ['//', 'http://[', '/%E0%A4%A', '/%E0%A4%A/', '/other', '/local/extra'];

    const clients = await Promise.all(targets.map((target) => send(upgradeRequest(target))));
    await Promise.all(clients.map((c) => c.waitFor(() => c.closed, HANG_GUARD_MS)));

    expect(clients.map((c) => c.status())).toEqual([400, 400, 400, 400, 404, 404]);
    expect(clients.every((c) => c.closedByServer)).toBe(true);
    expect(connectsStarted).toBe(0);
    expect(await deliversToNewClient()).toBe('{"type":"pong"}');
    expect(uncaught.errors).toEqual([]);
  });

  it('close() drops upgrades whose $connect is still running instead of waiting for them', async () => {
    const waiting = await send(upgradeRequest('/local?hang=1'));
    const halfClosed = await send(upgradeRequest('/local?hang=1'));
    halfClosed.end();
    await eventually(() => connectsStarted === 2, HANG_GUARD_MS, 'both $connect running');

    const closed = await settlesWithin(emulator.close(), HANG_GUARD_MS);
    await Promise.all([waiting, halfClosed].map((c) => c.waitFor(() => c.closed, HANG_GUARD_MS)));

    expect(closed).toBe(true);
    expect(waiting.closedByServer).toBe(true);
    expect(halfClosed.closedByServer).toBe(true);
    expect(uncaught.errors).toEqual([]);
  });
});
