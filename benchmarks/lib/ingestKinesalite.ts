import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** A kinesalite child process (see `ingestKinesaliteChild.ts`) on a loopback port. */
export interface KinesaliteProcess {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts kinesalite in a child process; resolves once it listens (bounded: 30 s). */
export function startKinesaliteProcess(): Promise<KinesaliteProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'ingestKinesaliteChild.ts')],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    child.stdin.end();
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('kinesalite child did not start within 30 s'));
    }, 30_000);
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (!text.includes('\n') || !line) return;
      clearTimeout(timer);
      const { port } = JSON.parse(line) as { port: number };
      resolve({ endpoint: `http://127.0.0.1:${port}`, close });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kinesalite child exited (${code})`));
    });
  });
}
