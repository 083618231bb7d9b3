import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SignRequest } from './sendBatch.js';

/**
 * SigV4 for an API Gateway endpoint (service `execute-api`), with credentials from the SDK's
 * default provider chain (`defaultProvider`: environment, shared files, SSO, container, instance metadata).
 * This module is the only one that loads the AWS parts; the CLI imports it dynamically, and
 * only for `--post` with credentials, so plain runs never load them.
 *
 * @param region - The endpoint's region.
 * @returns A signer, or `undefined` when the chain finds no credentials.
 */
export async function createSigner(region: string): Promise<SignRequest | undefined> {
  const provider = defaultProvider();
  try {
    await provider();
  } catch {
    return undefined;
  }
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: provider,
    sha256: Sha256,
  });
  return async (url, body) => {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { 'content-type': 'application/json', host: url.host },
      body,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      // fetch sets Host itself from the URL: the same value that was signed.
      if (name.toLowerCase() !== 'host') headers[name] = value;
    }
    return headers;
  };
}
