import type { AddressInfo } from 'node:net';
// @ts-expect-error dynalite ships no types
import dynalite from 'dynalite';

interface Listening {
  listen(port: number, host: string, callback: () => void): void;
  close(callback: () => void): void;
  address(): AddressInfo | string | null;
  once(event: 'error', listener: (error: Error) => void): void;
}

/** An in-memory emulator on a random loopback port. */
export interface Emulator {
  endpoint: string;
  close(): Promise<void>;
}

async function listen(server: Listening): Promise<Emulator> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** dynalite, tables ACTIVE after 10 ms. */
export function startDynalite(): Promise<Emulator> {
  return listen(dynalite({ createTableMs: 10, deleteTableMs: 10, updateTableMs: 10 }));
}

/** A region and credentials any emulator accepts, for a bundle's own SDK clients. */
export const FAKE_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
} as const;

/**
 * Sets `values` in `process.env` and returns the function that puts back what was there
 * (deleting a variable that was unset), so a test file leaves the environment as it found it.
 */
export function setEnv(values: Record<string, string>): () => void {
  const saved = Object.keys(values).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
