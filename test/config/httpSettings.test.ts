import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

/** Issue 13.2 and 13.7: the public rate limit, trust proxy and the JWT lifetime are validated at start. */
const load = (env: Record<string, string>) => loadConfig({ RULES_DIR: path.resolve(__dirname, '../../rules'), ...env }, process.cwd());
const JWT = { AUTH_JWT_ISSUER: 'https://idp.example.dk', AUTH_JWT_AUDIENCE: 'api', AUTH_JWKS_URL: 'https://idp.example.dk/jwks' };

it('limits the public routes to 120 requests per client and minute unless told otherwise; 0 turns it off', () => {
  expect(load({}).publicRateLimitPerMinute).toBe(120);
  expect(load({ PUBLIC_RATE_LIMIT_PER_MINUTE: '30' }).publicRateLimitPerMinute).toBe(30);
  expect(load({ PUBLIC_RATE_LIMIT_PER_MINUTE: '0' }).publicRateLimitPerMinute).toBe(0);
  for (const bad of ['-1', '1.5', 'many']) expect(() => load({ PUBLIC_RATE_LIMIT_PER_MINUTE: bad })).toThrow(/PUBLIC_RATE_LIMIT_PER_MINUTE/);
});

it('trusts no proxy unless TRUST_PROXY says so: true, a number of proxies, or addresses and subnets', () => {
  expect(load({}).trustProxy).toBe(false);
  expect(load({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  expect(load({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  expect(load({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
  expect(load({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }).trustProxy).toBe('loopback, 10.0.0.0/8, fd00::/8');
  for (const bad of ['yes', '10.0.0.0/33', 'lb.internal', '11']) {
    expect(() => load({ TRUST_PROXY: bad })).toThrow(ConfigError);
    expect(() => load({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
  }
});

it('lets a JWT be valid for at most 720 minutes unless told otherwise', () => {
  expect(load(JWT).auth.jwt?.maxLifetimeMinutes).toBe(720);
  expect(load({ ...JWT, AUTH_JWT_MAX_LIFETIME_MINUTES: '60' }).auth.jwt?.maxLifetimeMinutes).toBe(60);
  for (const bad of ['0', '10081', 'long']) expect(() => load({ ...JWT, AUTH_JWT_MAX_LIFETIME_MINUTES: bad })).toThrow(/AUTH_JWT_MAX_LIFETIME_MINUTES/);
});
