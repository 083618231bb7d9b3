import { connect, type Socket } from 'node:net';

/**
 * A raw TCP client for sending what no HTTP client library would (unparseable request targets,
 * half requests) and watching what the server does with the socket.
 */
export class RawClient {
  private readonly chunks: Buffer[] = [];
  private waiters: Array<() => void> = [];
  /** The server ended its side (FIN) or the socket closed without us destroying it. */
  closedByServer = false;
  /** The socket is closed, by either side. */
  closed = false;
  private destroyedByUs = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.wake();
    });
    socket.on('end', () => {
      this.closedByServer = true;
      // Answer the server's FIN as an ordinary client does, so the socket closes.
      this.socket.end();
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      if (!this.destroyedByUs) this.closedByServer = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects to `127.0.0.1:port`; `allowHalfOpen` so that `end()` is a true half-close. */
  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Uint8Array): void {
    if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.write(data);
  }

  /** Half-closes: sends FIN, keeps reading. */
  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Aborts with a TCP RST, as a crashed or impatient client does. */
  reset(): void {
    this.destroyedByUs = true;
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.destroyedByUs = true;
    this.socket.destroy();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }

  /** The status code of the response received so far, if its status line has arrived. */
  status(): number | undefined {
    const match = /^HTTP\/1\.1 (\d{3}) /.exec(this.text());
    return match ? Number(match[1]) : undefined;
  }

  /** Whether a whole response head has arrived. */
  hasHead(): boolean {
    return this.text().includes('\r\n\r\n');
  }

  /** Resolves `true` once `predicate` holds, `false` after `timeoutMs` (never rejects). */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate()) return;
        done(true);
      };
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve(value);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.push(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A well-formed WebSocket upgrade request for `target`, with extra or replaced `headers`. */
export function upgradeRequest(target: string, headers: Record<string, string> = {}): string {
  const all: Record<string, string> = {
    Host: '127.0.0.1',
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
  };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET ${target} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** An HTTP/1.1 request without a body, e.g. `request('POST', '/local/@connections/x')`. */
export function plainRequest(method: string, target: string): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n`;
}

/**
 * Records uncaught exceptions and unhandled rejections while installed: a server that lets a
 * request throw outside any handler shows up here (Vitest would otherwise only report it after
 * the test).
 */
export function recordUncaught(): { errors: unknown[]; dispose(): void } {
  const errors: unknown[] = [];
  const record = (error: unknown) => errors.push(error);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    errors,
    dispose: () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

/** Resolves `true` when `promise` settles within `ms`, `false` otherwise: a guard against hangs. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
