import { connect } from 'node:net';

/**
 * Sends raw bytes to a loopback server and collects what comes back until the server closes,
 * `timeoutMs` passes, or — with `resetAfterMs` — the client resets the connection itself.
 */
export function rawExchange(
  port: number,
  request: string | Buffer,
  { timeoutMs = 2_000, resetAfterMs }: { timeoutMs?: number; resetAfterMs?: number } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(request);
      if (resetAfterMs !== undefined) {
        setTimeout(() => {
          socket.resetAndDestroy();
          finish();
        }, resetAfterMs);
      }
    });
  });
}

/** The status code of a raw HTTP answer, or undefined when there was none. */
export function statusOf(answer: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return match ? Number(match[1]) : undefined;
}
