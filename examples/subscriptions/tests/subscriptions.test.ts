import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('examples/subscriptions', () => {
  it('`pnpm start` delivers the published AAPL trade to the AAPL subscriber, and nothing else', async () => {
    // Arrange: the exact command of the package's start script.
    const script = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: { start: string };
      }
    ).scripts.start;
    const [, ...args] = script.split(' ');

    // Act
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env } });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
        });
        child.stderr.resume();
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`example did not finish in 90 s; output so far:\n${out}`));
        }, 90_000);
        child.on('error', reject);
        child.on('close', (exitCode) => {
          clearTimeout(timer);
          resolve({ code: exitCode, stdout: out });
        });
      },
    );

    // Assert
    expect(code).toBe(0);
    expect(stdout).toContain('subscribed: {"type":"subscribed","symbols":["AAPL"]}');
    expect(stdout).toContain('received AAPL 187.42 x 100 (seq 1)');
    expect(stdout).not.toContain('received TSLA');
  });
});
