/**
 * @jest-environment ./test/auth/support/joseEnvironment.ts
 */
// jose is ESM-only and jest (Node 20) cannot require ESM; the environment loads it natively. See support/joseEnvironment.ts.
jest.mock('jose', () => (globalThis as { __jose?: unknown }).__jose);

import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import request from 'supertest';
import { AuthConfigError, createJwtAuthenticator, IdentityProviderUnavailableError, type Authenticator } from '../../src/auth';
import { tinyApp } from './support/app';

const ISSUER = 'https://idp.example.dk/realms/socialtilsyn';
const AUDIENCE = 'specialfunktion-api';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

type Key = jose.GenerateKeyPairResult;
let es256: Key;
let other: Key;
let rs256: Key;
let eddsa: Key;
let es384: Key;
let pem: string;

interface SignOptions {
  key?: jose.CryptoKey;
  alg?: string;
  kid?: string;
  iss?: string | null;
  aud?: string | null;
  exp?: number | null;
  sub?: string | null;
  /** Issued at (seconds); default now, null for none. */
  iat?: number | null;
}

/** A JWT with sensible defaults; pass null to leave a registered claim out. */
async function sign(claims: Record<string, unknown>, o: SignOptions = {}): Promise<string> {
  const payload: Record<string, unknown> = { ...claims };
  const registered = { iss: o.iss === undefined ? ISSUER : o.iss, aud: o.aud === undefined ? AUDIENCE : o.aud, sub: o.sub === undefined ? 'person-123' : o.sub, exp: o.exp === undefined ? now() + 300 : o.exp };
  for (const [name, value] of Object.entries(registered)) if (value !== null) payload[name] = value;
  const jwt = new jose.SignJWT(payload).setProtectedHeader({ alg: o.alg ?? 'ES256', typ: 'JWT', ...(o.kid ? { kid: o.kid } : {}) });
  if (o.iat !== null) jwt.setIssuedAt(o.iat);
  return jwt.sign(o.key ?? es256.privateKey);
}

const inspectorMidt = { role: 'inspector', tilsyn: 'Midt' };

beforeAll(async () => {
  es256 = await jose.generateKeyPair('ES256');
  other = await jose.generateKeyPair('ES256');
  rs256 = await jose.generateKeyPair('RS256');
  eddsa = await jose.generateKeyPair('EdDSA');
  es384 = await jose.generateKeyPair('ES384');
  pem = await jose.exportSPKI(es256.publicKey);
});

describe('JWT with a configured public key (SPKI PEM)', () => {
  let auth: Authenticator;
  beforeAll(async () => {
    auth = await createJwtAuthenticator({ publicKeyPem: pem, issuer: ISSUER, audience: AUDIENCE });
  });

  it('accepts a valid token and maps sub, role and tilsyn', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt))).resolves.toEqual({ subject: 'person-123', role: 'inspector', tilsyn: 'Midt' });
    await expect(auth.authenticate(await sign({ role: 'socialstyrelsen' }, { sub: 'sst-1' }))).resolves.toEqual({ subject: 'sst-1', role: 'socialstyrelsen' });
    await expect(auth.authenticate(await sign({ role: 'admin' }))).resolves.toEqual({ subject: 'person-123', role: 'admin' });
    await expect(auth.authenticate(await sign({ role: 'inspector', tilsyn: 'Øst' }))).resolves.toMatchObject({ tilsyn: 'Øst' });
  });

  it('refuses a wrong issuer', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { iss: 'https://evil.example' }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign(inspectorMidt, { iss: null }))).resolves.toBeNull();
  });

  it('refuses a wrong or missing audience', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { aud: 'another-api' }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign(inspectorMidt, { aud: null }))).resolves.toBeNull();
  });

  it('refuses an expired token, allowing about 30 seconds of clock skew', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { exp: now() - 120 }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign(inspectorMidt, { exp: now() - 10 }))).resolves.toMatchObject({ role: 'inspector' });
  });

  it('refuses a token without exp, and one without sub', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { exp: null }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign(inspectorMidt, { sub: null }))).resolves.toBeNull();
  });

  it('refuses a token whose subject looks like a CPR number (401), so it is never logged or audited', async () => {
    for (const sub of ['0101901234', '010190-1234', 'cpr:0101901234']) {
      await expect(auth.authenticate(await sign(inspectorMidt, { sub }))).resolves.toBeNull();
    }
    const res = await request(tinyApp(auth)).get('/v1/me').set('Authorization', `Bearer ${await sign(inspectorMidt, { sub: '0101901234' })}`);
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain('0101901234');
    // A long number that is not a CPR number is still a fine subject.
    await expect(auth.authenticate(await sign(inspectorMidt, { sub: '123456789012' }))).resolves.toMatchObject({ subject: '123456789012' });
  });

  it('refuses a token that is not valid yet', async () => {
    await expect(auth.authenticate(await sign({ ...inspectorMidt, nbf: now() + 600 }))).resolves.toBeNull();
  });

  it('refuses an unknown or missing role', async () => {
    await expect(auth.authenticate(await sign({ role: 'superuser' }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign({ role: ['admin'] }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign({}))).resolves.toBeNull();
  });

  it('refuses an inspector without a valid tilsyn, and a tilsyn on a non-inspector', async () => {
    await expect(auth.authenticate(await sign({ role: 'inspector' }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign({ role: 'inspector', tilsyn: 'midt' }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign({ role: 'inspector', tilsyn: 'Fyn' }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign({ role: 'admin', tilsyn: 'Nord' }))).resolves.toBeNull();
  });

  it('refuses a tampered payload and a tampered signature', async () => {
    const token = await sign({ role: 'socialstyrelsen' });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const elevated = `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`;
    await expect(auth.authenticate(elevated)).resolves.toBeNull();
    const sig = Buffer.from(signature, 'base64url');
    sig[10] ^= 0x01;
    await expect(auth.authenticate(`${header}.${payload}.${sig.toString('base64url')}`)).resolves.toBeNull();
  });

  it('refuses a token signed by another key', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { key: other.privateKey }))).resolves.toBeNull();
  });

  it('refuses alg "none"', async () => {
    const claims = { ...inspectorMidt, iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 300 };
    await expect(auth.authenticate(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)).resolves.toBeNull();
    await expect(auth.authenticate(`${b64({ alg: 'none' })}.${b64(claims)}`)).resolves.toBeNull();
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const token = await new jose.SignJWT({ ...inspectorMidt, sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(pem));
    await expect(auth.authenticate(token)).resolves.toBeNull();
  });

  it('refuses things that are not JWTs', async () => {
    for (const token of ['', 'opaque-token', 'a.b', 'a.b.c.d', 'x'.repeat(20_000)]) {
      await expect(auth.authenticate(token)).resolves.toBeNull();
    }
  });

  it('reads role and tilsyn from configured claim names', async () => {
    const custom = await createJwtAuthenticator({
      publicKeyPem: pem,
      issuer: ISSUER,
      audience: AUDIENCE,
      roleClaim: 'https://specialfunktion.dk/role',
      tilsynClaim: 'socialtilsyn',
    });
    const token = await sign({ 'https://specialfunktion.dk/role': 'inspector', socialtilsyn: 'Hovedstaden', role: 'admin' });
    await expect(custom.authenticate(token)).resolves.toEqual({ subject: 'person-123', role: 'inspector', tilsyn: 'Hovedstaden' });
    await expect(custom.authenticate(await sign({ role: 'admin' }))).resolves.toBeNull();
  });

  it('describes itself without key material', () => {
    expect(auth.describe()).toBe(`JWT (issuer ${ISSUER}, audience ${AUDIENCE}, a configured ES256 public key; role claim "role", tilsyn claim "tilsyn"; tokens valid at most 720 minutes)`);
  });

  it('gives a generic 401 through the middleware, without the library message', async () => {
    const res = await request(tinyApp(auth))
      .get('/v1/me')
      .set('Authorization', `Bearer ${await sign(inspectorMidt, { exp: now() - 3600 })}`);
    expect([res.status, res.body.type]).toEqual([401, 'https://specialfunktion.dk/problems/invalid-token']);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="specialfunktion", error="invalid_token"');
    expect(JSON.stringify(res.body)).not.toMatch(/exp|timestamp|claim/i);

    const ok = await request(tinyApp(auth)).get('/v1/me').set('Authorization', `Bearer ${await sign(inspectorMidt)}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ subject: 'person-123', role: 'inspector', tilsyn: 'Midt' });
  });
});

describe('JWT lifetime', () => {
  let auth: Authenticator;
  beforeAll(async () => {
    auth = await createJwtAuthenticator({ publicKeyPem: pem, issuer: ISSUER, audience: AUDIENCE });
  });
  const HOUR = 3600;

  it('takes a token valid for 12 hours, the default maximum', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { iat: now(), exp: now() + 12 * HOUR }))).resolves.toMatchObject({ role: 'inspector' });
  });

  it('refuses a token whose exp − iat is longer than 12 hours, though it is still valid', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { iat: now() - 60, exp: now() + 12 * HOUR }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign(inspectorMidt, { iat: now() - 30 * 24 * HOUR, exp: now() + 60 }))).resolves.toBeNull();
  });

  it('refuses a token without exp', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { exp: null }))).resolves.toBeNull();
  });

  it('counts from now for a token without iat', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { iat: null, exp: now() + HOUR }))).resolves.toMatchObject({ role: 'inspector' });
    await expect(auth.authenticate(await sign(inspectorMidt, { iat: null, exp: now() + 13 * HOUR }))).resolves.toBeNull();
  });

  it('takes another maximum from the configuration, and refuses one that is not whole minutes from 1 to 10080', async () => {
    const short = await createJwtAuthenticator({ publicKeyPem: pem, issuer: ISSUER, audience: AUDIENCE, maxLifetimeMinutes: 15 });
    await expect(short.authenticate(await sign(inspectorMidt, { exp: now() + 10 * 60 }))).resolves.toMatchObject({ role: 'inspector' });
    await expect(short.authenticate(await sign(inspectorMidt, { exp: now() + HOUR }))).resolves.toBeNull();
    for (const bad of [0, 1.5, 10081]) {
      await expect(createJwtAuthenticator({ publicKeyPem: pem, issuer: ISSUER, audience: AUDIENCE, maxLifetimeMinutes: bad })).rejects.toThrow(AuthConfigError);
    }
  });

  it('answers 401 through the middleware for a token valid too long', async () => {
    const res = await request(tinyApp(auth)).get('/v1/me').set('Authorization', `Bearer ${await sign(inspectorMidt, { exp: now() + 24 * HOUR })}`);
    expect(res.status).toBe(401);
  });
});

describe('JWT with keys from a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let fetches = 0;
  let auth: Authenticator;

  beforeAll(async () => {
    const keys = await Promise.all([
      jose.exportJWK(es256.publicKey).then((k) => ({ ...k, kid: 'ec-1', alg: 'ES256', use: 'sig' })),
      jose.exportJWK(rs256.publicKey).then((k) => ({ ...k, kid: 'rsa-1', alg: 'RS256', use: 'sig' })),
      jose.exportJWK(eddsa.publicKey).then((k) => ({ ...k, kid: 'ed-1', alg: 'EdDSA', use: 'sig' })),
      jose.exportJWK(es384.publicKey).then((k) => ({ ...k, kid: 'ec384-1', alg: 'ES384', use: 'sig' })),
    ]);
    server = createServer((req, res) => {
      if (req.url === '/jwks.json') {
        fetches += 1;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ keys }));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    auth = await createJwtAuthenticator({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('does not fetch keys for something that is not a JWT', async () => {
    const before = fetches;
    await expect(auth.authenticate('opaque-token')).resolves.toBeNull();
    expect(fetches).toBe(before);
  });

  it('accepts valid ES256, RS256 and EdDSA tokens and maps role and tilsyn', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { kid: 'ec-1' }))).resolves.toEqual({ subject: 'person-123', role: 'inspector', tilsyn: 'Midt' });
    await expect(auth.authenticate(await sign({ role: 'admin' }, { kid: 'rsa-1', alg: 'RS256', key: rs256.privateKey }))).resolves.toEqual({ subject: 'person-123', role: 'admin' });
    await expect(auth.authenticate(await sign({ role: 'socialstyrelsen' }, { kid: 'ed-1', alg: 'EdDSA', key: eddsa.privateKey }))).resolves.toEqual({ subject: 'person-123', role: 'socialstyrelsen' });
    expect(fetches).toBeGreaterThanOrEqual(1);
  });

  it('refuses an algorithm outside the allow-list even when the JWKS has the key', async () => {
    await expect(auth.authenticate(await sign({ role: 'admin' }, { kid: 'ec384-1', alg: 'ES384', key: es384.privateKey }))).resolves.toBeNull();
  });

  it('refuses wrong issuer, wrong audience, expired, missing exp and unknown role', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { kid: 'ec-1', iss: 'https://evil.example' }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign(inspectorMidt, { kid: 'ec-1', aud: 'another-api' }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign(inspectorMidt, { kid: 'ec-1', exp: now() - 120 }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign(inspectorMidt, { kid: 'ec-1', exp: null }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign({ role: 'root' }, { kid: 'ec-1' }))).resolves.toBeNull();
  });

  it('refuses a token signed by a key that is not in the set, and alg "none"', async () => {
    await expect(auth.authenticate(await sign(inspectorMidt, { kid: 'ec-1', key: other.privateKey }))).resolves.toBeNull();
    await expect(auth.authenticate(await sign(inspectorMidt, { kid: 'unknown-kid', key: other.privateKey }))).resolves.toBeNull();
    const claims = { ...inspectorMidt, iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now() + 300 };
    await expect(auth.authenticate(`${b64({ alg: 'none', kid: 'ec-1' })}.${b64(claims)}.`)).resolves.toBeNull();
  });

  it('answers 503 (not 401) when the JWKS cannot be fetched', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await createJwtAuthenticator({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer: ISSUER, audience: AUDIENCE });
    const token = await sign(inspectorMidt, { kid: 'ec-1' });
    await expect(unreachable.authenticate(token)).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
    const res = await request(tinyApp(unreachable)).get('/v1/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).toMatchObject({ type: 'https://specialfunktion.dk/problems/identity-provider-unavailable', status: 503 });
  });
});

describe('JWT configuration', () => {
  const configError = async (promise: Promise<unknown>): Promise<AuthConfigError> => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthConfigError);
    return error as AuthConfigError;
  };

  it('requires issuer, audience and exactly one key source', async () => {
    expect((await configError(createJwtAuthenticator({ issuer: '', audience: '', publicKeyPem: pem }))).problems).toEqual(['issuer: required', 'audience: required']);
    expect((await configError(createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE }))).problems).toEqual([expect.stringMatching(/JWKS URL or a public key/)]);
    expect((await configError(createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, publicKeyPem: pem, jwksUrl: 'https://idp.example/jwks' }))).problems).toEqual([expect.stringMatching(/not both/)]);
  });

  it('refuses a JWKS URL over plain http except on localhost', async () => {
    const error = await configError(createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://idp.example/jwks' }));
    expect(error.problems).toEqual([expect.stringMatching(/^jwksUrl: must use https/)]);
    await expect(createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://localhost:1/jwks' })).resolves.toBeDefined();
  });

  it('refuses a private key, a weak RSA key and a curve outside the allow-list', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect((await configError(createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, publicKeyPem: privatePem }))).message).not.toContain(privatePem.split('\n')[1]);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await configError(createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, publicKeyPem: weak }))).problems).toEqual([expect.stringMatching(/2048/)]);
    const p384 = await jose.exportSPKI(es384.publicKey);
    expect((await configError(createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, publicKeyPem: p384 }))).problems).toEqual([expect.stringMatching(/P-256/)]);
  });

  it('accepts RSA and Ed25519 public keys, each only with its own algorithm', async () => {
    const rsa = await createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, publicKeyPem: await jose.exportSPKI(rs256.publicKey) });
    await expect(rsa.authenticate(await sign({ role: 'admin' }, { alg: 'RS256', key: rs256.privateKey }))).resolves.toMatchObject({ role: 'admin' });
    const ed = await createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, publicKeyPem: await jose.exportSPKI(eddsa.publicKey) });
    await expect(ed.authenticate(await sign({ role: 'admin' }, { alg: 'EdDSA', key: eddsa.privateKey }))).resolves.toMatchObject({ role: 'admin' });
    expect(ed.describe()).toContain('EdDSA');
  });

  it('validates clock tolerance and claim names', async () => {
    expect((await configError(createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, publicKeyPem: pem, clockToleranceSec: 3600 }))).problems).toEqual([expect.stringMatching(/clockToleranceSec/)]);
    expect((await configError(createJwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE, publicKeyPem: pem, roleClaim: 'x', tilsynClaim: 'x' }))).problems).toEqual([expect.stringMatching(/different/)]);
  });
});
