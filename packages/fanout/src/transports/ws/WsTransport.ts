import WebSocket from 'ws';
import type { SendOutcome, Transport } from '../../types.js';

/**
 * The {@link Transport} over `ws` sockets that `serveFanout` uses: sends text frames, reports a
 * socket whose `bufferedAmount` is above `highWaterMark` as backpressured, and closes sockets.
 *
 * The engine sends one payload to many sockets in a row; the UTF-8 encoding of the last payload
 * is kept, so each distinct payload is encoded once, not once per socket.
 *
 * @example
 * ```ts
 * import { WsTransport, createFanout } from '@market-stream/fanout';
 *
 * const transport = new WsTransport({ highWaterMark: 1 << 20 });
 * const fanout = createFanout({ transport, source: trades$ });
 * wss.on('connection', (socket) => {
 *   const id = crypto.randomUUID();
 *   transport.add(id, socket);
 *   fanout.connect(id);
 * });
 * ```
 */
export class WsTransport implements Transport {
  private readonly sockets = new Map<string, WebSocket>();
  private lastPayload: string | undefined;
  private lastFrame: Buffer | undefined;

  /**
   * @param options - `highWaterMark`: buffered bytes above which a socket is backpressured.
   */
  constructor(private readonly options: { highWaterMark: number }) {}

  /** Sockets registered. */
  get size(): number {
    return this.sockets.size;
  }

  /**
   * Registers a socket under a connection id.
   *
   * @param id - The connection id the engine knows it by.
   * @param socket - The open socket.
   */
  add(id: string, socket: WebSocket): void {
    this.sockets.set(id, socket);
  }

  /**
   * Forgets a socket (after it closed).
   *
   * @param id - The connection id.
   */
  delete(id: string): void {
    this.sockets.delete(id);
  }

  /** Every registered socket. */
  all(): IterableIterator<WebSocket> {
    return this.sockets.values();
  }

  send(connectionId: string, payload: string): SendOutcome {
    const socket = this.sockets.get(connectionId);
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return 'gone';
    if (payload !== this.lastPayload) {
      this.lastPayload = payload;
      this.lastFrame = Buffer.from(payload, 'utf8');
    }
    try {
      socket.send(this.lastFrame!, { binary: false });
      return 'sent';
    } catch {
      return 'failed';
    }
  }

  isBackpressured(connectionId: string): boolean {
    const socket = this.sockets.get(connectionId);
    return socket !== undefined && socket.bufferedAmount > this.options.highWaterMark;
  }

  close(connectionId: string, code: number, reason: string): void {
    const socket = this.sockets.get(connectionId);
    if (socket === undefined) return;
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      socket.close(code, reason.slice(0, 120));
    }
  }
}
