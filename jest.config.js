/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // Compiles src/ to dist/ once, for tests that start the built server or job in a child process.
  globalSetup: '<rootDir>/test/support/buildOnce.js',
};
