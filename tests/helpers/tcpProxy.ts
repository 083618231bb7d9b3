import { createServer, type Socket, connect as tcpConnect } from 'node:net';

/** A loopback TCP proxy whose connections a test can cut, and refuse for a while. */
export interface TcpProxy {
  /** `127.0.0.1:port` of the proxy. */
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /**
   * Destroys every open connection (both sides, no close frame: a network blip) and refuses
   * new ones for `refuseMs`, so the client's reconnect attempts fail until then.
   */
  cut(refuseMs: number): void;
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy on 127.0.0.1 (a free port) in front of `targetPort` on 127.0.0.1. While
 * refusing, an accepted connection is destroyed at once, as a dropped route would look to a
 * WebSocket client.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy(serverPort);
 * const client = createTickerClient({ url: `ws://127.0.0.1:${proxy.port}/ws`, WebSocket });
 * proxy.cut(2_000);
 * ```
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let refuseUntil = 0;
  let accepted = 0;
  const server = createServer((downstream) => {
    if (Date.now() < refuseUntil) {
      downstream.destroy();
      return;
    }
    accepted++;
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    open.add(downstream);
    open.add(upstream);
    const drop = () => {
      downstream.destroy();
      upstream.destroy();
      open.delete(downstream);
      open.delete(upstream);
    };
    downstream.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    get accepted() {
      return accepted;
    },
    cut(refuseMs) {
      refuseUntil = Date.now() + refuseMs;
      for (const socket of [...open]) socket.destroy();
      open.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        open.clear();
        server.close(() => resolve());
      }),
  };
}
