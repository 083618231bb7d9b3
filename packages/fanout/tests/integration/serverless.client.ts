import type { ServerMessage, Trade } from '@market-stream/core';
import WebSocket from 'ws';

/** A real `ws` client that records every server message it receives. */
export class RecordingClient {
  readonly messages: ServerMessage[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as ServerMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Connects; resolves when open, rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, headers?: Record<string, string>): Promise<RecordingClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, headers ? { headers } : undefined);
      socket.once('open', () => resolve(new RecordingClient(socket)));
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
      socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits (at most `timeoutMs`) until a message matches, and returns it. */
  async waitFor<T extends ServerMessage>(
    match: (message: ServerMessage) => message is T,
    { after = 0, timeoutMs = 10_000 }: { after?: number; timeoutMs?: number } = {},
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(after).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Round-trips a ping: the emulator sends to one socket in order, so once the pong is here
   * everything sent before it has arrived too.
   */
  async flush(): Promise<void> {
    const after = this.messages.length;
    this.send({ action: 'ping' });
    await this.waitFor((m): m is ServerMessage => m.type === 'pong', { after });
  }

  /** Every trade received in `trades` messages, in arrival order. */
  trades(): Trade[] {
    return this.messages.flatMap((m) => (m.type === 'trades' ? m.trades : []));
  }

  /** How many `trades` messages arrived. */
  tradesMessages(): number {
    return this.messages.filter((m) => m.type === 'trades').length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

/** Type guard for `waitFor`. */
export const isType =
  <K extends ServerMessage['type']>(type: K) =>
  (message: ServerMessage): message is Extract<ServerMessage, { type: K }> =>
    message.type === type;
