import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trade } from '@market-stream/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type PostTarget, type PostTargetOptions, startPostTarget } from '../helpers/postTarget.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
// An empty home: no ~/.aws files, and no instance metadata, so only the env given counts.
const home = mkdtempSync(join(tmpdir(), 'cli-post-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const credentials = { AWS_ACCESS_KEY_ID: 'AKIDPOSTTEST', AWS_SECRET_ACCESS_KEY: 'post-secret' };

async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
  );
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...clean, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** 3 symbols × 100 trades, 2 s of simulated time (well within the endpoint's clock skew). */
const simulate = ['--symbols', '3', '--rate', '50', '--count', '300', '--fast', '--seed', '9'];

function perSymbol(trades: readonly Trade[]): Map<string, number[]> {
  const seqs = new Map<string, number[]>();
  for (const trade of trades)
    seqs.set(trade.symbol, [...(seqs.get(trade.symbol) ?? []), trade.seq]);
  return seqs;
}

function oneToN(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

let target: PostTarget | undefined;
async function start(options?: PostTargetOptions): Promise<PostTarget> {
  target = await startPostTarget(options);
  return target;
}
afterEach(async () => {
  await target?.close();
  target = undefined;
});

describe('market-stream-simulate --post', () => {
  it('posts every trade once, in order per symbol, in batches, and sums up on stderr', async () => {
    const { url, statuses, streamed } = await start();

    const { code, stdout, stderr } = await run([...simulate, '--batch', '20', '--post', url]);

    expect(stderr).toContain('300 accepted, 0 rejected, 0 failed');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const seqs = perSymbol(await streamed());
    expect(seqs.size).toBe(3);
    for (const list of seqs.values()) expect(list).toEqual(oneToN(100));
    expect(statuses.length).toBeGreaterThanOrEqual(15);
    expect(statuses.every((status) => status === 202)).toBe(true);
  });

  it('retries 429 and 500 answers until every trade is in, none twice', async () => {
    const { url, statuses, streamed } = await start({
      fault: (n) => (n % 3 === 1 ? '429-before' : n % 4 === 2 ? '500-before' : undefined),
    });

    const { code, stderr } = await run([...simulate, '--batch', '25', '--post', url]);

    expect(stderr).toContain('300 accepted, 0 rejected, 0 failed');
    expect(code).toBe(0);
    expect(statuses).toContain(429);
    expect(statuses).toContain(500);
    for (const list of perSymbol(await streamed()).values()) expect(list).toEqual(oneToN(100));
  });

  it('resends a batch whose 202 was lost: the stream holds it twice, symbol#seq once', async () => {
    const { url, streamed } = await start({ fault: (n) => (n === 2 ? '500-after' : undefined) });

    const { code, stderr } = await run([...simulate, '--batch', '25', '--post', url]);

    expect(code).toBe(0);
    expect(stderr).toContain('300 accepted');
    const trades = await streamed();
    // Request 2 was a batch of at most 25 trades, all written and then resent.
    expect(trades.length).toBeGreaterThan(300);
    expect(trades.length).toBeLessThanOrEqual(325);
    const firstSeen = trades.filter(
      (trade, i) =>
        trades.findIndex((other) => other.symbol === trade.symbol && other.seq === trade.seq) === i,
    );
    for (const list of perSymbol(firstSeen).values()) expect(list).toEqual(oneToN(100));
  });

  it('counts trades the endpoint refuses, with reasons, and exits 1', async () => {
    const { url, streamed } = await start();

    // A --fast hour of simulated time: all but the first minute is too far from the clock.
    const { code, stderr } = await run(
      ['--symbols', '1', '--rate', '0.05', '--count', '180', '--fast', '--post', url],
      {},
    );

    expect(code).toBe(1);
    expect(stderr).toMatch(/rejected \d+: INVALID_TRADES: timestamp/);
    const accepted = Number(/(\d+) accepted/.exec(stderr)?.[1]);
    expect(accepted).toBeLessThan(180);
    expect((await streamed()).length).toBe(accepted);
  });
});

describe('market-stream-simulate --post with SigV4', () => {
  const region = 'eu-west-1';
  const verify = {
    accessKeyId: credentials.AWS_ACCESS_KEY_ID,
    secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY,
    region,
  };

  it('signs with the credentials in the environment, and the endpoint accepts them', async () => {
    const { url, streamed } = await start({ verify });

    const { code, stderr } = await run([...simulate, '--post', url], {
      ...credentials,
      AWS_REGION: region,
    });

    expect(stderr).toContain('(SigV4)');
    expect(stderr).toContain('300 accepted, 0 rejected, 0 failed');
    expect(code).toBe(0);
    expect(await streamed()).toHaveLength(300);
  });

  it('is refused with a wrong secret, or unsigned (--no-sign), and says so', async () => {
    const { url, streamed } = await start({ verify });

    const [wrong, unsigned] = await Promise.all([
      run([...simulate, '--post', url, '--region', region], {
        ...credentials,
        AWS_SECRET_ACCESS_KEY: 'not-the-secret',
      }),
      run([...simulate, '--post', url, '--no-sign'], { ...credentials, AWS_REGION: region }),
    ]);

    for (const result of [wrong, unsigned]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('0 accepted, 300 rejected');
      expect(result.stderr).toContain('rejected 300: HTTP 403');
    }
    expect(unsigned.stderr).toContain('(unsigned)');
    expect(await streamed()).toHaveLength(0);
  });
});

describe('market-stream-simulate --post --token', () => {
  it('sends the token as a bearer token instead of signing, and is refused without it', async () => {
    const { url, streamed } = await start({ bearer: 'local-secret' });

    const [right, wrong] = await Promise.all([
      run([...simulate, '--post', url, '--token', 'local-secret'], credentials),
      run([...simulate, '--post', url, '--token', 'guess']),
    ]);

    expect(right.stderr).toContain('(bearer token)');
    expect(right.stderr).toContain('300 accepted, 0 rejected, 0 failed');
    expect(right.code).toBe(0);
    expect(wrong.stderr).toContain('rejected 300: UNAUTHORIZED');
    expect(wrong.code).toBe(1);
    expect(await streamed()).toHaveLength(300);
  });
});

describe('market-stream-simulate --post usage', () => {
  it('refuses a --post that is not a URL, --post with --out, and a bad --batch', async () => {
    const results = await Promise.all([
      run(['--post', 'not a url']),
      run(['--post', 'ftp://example.com/ingest']),
      run(['--post', 'http://127.0.0.1:9/ingest', '--out', join(home, 'x.ndjson')]),
      run(['--post', 'http://127.0.0.1:9/ingest', '--batch', '0']),
      run(['--batch', '10']),
      run(['--post', 'http://127.0.0.1:9/ingest', '--token', 't', '--no-sign']),
    ]);

    for (const result of results) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--help');
      expect(result.stdout).toBe('');
    }
  });

  it('documents --post, --batch, --region, --no-sign and --token in --help', async () => {
    const { code, stdout } = await run(['--help']);

    expect(code).toBe(0);
    for (const flag of ['--post', '--batch', '--region', '--no-sign', '--token']) {
      expect(stdout).toContain(flag);
    }
  });
});
