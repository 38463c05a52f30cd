/**
 * Unit specs live beside the code (src/**\/*.spec.ts); integration and e2e specs in test/.
 * NestJS 12 ships as ES modules, which Jest's CommonJS runtime cannot require on Node 20, so those
 * packages (and every other ESM-only dependency) are compiled to CommonJS by test/support/esm-to-cjs.js;
 * our TypeScript goes through ts-jest.
 */
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'mjs', 'json', 'ts'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    '^.+\.m?js$': '<rootDir>/test/support/esm-to-cjs.js',
  },
  transformIgnorePatterns: [],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
