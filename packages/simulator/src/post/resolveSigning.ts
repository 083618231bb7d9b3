import { InvalidOptionsError } from '../errors.js';
import type { PostOptions } from './postOptions.js';
import type { SignRequest } from './sendBatch.js';

/**
 * Decides whether `--post` signs its requests, loading the AWS parts only when it may:
 * - `--no-sign`: never.
 * - Credentials in the environment (`AWS_ACCESS_KEY_ID`): always.
 * - Otherwise a loopback host (the local `/api/ingest`) is not signed, and any other host is
 *   signed when the SDK's default provider chain finds credentials (profile, SSO, container,
 *   instance role), and not signed otherwise (a note on stderr says so).
 *
 * The region is `--region`, else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the one in an
 * `execute-api` host name (`abc123.execute-api.eu-west-1.amazonaws.com`).
 *
 * @param options - The checked `--post` flags.
 * @param env - The environment.
 * @param note - Where a note for the user goes.
 * @returns A signer, or `undefined` for unsigned requests.
 * @throws InvalidOptionsError when a request must be signed and no region can be found.
 */
export async function resolveSigning(
  options: PostOptions,
  env: NodeJS.ProcessEnv,
  note: (text: string) => void,
): Promise<SignRequest | undefined> {
  if (options.noSign) return undefined;
  const inEnv = Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  if (!inEnv && isLoopback(options.url.hostname)) return undefined;
  const region =
    options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? regionOf(options.url);
  if (!region) {
    if (!inEnv) {
      note('no region to sign for (--region or AWS_REGION): posting unsigned');
      return undefined;
    }
    throw new InvalidOptionsError(
      '--region',
      "cannot tell the endpoint's region: pass --region or set AWS_REGION",
    );
  }
  const { createSigner } = await import('./signRequest.js');
  const sign = await createSigner(region);
  if (!sign) note('no AWS credentials found: posting unsigned (--no-sign hides this note)');
  return sign;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
}

function regionOf(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
}
