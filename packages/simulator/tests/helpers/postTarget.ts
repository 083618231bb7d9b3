import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trade } from '@market-stream/core';
import { deaggregate } from '@market-stream/sinks';
import { createIngestHandler } from '@market-stream/sinks/lambda';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  createStream,
  kinesisClient,
  readStream,
  startKinesalite,
} from '../../../sinks/tests/helpers/emulators.js';

/** What the server does with the n-th request (1-based) instead of answering normally. */
export type Fault = '429-before' | '500-before' | '500-after' | undefined;

/** Options of {@link startPostTarget}. */
export interface PostTargetOptions {
  /** Fault for the n-th request. @default none */
  fault?: (n: number) => Fault;
  /** Credentials a request's SigV4 signature must match (403 otherwise). @default unchecked */
  verify?: { accessKeyId: string; secretAccessKey: string; region: string };
  /** Token a request must carry as `Authorization: Bearer` (401 otherwise). @default unchecked */
  bearer?: string;
}

/** A loopback HTTP API stand-in: the real ingest Lambda handler writing into kinesalite. */
export interface PostTarget {
  url: string;
  /** Every status answered, in order. */
  statuses: number[];
  /** Every trade in the stream, deaggregated, in shard then sequence order. */
  streamed(): Promise<Trade[]>;
  close(): Promise<void>;
}

/**
 * Starts kinesalite, a stream, and an HTTP server that turns each request into an HTTP API
 * (payload 2.0) event for `createIngestHandler`, the way API Gateway does.
 */
export async function startPostTarget(options: PostTargetOptions = {}): Promise<PostTarget> {
  const kinesis = await startKinesalite();
  const client = kinesisClient(kinesis.endpoint, 3);
  await createStream(client, 'trades', 2);
  const handler = createIngestHandler({ client, streamName: 'trades' });
  const statuses: number[] = [];
  let count = 0;
  const server = createServer(async (request, response) => {
    const n = ++count;
    const body = await readBody(request);
    const answer = async (): Promise<{ status: number; body: string }> => {
      if (options.verify && !(await signatureMatches(request, body, options.verify))) {
        return { status: 403, body: '{"message":"Forbidden"}' };
      }
      if (options.bearer && request.headers.authorization !== `Bearer ${options.bearer}`) {
        return { status: 401, body: '{"error":{"code":"UNAUTHORIZED","message":"no"}}' };
      }
      const fault = options.fault?.(n);
      if (fault === '429-before') return { status: 429, body: '{"message":"Too Many Requests"}' };
      if (fault === '500-before') return { status: 500, body: '{"message":"Internal"}' };
      const result = await handler({
        requestContext: { http: { method: request.method ?? 'GET' } },
        headers: request.headers as Record<string, string>,
        body,
        isBase64Encoded: false,
      });
      // The trades are written, but the caller never learns it: its retry resends them.
      if (fault === '500-after') return { status: 500, body: '{"message":"Internal"}' };
      return { status: result.statusCode, body: result.body };
    };
    const { status, body: text } = await answer();
    statuses.push(status);
    response.writeHead(status, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ingest`,
    statuses,
    streamed: async () =>
      (await readStream(client, 'trades')).flatMap((record) =>
        deaggregate(record).map((user) => JSON.parse(Buffer.from(user.data).toString()) as Trade),
      ),
    close: async () => {
      await close(server);
      client.destroy();
      await kinesis.close();
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Recomputes the request's SigV4 signature with the SDK's signer, over the headers it says it
 * signed, the body received and its `x-amz-date`, and compares the whole Authorization header.
 */
async function signatureMatches(
  request: IncomingMessage,
  body: string,
  expected: { accessKeyId: string; secretAccessKey: string; region: string },
): Promise<boolean> {
  const authorization = request.headers.authorization ?? '';
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const amzDate = request.headers['x-amz-date'];
  if (signedNames.length === 0 || typeof amzDate !== 'string') return false;
  const headers: Record<string, string> = {};
  // The signer adds these itself; the payload hash is recomputed from the body received.
  const added = new Set(['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']);
  for (const name of signedNames) {
    if (!added.has(name)) headers[name] = String(request.headers[name] ?? '');
  }
  const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: expected.region,
    credentials: { accessKeyId: expected.accessKeyId, secretAccessKey: expected.secretAccessKey },
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: request.method ?? 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    },
    { signingDate: parseAmzDate(amzDate) },
  );
  return signed.headers.authorization === authorization;
}

function parseAmzDate(text: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return new Date(0);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
