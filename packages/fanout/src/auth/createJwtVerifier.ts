import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyOptions, jwtVerify } from 'jose';
import { AUTH_DEFAULTS } from '../defaults.js';
import { UnauthorizedError } from '../errors.js';
import { extractToken, type TokenCarrier } from './extractToken.js';

/**
 * Options of {@link createJwtVerifier}: exactly one key source, and the claims to require.
 *
 * @example
 * ```ts
 * import type { JwtVerifierOptions } from '@market-stream/fanout';
 *
 * const options: JwtVerifierOptions = {
 *   jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
 *   audience: 'ticker', // required with jwksUrl
 * };
 * ```
 */
export interface JwtVerifierOptions {
  /** Shared HMAC secret (HS256 by default). */
  secret?: string | Uint8Array;
  /** A public key: SPKI PEM text, or a `KeyObject` (RS256 by default). */
  publicKey?: string | KeyObject;
  /** A JWKS endpoint; keys are fetched on demand and cached by `jose` (RS256 or ES256 by default). */
  jwksUrl?: string | URL;
  /**
   * Accepted `alg` values.
   * @default ['HS256'] with `secret`, ['RS256'] with `publicKey`, ['RS256', 'ES256'] with `jwksUrl`
   */
  algorithms?: string[];
  /**
   * Required `iss`: when given, a token without `iss`, or with another, is refused.
   * @default - `iss` is not checked
   */
  issuer?: string | string[];
  /**
   * Required `aud`: when given, a token without `aud`, or naming none of these, is refused.
   * Required with `jwksUrl`: a JWKS is usually an identity provider's, signing tokens for many
   * applications, and the audience is what says a token was issued for this one.
   * @default - `aud` is not checked (only allowed with `secret` or `publicKey`)
   */
  audience?: string | string[];
  /**
   * Clock skew tolerated on `exp` and `nbf`, seconds.
   * @default 5
   */
  clockToleranceSeconds?: number;
}

/**
 * A JWT verifier: call it with an upgrade request (it is an `authenticate` hook for
 * `serveFanout`), or call `verify(token)` with a token string (e.g. in a Lambda `$connect`).
 *
 * @example
 * ```ts
 * import { createJwtVerifier, type JwtVerifier } from '@market-stream/fanout';
 *
 * const verifier: JwtVerifier = createJwtVerifier({ secret: process.env.JWT_SECRET! });
 * const claims = await verifier.verify(token); // throws UnauthorizedError when refused
 * ```
 */
export interface JwtVerifier {
  /**
   * Verifies the token a request carries (see `extractToken`).
   * @returns The token's claims, or `false` when it is missing or refused (never throws).
   */
  (request: IncomingMessage | TokenCarrier): Promise<JWTPayload | false>;
  /**
   * Verifies a token string.
   * @returns The token's claims.
   * @throws UnauthorizedError when the token is refused.
   */
  verify(token: string): Promise<JWTPayload>;
}

/**
 * Creates a JWT verifier on `jose` for HS256 secrets, RS256 public keys, or a JWKS endpoint.
 *
 * Guarantees: a token is accepted only with a valid signature by the configured key, an `alg`
 * among `algorithms` (so an HS256 token is never checked against an RSA key's text), an `exp`
 * claim (a token without one would never expire, so it is refused), not expired and not before
 * its `nbf` (within `clockToleranceSeconds`), and — when configured — an `iss` and an `aud`
 * that match (a token lacking the claim is refused). Verification never throws from the
 * request form; `verify` throws only {@link UnauthorizedError}.
 *
 * @param options - See {@link JwtVerifierOptions}.
 * @returns The verifier.
 * @throws TypeError when not exactly one of `secret`, `publicKey`, `jwksUrl` is given, or
 * `jwksUrl` comes without an `audience`.
 *
 * @example
 * ```ts
 * import { createJwtVerifier, serveFanout } from '@market-stream/fanout';
 *
 * const server = await serveFanout({
 *   port: 8080,
 *   source: trades$,
 *   authenticate: createJwtVerifier({ secret: process.env.JWT_SECRET!, issuer: 'my-app' }),
 * });
 * // clients: new WebSocket(`${server.url}?token=${jwt}`)
 * ```
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const sources = [options.secret, options.publicKey, options.jwksUrl].filter(
    (source) => source !== undefined,
  );
  if (sources.length !== 1) {
    throw new TypeError('createJwtVerifier needs exactly one of secret, publicKey or jwksUrl');
  }
  if (options.jwksUrl !== undefined && options.audience === undefined) {
    throw new TypeError(
      'createJwtVerifier needs an audience with jwksUrl: an identity provider signs tokens for other applications too',
    );
  }
  const requiredClaims = ['exp'];
  const claims: JWTVerifyOptions = {
    clockTolerance: options.clockToleranceSeconds ?? AUTH_DEFAULTS.clockToleranceSeconds,
    requiredClaims,
  };
  if (options.issuer !== undefined) {
    claims.issuer = options.issuer;
    requiredClaims.push('iss');
  }
  if (options.audience !== undefined) {
    claims.audience = options.audience;
    requiredClaims.push('aud');
  }

  let check: (token: string) => Promise<JWTPayload>;
  if (options.secret !== undefined) {
    const key =
      typeof options.secret === 'string'
        ? new TextEncoder().encode(options.secret)
        : options.secret;
    const verifyOptions = { ...claims, algorithms: options.algorithms ?? ['HS256'] };
    check = async (token) => (await jwtVerify(token, key, verifyOptions)).payload;
  } else if (options.publicKey !== undefined) {
    const key =
      typeof options.publicKey === 'string'
        ? createPublicKey(options.publicKey)
        : options.publicKey;
    const verifyOptions = { ...claims, algorithms: options.algorithms ?? ['RS256'] };
    check = async (token) => (await jwtVerify(token, key, verifyOptions)).payload;
  } else {
    const keys = createRemoteJWKSet(new URL(String(options.jwksUrl)));
    const verifyOptions = { ...claims, algorithms: options.algorithms ?? ['RS256', 'ES256'] };
    check = async (token) => (await jwtVerify(token, keys, verifyOptions)).payload;
  }

  const verify = async (token: string): Promise<JWTPayload> => {
    if (typeof token !== 'string' || token === '') {
      throw new UnauthorizedError('no token');
    }
    try {
      return await check(token);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UnauthorizedError(`token refused: ${reason}`, { cause: error });
    }
  };

  const verifier = async (request: IncomingMessage | TokenCarrier): Promise<JWTPayload | false> => {
    const token = extractToken(request as TokenCarrier);
    if (token === undefined) return false;
    try {
      return await verify(token);
    } catch {
      return false;
    }
  };
  return Object.assign(verifier, { verify });
}
