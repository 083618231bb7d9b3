import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Trade, validateTrade } from '@market-stream/core';
import { afterAll, describe, expect, it } from 'vitest';

// The CLI from its TypeScript source, the way the built bin runs it (tsx stands in for the build).
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function run(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = start(args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

function parseTrades(ndjson: string): Trade[] {
  return ndjson
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const result = validateTrade(JSON.parse(line));
      if (!result.ok) throw new Error(`invalid trade line: ${line}`);
      return result.trade;
    });
}

describe('market-stream-simulate', () => {
  it('documents every flag in --help', async () => {
    const { code, stdout } = await run(['--help']);

    expect(code).toBe(0);
    for (const flag of [
      '--symbols',
      '--rate',
      '--seed',
      '--model',
      '--duration',
      '--count',
      '--fast',
      '--out',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it('prints valid NDJSON trades for the chosen symbols, reproducibly for a seed', async () => {
    const args = [
      '--symbols',
      'AAPL,TSLA',
      '--rate',
      '50',
      '--seed',
      '42',
      '--count',
      '20',
      '--fast',
    ];

    const [first, second] = await Promise.all([run(args), run(args)]);

    expect(first.code).toBe(0);
    const trades = parseTrades(first.stdout);
    expect(trades).toHaveLength(20);
    expect(new Set(trades.map((trade) => trade.symbol))).toEqual(new Set(['AAPL', 'TSLA']));
    const withoutTime = (list: Trade[]) => list.map(({ timestamp: _, ...rest }) => rest);
    expect(withoutTime(parseTrades(second.stdout))).toEqual(withoutTime(trades));
  });

  it('stops after --duration of simulated time, with the stochastic-volatility model', async () => {
    const { code, stdout } = await run([
      '--symbols',
      '3',
      '--rate',
      '10',
      '--duration',
      '2s',
      '--fast',
      '--model',
      'stochastic-volatility',
    ]);

    expect(code).toBe(0);
    const trades = parseTrades(stdout);
    expect(trades).toHaveLength(3 * 10 * 2);
    expect(trades.at(-1)!.timestamp - trades[0]!.timestamp).toBeLessThanOrEqual(2_000);
  });

  it('runs in real time by default, stamping trades with the wall clock', async () => {
    const before = Date.now();

    const { code, stdout } = await run(['--symbols', '1', '--rate', '100', '--count', '5']);

    expect(code).toBe(0);
    const trades = parseTrades(stdout);
    expect(trades).toHaveLength(5);
    expect(trades[0]!.timestamp).toBeGreaterThanOrEqual(before);
    expect(trades[4]!.timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('writes to --out', async () => {
    const out = join(dir, 'trades.ndjson');

    const { code, stdout } = await run(['--count', '100', '--fast', '--seed', '1', '--out', out]);

    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(parseTrades(readFileSync(out, 'utf8'))).toHaveLength(100);
  });

  it('exits quietly with 0 when its reader goes away (| head)', async () => {
    const child = start(['--fast']);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));

    await new Promise<void>((resolve) => {
      let seen = '';
      child.stdout!.on('data', (chunk) => {
        seen += chunk;
        if (seen.split('\n').length > 5) {
          child.stdout!.destroy();
          resolve();
        }
      });
    });

    expect(await closed).toBe(0);
    expect(stderr).toBe('');
  });

  it('rejects bad flags with exit code 2 and a hint', async () => {
    const results = await Promise.all([
      run(['--speed', '3']),
      run(['--model', 'garch']),
      run(['--rate', '-1']),
    ]);

    for (const result of results) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--help');
      expect(result.stdout).toBe('');
    }
  });
});
