import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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

describe('the market-stream-simulate bin', () => {
  async function runBin(
    bin: string,
    args: string[],
    cwd: string,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout, stderr };
  }

  it('runs from node_modules/.bin as pnpm install links it, built or not', async () => {
    // Arrange
    const bin = join(root, 'node_modules', '.bin', 'market-stream-simulate');

    // Act
    const { code, stdout, stderr } = await runBin(
      bin,
      ['--count', '5', '--fast', '--seed', '7'],
      dir,
    );

    // Assert
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(parseTrades(stdout)).toHaveLength(5);
  });

  it('runs the TypeScript sources when the package has no dist/ build', async () => {
    // Arrange: the committed bin in a copy of the package without dist/ (inside the package,
    // so tsx and the workspace packages resolve as they do in a fresh clone).
    const packageDir = fileURLToPath(new URL('../../', import.meta.url));
    const copy = mkdtempSync(join(packageDir, '.bin-test-'));
    try {
      mkdirSync(join(copy, 'bin'));
      const bin = join(copy, 'bin', 'market-stream-simulate.js');
      copyFileSync(join(packageDir, 'bin', 'market-stream-simulate.js'), bin);
      symlinkSync(join(packageDir, 'src'), join(copy, 'src'));

      // Act
      const { code, stdout, stderr } = await runBin(
        process.execPath,
        [bin, '--symbols', 'AAPL,TSLA', '--count', '4', '--fast', '--seed', '7'],
        dir,
      );

      // Assert
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const symbols = new Set(parseTrades(stdout).map((trade) => trade.symbol));
      expect([...symbols].sort()).toEqual(['AAPL', 'TSLA']);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('runs dist/cli.js, with its arguments, when the package is built', async () => {
    // Arrange: the committed bin next to a stand-in build that echoes its arguments.
    const packageDir = fileURLToPath(new URL('../../', import.meta.url));
    const copy = mkdtempSync(join(packageDir, '.bin-test-'));
    try {
      mkdirSync(join(copy, 'bin'));
      mkdirSync(join(copy, 'dist'));
      const bin = join(copy, 'bin', 'market-stream-simulate.js');
      copyFileSync(join(packageDir, 'bin', 'market-stream-simulate.js'), bin);
      writeFileSync(
        join(copy, 'dist', 'cli.js'),
        'process.stdout.write(["built", ...process.argv.slice(2)].join(" "));\n',
      );

      // Act
      const { code, stdout } = await runBin(process.execPath, [bin, '--count', '1'], dir);

      // Assert
      expect(code).toBe(0);
      expect(stdout).toBe('built --count 1');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
