import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The credentials the SDK's `SignatureV4` signer takes: static ones, or a provider it calls per
 * signature (which may cache and refresh them).
 *
 * @example
 * ```ts
 * import type { SigningCredentials } from '@market-stream/fanout/lambda';
 *
 * const credentials: SigningCredentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' };
 * ```
 */
export type SigningCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/**
 * Returns the authorization headers of one publish request (its URL and exact body).
 * @internal
 */
export type AuthorizePublish = (url: URL, body: string) => Promise<Record<string, string>>;

/**
 * API key authorization: the `x-api-key` header, as the local emulator and API-key Event APIs
 * take it.
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html
 * @internal
 */
export function apiKeyAuthorization(apiKey: string): AuthorizePublish {
  return async () => ({ 'x-api-key': apiKey });
}

/**
 * IAM authorization: the request signed with Signature Version 4 for the `appsync` service by
 * the SDK's signer. The signed headers are `host` and `content-type` (plus the `x-amz-*`
 * headers the signer adds: date, security token); `host` is the URL's host with its port, as
 * fetch sends it.
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html
 * @internal
 */
export function sigV4Authorization(options: {
  region: string;
  credentials: SigningCredentials;
}): AuthorizePublish {
  const signer = new SignatureV4({
    service: 'appsync',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  return async (url, body) => {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: { 'content-type': 'application/json', host: url.host },
      body,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      // fetch sets Host itself from the URL (the same value that was signed).
      if (name.toLowerCase() !== 'host') headers[name] = value;
    }
    return headers;
  };
}

/**
 * The default credential provider chain (environment, SSO, shared files, container and
 * instance roles: in Lambda, the function's role), loaded on first use so API-key publishers
 * never need `@aws-sdk/credential-provider-node`.
 * @internal
 */
export function defaultCredentials(): SigningCredentials {
  let provider: Promise<() => Promise<unknown>> | undefined;
  return async () => {
    provider ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) =>
      defaultProvider(),
    );
    return (await provider)() as never;
  };
}
