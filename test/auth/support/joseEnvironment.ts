import NodeEnvironment from 'jest-environment-node';

/**
 * jose 6 is ESM-only. Node 20 can `require()` it natively, but jest's module system cannot (it only
 * learns require(esm) on Node 24.9+), and jest.config.js does not transform node_modules. This test
 * environment runs outside jest's module registry, so it loads jose with Node's own require and hands
 * it to the tests, which map the module to it: `jest.mock('jose', () => globalThis.__jose)`.
 * src/auth loads jose lazily (`await import('jose')`), so the mock is what it gets under test, and
 * suites that never build a JWT authenticator never load jose at all.
 *
 * If jest.config.js gains a transform for jose (transformIgnorePatterns: ['/node_modules/(?!jose/)']
 * plus a JS transform), this file, the docblock and the jest.mock line in jwt.test.ts can go.
 */
export default class JoseEnvironment extends NodeEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    this.global.__jose = require('jose');
  }
}
