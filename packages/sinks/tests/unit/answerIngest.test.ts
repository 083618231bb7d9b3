import type { Trade } from '@market-stream/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { answerIngest, type IngestDecision, type IngestRequest } from '../../src/lambda.js';

const NOW = 1_700_000_000_000;

function post(body: unknown, overrides: Partial<IngestRequest> = {}): IngestRequest {
  return {
    method: 'POST',
    contentType: 'application/json',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...overrides,
  };
}

function refused(decision: IngestDecision) {
  if (decision.ok) throw new Error(`expected a refusal, got ${decision.trades.length} trades`);
  return decision.answer;
}

function issuesOf(decision: IngestDecision) {
  const answer = refused(decision);
  expect(answer.status).toBe(400);
  expect(answer.body).toMatchObject({ error: { code: 'INVALID_TRADES' } });
  return (answer.body as { errors: { index: number; issues: { field: string }[] }[] }).errors;
}

describe('answerIngest()', () => {
  it('admits one trade or an array of them, keeping only the contract fields', () => {
    const trade = { ...tradeFactory({ timestamp: NOW }), extra: 'dropped' };
    const one = answerIngest(post(trade), {}, NOW);
    const many = answerIngest(
      post([tradeFactory({ timestamp: NOW }), tradeFactory({ timestamp: NOW, seq: 2 })]),
      {},
      NOW,
    );

    expect(one).toEqual({ ok: true, trades: [tradeFactory({ timestamp: NOW })] });
    expect(many.ok && many.trades.map((t: Trade) => t.seq)).toEqual([1, 2]);
  });

  it('reads a base64 body and a content type with parameters', () => {
    const body = Buffer.from(JSON.stringify(tradeFactory({ timestamp: NOW }))).toString('base64');

    const decision = answerIngest(
      post(body, { isBase64Encoded: true, contentType: 'Application/JSON; charset=utf-8' }),
      {},
      NOW,
    );

    expect(decision.ok).toBe(true);
  });

  it('answers 405 for a method other than POST', () => {
    expect(refused(answerIngest(post('{}', { method: 'GET' }), {}, NOW)).status).toBe(405);
  });

  it.each([undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/jsonx'])(
    'answers 415 for content type %s',
    (contentType) => {
      const answer = refused(answerIngest(post(tradeFactory(), { contentType }), {}, NOW));

      expect(answer).toEqual({
        status: 415,
        body: {
          error: {
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message: 'Content-Type must be application/json',
          },
        },
      });
    },
  );

  it.each([
    ['an empty body', ''],
    ['no body', undefined],
    ['not JSON', '{"symbol":'],
    ['NaN as a literal', '{"price": NaN}'],
  ])('answers 400 BAD_JSON for %s', (_name, body) => {
    const answer = refused(answerIngest({ ...post(''), body }, {}, NOW));

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'BAD_JSON' } });
  });

  it('answers 413 for a 10 MB body, plain or base64, without parsing it', () => {
    const body = `[${'1,'.repeat(5 * 1024 * 1024)}1]`;
    const base64 = Buffer.from(body).toString('base64');

    const plain = refused(answerIngest(post(body), {}, NOW));
    const encoded = refused(answerIngest(post(base64, { isBase64Encoded: true }), {}, NOW));

    for (const answer of [plain, encoded]) {
      expect(answer).toEqual({
        status: 413,
        body: { error: { code: 'BODY_TOO_LARGE', message: 'body exceeds 1048576 bytes' } },
      });
    }
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    const body = JSON.stringify({ note: 'é'.repeat(600) });

    expect(refused(answerIngest(post(body), { maxBodyBytes: 1000 }, NOW)).status).toBe(413);
  });

  it('answers 400 for an empty array and for 100,000 trades in one array', () => {
    const empty = refused(answerIngest(post([]), {}, NOW));
    const huge = refused(answerIngest(post(`[${'{},'.repeat(99_999)}{}]`), {}, NOW));

    expect(empty.body).toMatchObject({ error: { code: 'INVALID_TRADES' } });
    expect(huge).toEqual({
      status: 400,
      body: { error: { code: 'TOO_MANY_TRADES', message: 'at most 1000 trades per request' } },
    });
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a negative', -1],
    ['zero', 0],
    ['a sub-cent', 100.001],
    ['a string', '100'],
  ])('refuses %s price, naming the field', (_name, price) => {
    // JSON.stringify writes NaN and Infinity as null: what a JSON client can actually send.
    const trade = { ...tradeFactory({ timestamp: NOW }), price };

    const errors = issuesOf(answerIngest(post([trade]), {}, NOW));

    expect(errors).toEqual([{ index: 0, issues: [expect.objectContaining({ field: 'price' })] }]);
  });

  it.each(['aapl', '', 'TOO-LONG-SYMBOL', '1ABC', 'A B', '<script>'])(
    'refuses the symbol %j',
    (symbol) => {
      const errors = issuesOf(
        answerIngest(post(tradeFactory({ symbol, timestamp: NOW })), {}, NOW),
      );

      expect(errors[0]?.issues.map((issue) => issue.field)).toEqual(['symbol']);
    },
  );

  it('refuses a duplicate or falling seq of one symbol within a request, not across symbols', () => {
    const trades = [
      tradeFactory({ symbol: 'AAPL', seq: 5, timestamp: NOW }),
      tradeFactory({ symbol: 'MSFT', seq: 5, timestamp: NOW }),
      tradeFactory({ symbol: 'AAPL', seq: 5, timestamp: NOW }),
      tradeFactory({ symbol: 'AAPL', seq: 4, timestamp: NOW }),
      tradeFactory({ symbol: 'AAPL', seq: 6, timestamp: NOW }),
    ];

    const errors = issuesOf(answerIngest(post(trades), {}, NOW));

    expect(errors.map((error) => error.index)).toEqual([2, 3]);
    expect(errors.flatMap((error) => error.issues.map((issue) => issue.field))).toEqual([
      'seq',
      'seq',
    ]);
  });

  it('refuses timestamps far in the future or past, within the skew inclusive', () => {
    const trades = [
      tradeFactory({ timestamp: NOW + 365 * 24 * 3600 * 1000, seq: 1 }),
      tradeFactory({ timestamp: NOW - 60_001, seq: 2 }),
      tradeFactory({ timestamp: NOW + 60_000, seq: 3 }),
    ];

    const errors = issuesOf(answerIngest(post(trades), {}, NOW));

    expect(errors.map((error) => [error.index, error.issues[0]?.field])).toEqual([
      [0, 'timestamp'],
      [1, 'timestamp'],
    ]);
  });

  it('refuses a reserved symbol', () => {
    const errors = issuesOf(
      answerIngest(post(tradeFactory({ timestamp: NOW })), { reservedSymbols: ['AAPL'] }, NOW),
    );

    expect(errors).toEqual([
      {
        index: 0,
        issues: [{ field: 'symbol', reason: "AAPL is produced by this system's simulator" }],
      },
    ]);
  });

  it('is all or nothing: one bad trade among good ones returns no trade, and names every bad field', () => {
    const trades = [
      tradeFactory({ timestamp: NOW, seq: 1 }),
      { ...tradeFactory({ timestamp: NOW, seq: 2 }), size: 1.5, ask: 1 },
      'not a trade',
      tradeFactory({ timestamp: NOW, seq: 3 }),
    ];

    const decision = answerIngest(post(trades), {}, NOW);

    expect(decision.ok).toBe(false);
    expect(issuesOf(decision)).toEqual([
      {
        index: 1,
        issues: [
          { field: 'size', reason: 'must be a positive integer' },
          { field: 'ask', reason: 'must be greater than bid' },
        ],
      },
      { index: 2, issues: [{ field: 'trade', reason: 'must be a JSON object' }] },
    ]);
  });

  it('never throws, and either admits every item or names only bad ones (property)', () => {
    const field = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.constant(null),
      fc.constantFrom(100, 99.99, 100.01, NOW, 1, 2),
    );
    const item = fc.oneof(
      fc.record(
        {
          symbol: fc.oneof(fc.constantFrom('AAPL', 'MSFT', 'BRK.B'), fc.string()),
          price: field,
          size: field,
          bid: field,
          ask: field,
          timestamp: field,
          seq: field,
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    );
    const body = fc.oneof(
      fc.array(item, { maxLength: 20 }).map((items) => JSON.stringify(items)),
      item.map((value) => JSON.stringify(value) ?? ''),
      fc.string(),
    );

    fc.assert(
      fc.property(body, (text) => {
        const decision = answerIngest(post(text), {}, NOW);

        if (decision.ok) {
          const parsed: unknown = JSON.parse(text);
          const count = Array.isArray(parsed) ? parsed.length : 1;
          expect(decision.trades).toHaveLength(count);
        } else {
          expect([400, 413]).toContain(decision.answer.status);
          expect(JSON.parse(JSON.stringify(decision.answer.body))).toEqual(decision.answer.body);
        }
      }),
      { numRuns: 500 },
    );
  });
});
