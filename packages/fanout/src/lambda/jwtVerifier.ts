import { createRemoteJWKSet, type JWTVerifyOptions, jwtVerify } from 'jose';
import type { TokenVerifier } from './createConnectHandler.js';

/**
 * Options of {@link jwtTokenVerifier}: a shared `secret` (HS256) or a `jwksUrl` (RS256/ES256
 * keys fetched and cached by `jose`).
 *
 * @example
 * ```ts
 * import type { JwtTokenVerifierOptions } from '@market-stream/fanout/lambda';
 *
 * const options: JwtTokenVerifierOptions = { secret: process.env.JWT_SECRET, issuer: 'https://auth.example.com' };
 * ```
 */
export interface JwtTokenVerifierOptions {
  /** HMAC secret (HS256/HS384/HS512). */
  secret?: string;
  /** JWKS endpoint (asymmetric keys). */
  jwksUrl?: string;
  /** Required `iss`. */
  issuer?: string;
  /** Required `aud`. */
  audience?: string;
}

/**
 * A {@link TokenVerifier} for `$connect` on `jose`: accepts a JWT with a valid signature,
 * not expired, and with the given issuer and audience. The ready `connect` handler builds one
 * from `JWT_SECRET` / `JWT_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE`.
 *
 * @param options - Key source and required claims.
 * @returns The verifier; it resolves `true` or rejects.
 *
 * @example
 * ```ts
 * import { createConnectHandler, jwtTokenVerifier } from '@market-stream/fanout/lambda';
 *
 * export const handler = createConnectHandler({
 *   store,
 *   verifyToken: jwtTokenVerifier({ secret: process.env.JWT_SECRET }),
 * });
 * ```
 */
export function jwtTokenVerifier(options: JwtTokenVerifierOptions): TokenVerifier {
  const claims: JWTVerifyOptions = {};
  if (options.issuer) claims.issuer = options.issuer;
  if (options.audience) claims.audience = options.audience;
  if (options.jwksUrl) {
    const keys = createRemoteJWKSet(new URL(options.jwksUrl));
    return async (token) => {
      await jwtVerify(token, keys, claims);
      return true;
    };
  }
  if (options.secret) {
    const key = new TextEncoder().encode(options.secret);
    return async (token) => {
      await jwtVerify(token, key, { algorithms: ['HS256', 'HS384', 'HS512'], ...claims });
      return true;
    };
  }
  throw new TypeError('jwtTokenVerifier needs a secret or a jwksUrl');
}
