import type { AddressInfo } from 'node:net';
import type { ServerMessage } from '@market-stream/core';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * A tiny `ws` server that records what clients send and lets a test push server messages —
 * for unit tests of the client only; integration tests use the real `serveFanout`.
 */
export interface ProtocolServer {
  url: string;
  /** Every text frame received, parsed, in order. */
  received: unknown[];
  /** The request URLs of every connection. */
  connectionUrls: string[];
  send(message: ServerMessage): void;
  /** Drops every open connection (the clients see an abnormal close). */
  dropAll(): void;
  /** Resolves once `count` connections have been made in total. */
  connections(count: number): Promise<void>;
  /** Resolves once `predicate` holds for the received messages. */
  waitFor(predicate: (received: unknown[]) => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startProtocolServer(port = 0): Promise<ProtocolServer> {
  const server = new WebSocketServer({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const address = server.address() as AddressInfo;
  const received: unknown[] = [];
  const connectionUrls: string[] = [];
  const sockets = new Set<WebSocket>();
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  server.on('connection', (socket, request) => {
    sockets.add(socket);
    connectionUrls.push(request.url ?? '');
    socket.on('message', (data) => {
      received.push(JSON.parse(String(data)));
      notify();
    });
    socket.on('close', () => sockets.delete(socket));
    notify();
  });
  const until = (check: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error('timed out waiting for the protocol server'));
      }, 5_000);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(deadline);
        waiters.delete(waiter);
        resolve();
      };
      waiters.add(waiter);
      waiter();
    });
  return {
    url: `ws://127.0.0.1:${address.port}/ws`,
    received,
    connectionUrls,
    send(message) {
      for (const socket of sockets) {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
      }
    },
    dropAll() {
      for (const socket of sockets) socket.terminate();
    },
    connections: (count) => until(() => connectionUrls.length >= count),
    waitFor: (predicate) => until(() => predicate(received)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        server.close(() => resolve());
      }),
  };
}
