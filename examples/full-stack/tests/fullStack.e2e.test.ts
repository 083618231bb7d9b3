import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerMessage, Trade } from '@market-stream/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { launchChromium } from '../../../tests/helpers/chromium.js';
import { tradeFactory } from '../../../tests/helpers/factories.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const artifacts = join(root, 'test-artifacts');

/** The README's start command, exactly as a user would copy it. */
function readmeStartCommand(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = /<!-- start-command -->\s*```sh\n([\s\S]*?)\n```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no start command after <!-- start-command -->');
  return match[1].trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('examples/full-stack, started with the README command', () => {
  let system: ChildProcess;
  let output = '';
  let base: string;
  let browser: Browser;
  let exitCode: Promise<number | null>;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    system = spawn('bash', ['-c', readmeStartCommand()], {
      cwd: root,
      env: { ...process.env, PORT: String(port) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exitCode = new Promise((resolve) => system.once('exit', (code) => resolve(code)));
    system.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    system.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    // Installing takes a while on a fresh machine; the system itself is ready in seconds.
    await eventually(
      async () => {
        if (system.exitCode !== null) throw new Error(`the system exited with ${system.exitCode}`);
        return output.includes('ticker ready') ? true : undefined;
      },
      'the ready line',
      240_000,
    ).catch((error) => {
      throw new Error(`${error.message}\n--- output ---\n${output}`);
    });
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (system?.pid !== undefined && system.exitCode === null) process.kill(-system.pid, 'SIGINT');
    const code = await Promise.race([
      exitCode,
      new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000)),
    ]);
    if (code === 'timeout' && system.pid !== undefined) process.kill(-system.pid, 'SIGKILL');
    // Ctrl-C (SIGINT to the whole process group, as a terminal sends it) shuts down cleanly: the
    // system stops by itself, in time, and its own exit status is 0 (pnpm reports anything else).
    expect(code).not.toBe('timeout');
    expect(output).toContain('shutting down');
    expect(output).not.toMatch(/ELIFECYCLE|Unhandled|uncaught/i);
  }, 30_000);

  it('shows 20 tickers whose prices update', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(base);
    const cells = page.locator('ticker-grid .cell');
    await expect.poll(() => cells.count(), { timeout: 15_000 }).toBe(20);

    const prices = () => page.locator('ticker-grid .cell .price').allTextContents();
    await expect
      .poll(async () => (await prices()).every((text) => /\d/.test(text)), { timeout: 15_000 })
      .toBe(true);
    const first = await prices();
    await expect
      .poll(async () => (await prices()).filter((text, i) => text !== first[i]).length, {
        timeout: 15_000,
      })
      .toBeGreaterThanOrEqual(10);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'full-stack.png') });
    await page.close();
  });

  it('publishes an ingested trade to the page, to /ws and to /api/trades', async () => {
    const trade: Trade = tradeFactory({
      symbol: 'E2ETEST',
      price: 42.42,
      seq: 1,
      timestamp: Date.now(),
    });
    const page = await browser.newPage();
    await page.goto(`${base}/?symbols=E2ETEST`);
    await expect
      .poll(() => page.locator('ticker-grid .cell[data-symbol="E2ETEST"]').count())
      .toBe(1);

    const socket = new WebSocket(`${base.replace('http', 'ws')}/ws?symbols=E2ETEST`);
    const received = new Promise<Trade>((resolve) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as ServerMessage;
        const match =
          message.type === 'trades'
            ? message.trades.find((t) => t.symbol === 'E2ETEST')
            : undefined;
        if (match) resolve(match);
      });
    });
    await new Promise((resolve) => socket.once('message', resolve)); // `subscribed`

    const response = await fetch(`${base}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(trade),
    });
    expect(response.status).toBe(202);

    expect(await received).toEqual(trade);
    socket.close();
    await expect
      .poll(() => page.locator('ticker-grid .cell[data-symbol="E2ETEST"] .price').textContent(), {
        timeout: 10_000,
      })
      .toContain('42.42');
    const history = await eventually(async () => {
      const response = await fetch(`${base}/api/trades?symbol=E2ETEST&limit=5`);
      const trades = (await response.json()) as Trade[];
      return trades.length > 0 ? trades : undefined;
    }, 'the trade in /api/trades');
    expect(history).toEqual([trade]);
    await page.close();
  });

  it('recovers what an all-mode client missed while it was away', async () => {
    const url = `${base.replace('http', 'ws')}/ws?mode=all`;
    const symbols = ['AAPL', 'MSFT'];
    const last = new Map<string, number>();
    const first = new WebSocket(url);
    await new Promise((resolve) => first.once('open', resolve));
    first.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.type === 'snapshot' || message.type === 'trades') {
        for (const trade of message.trades) last.set(trade.symbol, trade.seq);
      }
    });
    first.send(JSON.stringify({ action: 'subscribe', symbols }));
    await eventually(
      async () => (last.size === symbols.length ? true : undefined),
      'a trade of each symbol',
    );
    first.terminate();
    const since = Object.fromEntries(last);
    // Away for 2 s: about 10 trades of each symbol at the default 5 per second.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const second = new WebSocket(url);
    const messages: ServerMessage[] = [];
    second.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
    await new Promise((resolve) => second.once('open', resolve));
    second.send(JSON.stringify({ action: 'subscribe', symbols, since }));
    // The answer, then a live trade of each symbol after it.
    await eventually(async () => {
      const answer = messages.findIndex((m) => m.type === 'recovery');
      if (answer < 0) return undefined;
      const after = messages
        .slice(answer + 1)
        .flatMap((m) => (m.type === 'trades' ? m.trades : []));
      return symbols.every((symbol) => after.some((t) => t.symbol === symbol)) ? true : undefined;
    }, 'the recovery answer and live trades after it');
    second.close();

    const answer = messages.find((m) => m.type === 'recovery');
    expect(answer).toMatchObject({ type: 'recovery', unrecovered: [] });
    const recovered = answer?.type === 'recovery' ? answer.recovered : {};
    for (const symbol of symbols) {
      expect(recovered[symbol]).toBeGreaterThan(0);
      const seqs = messages
        .flatMap((m) => (m.type === 'trades' ? m.trades : []))
        .filter((t) => t.symbol === symbol)
        .map((t) => t.seq);
      // Every seq after the one held, once, in order: nothing lost across the outage.
      expect(seqs).toEqual(seqs.map((_, i) => since[symbol]! + 1 + i));
    }
  });

  it('answers a bad trade with 400 and a reason per field, and ingests nothing', async () => {
    const response = await fetch(`${base}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        // Valid, also under the ingest door's rule that timestamps are within a minute of now.
        tradeFactory({ symbol: 'E2EBAD', seq: 1, timestamp: Date.now() }),
        { symbol: 'E2EBAD', price: -5 },
      ]),
    });

    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string };
      errors: { index: number; issues: { field: string }[] }[];
    };
    expect(body.error.code).toBe('INVALID_TRADES');
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]?.index).toBe(1);
    expect(body.errors[0]?.issues.map((issue) => issue.field)).toContain('price');
    const history = (await (await fetch(`${base}/api/trades?symbol=E2EBAD`)).json()) as Trade[];
    expect(history).toEqual([]);
  });

  it('serves /healthz, /metrics and /api/bars', async () => {
    const health = (await (await fetch(`${base}/healthz`)).json()) as Record<string, unknown>;
    expect(health.status).toBe('ok');
    expect(health.symbols).toBe(20);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^market_stream_fanout_trades_in_total \d+/m);

    const bars = await eventually(
      async () => {
        const response = await fetch(`${base}/api/bars?symbol=AAPL&interval=5s&limit=3`);
        const bars = (await response.json()) as { symbol: string; trades: number }[];
        return bars.length > 0 ? bars : undefined;
      },
      'a closed 5 s bar',
      30_000,
    );
    expect(bars[0]?.symbol).toBe('AAPL');
    expect(bars[0]?.trades).toBeGreaterThan(0);
    const badInterval = await fetch(`${base}/api/bars?symbol=AAPL&interval=7m`);
    expect(badInterval.status).toBe(400);
    expect(await badInterval.json()).toMatchObject({ error: { code: 'INVALID_INTERVAL' } });
  });
});
