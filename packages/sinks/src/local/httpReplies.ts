import { randomUUID } from 'node:crypto';
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { KinesisApiError } from './kinesaliteCall.js';

/** A request to the local endpoint, over HTTP/1.1 or HTTP/2. */
export type FrontRequest = IncomingMessage | Http2ServerRequest;
/** Its response. */
export type FrontResponse = ServerResponse | Http2ServerResponse;

/** Answers 200 with a JSON body, as the Kinesis JSON protocol does. */
export function replyJson(res: FrontResponse, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(200, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(text.length),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

/** Answers with a Kinesis error (`__type` and `x-amzn-errortype`), or ends a started stream. */
export function replyError(res: FrontResponse, error: KinesisApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = Buffer.from(JSON.stringify({ __type: error.type, message: error.message }), 'utf8');
  res.writeHead(error.status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(text.length),
    'x-amzn-errortype': error.type,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

/**
 * Passes a request to kinesalite unchanged and its answer back; `onAnswered` hears its status.
 */
export function forwardRequest(
  kinesalite: string,
  req: FrontRequest,
  res: FrontResponse,
  body: Buffer,
  onAnswered: (status: number) => void,
): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':') || value === undefined || name === 'connection' || name === 'host') {
      continue;
    }
    headers[name] = value;
  }
  headers['content-length'] = String(body.length);
  const upstream = request(
    `${kinesalite}/`,
    { method: req.method ?? 'POST', headers },
    (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const text = Buffer.concat(chunks);
        const status = answer.statusCode ?? 500;
        res.writeHead(status, {
          'content-type': answer.headers['content-type'] ?? 'application/x-amz-json-1.1',
          'content-length': String(text.length),
          'x-amzn-requestid': String(answer.headers['x-amzn-requestid'] ?? randomUUID()),
        });
        res.end(text);
        onAnswered(status);
      });
    },
  );
  upstream.on('error', (error) =>
    replyError(res, new KinesisApiError('InternalFailure', error.message, 500)),
  );
  upstream.end(body);
}
