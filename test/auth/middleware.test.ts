import request from 'supertest';
import { combineAuthenticators, type Authenticator, type Principal } from '../../src/auth';
import { requireRole } from '../../src/http/authentication';
import { HttpProblem } from '../../src/http/problem';
import { appWithoutAuth, tinyApp } from './support/app';

/** An in-memory authenticator: token → principal. */
function fixed(table: Record<string, Principal>, name = 'fixed'): Authenticator {
  return {
    authenticate: async (token) => table[token] ?? null,
    describe: () => name,
  };
}

const auth = fixed({
  'admin-token': { subject: 'drift', role: 'admin' },
  'sst-token': { subject: 'analytiker', role: 'socialstyrelsen' },
  'midt-token': { subject: 'inspektoer', role: 'inspector', tilsyn: 'Midt' },
});
const app = tinyApp(auth);
const CHALLENGE = 'Bearer realm="specialfunktion"';

describe('requireAuth', () => {
  it('leaves routes outside it open', async () => {
    const res = await request(app).get('/public');
    expect(res.status).toBe(200);
  });

  it('answers 401 with a WWW-Authenticate challenge when no Authorization header is sent', async () => {
    const res = await request(app).get('/v1/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(CHALLENGE);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('answers 401 for a scheme other than Bearer', async () => {
    const res = await request(app).get('/v1/me').set('Authorization', 'Basic YWRtaW46YWRtaW4=');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(CHALLENGE);
  });

  it('answers 401 with error="invalid_token" for a malformed bearer value', async () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer two tokens', 'Bearer bad"quote']) {
      const res = await request(app).get('/v1/me').set('Authorization', header);
      expect(res.status).toBe(401);
    }
    const res = await request(app).get('/v1/me').set('Authorization', 'Bearer two tokens');
    expect(res.headers['www-authenticate']).toBe(`${CHALLENGE}, error="invalid_token"`);
  });

  it('answers 401 with error="invalid_token" for an unknown token, without echoing it', async () => {
    const res = await request(app).get('/v1/me').set('Authorization', 'Bearer secret-guess-123');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`${CHALLENGE}, error="invalid_token"`);
    expect(JSON.stringify(res.body)).not.toContain('secret-guess-123');
  });

  it('sets the principal for a known token; the scheme is case-insensitive', async () => {
    const res = await request(app).get('/v1/me').set('Authorization', 'bearer midt-token');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: 'inspektoer', role: 'inspector', tilsyn: 'Midt' });
  });

  it('passes an authenticator failure on to the error handler (e.g. 503 when keys cannot be fetched)', async () => {
    const failing: Authenticator = {
      authenticate: async () => {
        throw new HttpProblem('identity-provider-unavailable', 'down', { headers: { 'Retry-After': '30' } });
      },
      describe: () => 'failing',
    };
    const res = await request(tinyApp(failing)).get('/v1/me').set('Authorization', 'Bearer x');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
  });
});

describe('requireRole', () => {
  it('answers 403 naming the required role for the wrong role', async () => {
    const res = await request(app).get('/v1/admin-only').set('Authorization', 'Bearer midt-token');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ status: 403, type: 'https://specialfunktion.dk/problems/role-not-allowed', requiredRoles: ['admin'] });
  });

  it('names every allowed role when several are allowed', async () => {
    const res = await request(app).post('/v1/decide').set('Authorization', 'Bearer sst-token');
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('https://specialfunktion.dk/problems/role-not-allowed');
    expect(res.body.requiredRoles).toEqual(['inspector', 'admin']);
  });

  it('lets the allowed roles through', async () => {
    expect((await request(app).get('/v1/admin-only').set('Authorization', 'Bearer admin-token')).status).toBe(200);
    expect((await request(app).post('/v1/decide').set('Authorization', 'Bearer midt-token')).status).toBe(200);
    expect((await request(app).post('/v1/decide').set('Authorization', 'Bearer admin-token')).status).toBe(200);
  });

  it('answers 401, not 403, when no principal was set', async () => {
    const bare = appWithoutAuth();
    expect((await request(bare).get('/admin')).status).toBe(401);
    expect((await request(bare).get('/me')).status).toBe(401);
  });

  it('refuses to be built without roles or with an unknown role', () => {
    expect(() => requireRole()).toThrow();
    expect(() => requireRole('boss' as never)).toThrow();
  });
});

describe('combineAuthenticators', () => {
  it('asks each in order and the first that knows the token wins', async () => {
    const a = fixed({ one: { subject: 'a', role: 'admin' } }, 'A');
    const b = fixed({ one: { subject: 'b', role: 'socialstyrelsen' }, two: { subject: 'b2', role: 'admin' } }, 'B');
    const both = combineAuthenticators(a, b);
    await expect(both.authenticate('one')).resolves.toMatchObject({ subject: 'a' });
    await expect(both.authenticate('two')).resolves.toMatchObject({ subject: 'b2' });
    await expect(both.authenticate('three')).resolves.toBeNull();
    expect(both.describe()).toBe('A; B');
  });

  it('refuses to combine nothing', () => {
    expect(() => combineAuthenticators()).toThrow(/no authentication/);
  });
});
