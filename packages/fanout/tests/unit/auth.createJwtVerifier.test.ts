import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../src/auth/createJwtVerifier.js';
import { extractToken } from '../../src/auth/extractToken.js';
import { UnauthorizedError } from '../../src/errors.js';

const secret = 'a-test-secret-of-at-least-32-bytes!!';

function hs256(claims: Record<string, unknown> = {}, key = secret, expiresIn = '5m') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer('market-stream')
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(key));
}

describe('extractToken()', () => {
  it('reads ?token=, a Bearer header, and the bearer subprotocol', () => {
    expect(extractToken({ url: '/ws?symbols=AAPL&token=abc', headers: {} })).toBe('abc');
    expect(extractToken({ url: '/ws', headers: { authorization: 'Bearer def' } })).toBe('def');
    expect(extractToken({ url: '/ws', headers: { 'sec-websocket-protocol': 'bearer, ghi' } })).toBe(
      'ghi',
    );
    expect(extractToken({ url: '/ws', headers: { 'sec-websocket-protocol': 'bearer.jkl' } })).toBe(
      'jkl',
    );
    expect(extractToken({ url: '/ws', headers: {} })).toBeUndefined();
  });
});

describe('createJwtVerifier()', () => {
  it('accepts a valid HS256 token and returns its claims', async () => {
    const verifier = createJwtVerifier({ secret, issuer: 'market-stream' });

    const claims = await verifier.verify(await hs256({ sub: 'alice' }));

    expect(claims.sub).toBe('alice');
  });

  it('refuses a token signed with another secret, an expired one, and a wrong issuer', async () => {
    const verifier = createJwtVerifier({ secret, issuer: 'market-stream' });
    const strict = createJwtVerifier({ secret, issuer: 'someone-else' });

    await expect(
      verifier.verify(await hs256({}, 'another-secret-of-at-least-32-bytes!')),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(verifier.verify(await hs256({}, secret, '-1m'))).rejects.toThrow(/token refused/);
    await expect(strict.verify(await hs256())).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(verifier.verify('')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a token without exp, which would never expire', async () => {
    // Arrange
    const verifier = createJwtVerifier({ secret });
    const forever = await new SignJWT({ sub: 'dave' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .sign(new TextEncoder().encode(secret));

    // Act
    const verdict = verifier.verify(forever);

    // Assert
    await expect(verdict).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(verdict).rejects.toThrow(/"exp"/);
  });

  it('with an audience: refuses a token for another audience or for none, accepts its own', async () => {
    // Arrange
    const verifier = createJwtVerifier({ secret, audience: 'ticker' });
    const sign = (audience?: string) => {
      const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m');
      return (audience ? jwt.setAudience(audience) : jwt).sign(new TextEncoder().encode(secret));
    };

    const [own, other, none] = await Promise.all([sign('ticker'), sign('billing'), sign()]);

    // Act
    const verdicts = await Promise.allSettled([own, other, none].map((t) => verifier.verify(t)));

    // Assert
    expect(verdicts[0]).toMatchObject({ status: 'fulfilled', value: { aud: 'ticker' } });
    expect(verdicts[1]).toMatchObject({
      status: 'rejected',
      reason: expect.any(UnauthorizedError),
    });
    expect(verdicts[2]).toMatchObject({
      status: 'rejected',
      reason: expect.any(UnauthorizedError),
    });
  });

  it('with an issuer: refuses a token without iss', async () => {
    // Arrange
    const verifier = createJwtVerifier({ secret, issuer: 'market-stream' });
    const anonymous = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));

    // Act / Assert
    await expect(verifier.verify(anonymous)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('needs an audience with a JWKS URL', () => {
    expect(() => createJwtVerifier({ jwksUrl: 'http://127.0.0.1/jwks.json' })).toThrow(/audience/);
    expect(() =>
      createJwtVerifier({ jwksUrl: 'http://127.0.0.1/jwks.json', audience: 'ticker' }),
    ).not.toThrow();
  });

  it('verifies RS256 with a PEM public key and refuses an HS256 token made from that key text', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const pem = await exportSPKI(publicKey);
    const verifier = createJwtVerifier({ publicKey: pem });
    const good = await new SignJWT({ sub: 'bob' })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime('5m')
      .sign(privateKey);
    const forged = await hs256({ sub: 'mallory' }, pem);

    expect((await verifier.verify(good)).sub).toBe('bob');
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('works as a request hook: claims for a good token, false otherwise, never a throw', async () => {
    const verifier = createJwtVerifier({ secret });
    const token = await hs256({ sub: 'carol' });

    const accepted = await verifier({ url: `/ws?token=${token}`, headers: {} });
    const missing = await verifier({ url: '/ws', headers: {} });
    const garbage = await verifier({ url: '/ws', headers: { authorization: 'Bearer x.y.z' } });

    expect(accepted).toMatchObject({ sub: 'carol' });
    expect(missing).toBe(false);
    expect(garbage).toBe(false);
  });

  it('needs exactly one key source', () => {
    expect(() => createJwtVerifier({})).toThrow(TypeError);
    expect(() => createJwtVerifier({ secret, jwksUrl: 'http://127.0.0.1/jwks' })).toThrow(
      TypeError,
    );
  });
});
