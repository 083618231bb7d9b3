import { request } from 'node:http';

/** A Kinesis API error as the JSON protocol carries it. */
export class KinesisApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Calls one Kinesis operation on kinesalite (HTTP/1.1 JSON) and returns its answer.
 *
 * @throws KinesisApiError with kinesalite's error type when it refuses.
 * @internal
 */
export function callKinesalite<T>(endpoint: string, operation: string, body: unknown): Promise<T> {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Kinesis_20131202.${operation}`,
          'content-length': payload.length,
          // kinesalite only checks that a signature is present.
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
          'x-amz-date': '20260101T000000Z',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
          if ((res.statusCode ?? 500) >= 300) {
            const type = String(json.__type ?? 'InternalFailure').replace(/^.*#/, '');
            reject(new KinesisApiError(type, String(json.message ?? text), res.statusCode));
          } else resolve(json as T);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
