import { POST_DEFAULTS } from '../defaults.js';
import { InvalidOptionsError } from '../errors.js';

/** The `--post` flags of `market-stream-simulate`, checked. */
export interface PostOptions {
  url: URL;
  batchSize: number;
  /** From `--region`; else the environment or the URL decides. */
  region?: string;
  /** `--no-sign`: never sign, even with credentials. */
  noSign: boolean;
  /** `--token`: sent as `Authorization: Bearer <token>` instead of a signature. */
  token?: string;
}

/** The raw flag values `parseArgs` gives the CLI. */
export interface PostFlags {
  post?: string;
  batch?: string;
  region?: string;
  'no-sign'?: boolean;
  token?: string;
  out?: string;
}

/**
 * Checks the `--post` flags: an http(s) URL, not with `--out`, and a `--batch` of 1 to
 * `POST_DEFAULTS.maxBatchSize` trades. `--batch`, `--region`, `--no-sign` and `--token` need
 * `--post`; `--token` goes with neither `--region` nor `--no-sign`.
 *
 * @param flags - See {@link PostFlags}.
 * @returns The options, or `undefined` without `--post`.
 * @throws InvalidOptionsError naming the flag, for the CLI's usage error (exit 2).
 */
export function parsePostOptions(flags: PostFlags): PostOptions | undefined {
  if (flags.post === undefined) {
    for (const flag of ['batch', 'region', 'no-sign', 'token'] as const) {
      if (flags[flag] !== undefined && flags[flag] !== false) {
        throw new InvalidOptionsError(`--${flag}`, 'only goes with --post');
      }
    }
    return undefined;
  }
  if (flags.token !== undefined && (flags.region !== undefined || flags['no-sign'])) {
    throw new InvalidOptionsError('--token', 'replaces signing: not with --region or --no-sign');
  }
  if (flags.out !== undefined) {
    throw new InvalidOptionsError('--post', 'trades go to the endpoint or to --out, not both');
  }
  let url: URL;
  try {
    url = new URL(flags.post);
  } catch {
    throw new InvalidOptionsError('--post', `"${flags.post}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOptionsError('--post', `"${flags.post}" is not an http(s) URL`);
  }
  const batchSize = flags.batch === undefined ? POST_DEFAULTS.batchSize : Number(flags.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > POST_DEFAULTS.maxBatchSize) {
    throw new InvalidOptionsError(
      '--batch',
      `"${flags.batch}" is not a whole number from 1 to ${POST_DEFAULTS.maxBatchSize}`,
    );
  }
  return {
    url,
    batchSize,
    ...(flags.region ? { region: flags.region } : {}),
    noSign: flags['no-sign'] ?? false,
    ...(flags.token ? { token: flags.token } : {}),
  };
}
