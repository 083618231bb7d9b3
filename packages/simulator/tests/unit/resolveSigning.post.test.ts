import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionsError } from '../../src/errors.js';
import type { PostOptions } from '../../src/post/postOptions.js';
import { resolveSigning } from '../../src/post/resolveSigning.js';

const home = mkdtempSync(join(tmpdir(), 'sign-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const apiUrl = 'https://abc123.execute-api.eu-west-1.amazonaws.com/ingest';

function post(url: string, extra: Partial<PostOptions> = {}): PostOptions {
  return { url: new URL(url), batchSize: 100, noSign: false, ...extra };
}

// Only what a test sets counts: no ~/.aws files, no instance metadata, no AWS_* of the host.
beforeEach(() => {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('AWS_')) vi.stubEnv(name, undefined);
  }
  vi.stubEnv('HOME', home);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => vi.unstubAllEnvs());

function withCredentials(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDUNIT');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'unit-secret');
}

describe('resolveSigning()', () => {
  it('never signs with --no-sign, even with credentials', async () => {
    withCredentials();
    const notes: string[] = [];

    const sign = await resolveSigning(post(apiUrl, { noSign: true }), process.env, (n) =>
      notes.push(n),
    );

    expect(sign).toBeUndefined();
    expect(notes).toEqual([]);
  });

  it('posts to a loopback host unsigned when the environment has no credentials', async () => {
    const notes: string[] = [];

    const sign = await resolveSigning(post('http://localhost:3000/api/ingest'), process.env, (n) =>
      notes.push(n),
    );

    expect(sign).toBeUndefined();
    expect(notes).toEqual([]);
  });

  it('signs for execute-api in the region of the URL when credentials are in the environment', async () => {
    withCredentials();

    const sign = await resolveSigning(post(apiUrl), process.env, () => {});
    const headers = await sign!(new URL(apiUrl), '[]');

    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDUNIT\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(headers.host).toBeUndefined();
  });

  it('prefers --region to AWS_REGION and to the URL', async () => {
    withCredentials();
    vi.stubEnv('AWS_REGION', 'us-east-2');

    const sign = await resolveSigning(
      post(apiUrl, { region: 'ap-south-1' }),
      process.env,
      () => {},
    );

    expect((await sign!(new URL(apiUrl), '[]')).authorization).toContain(
      '/ap-south-1/execute-api/',
    );
  });

  it('refuses to sign without a region it can find', async () => {
    withCredentials();

    await expect(
      resolveSigning(post('https://ingest.example.com/ingest'), process.env, () => {}),
    ).rejects.toBeInstanceOf(InvalidOptionsError);
  });

  it('posts unsigned, with a note, when the provider chain finds no credentials', async () => {
    const notes: string[] = [];

    const sign = await resolveSigning(post(apiUrl), process.env, (n) => notes.push(n));

    expect(sign).toBeUndefined();
    expect(notes).toEqual([expect.stringContaining('no AWS credentials found')]);
  });
});
