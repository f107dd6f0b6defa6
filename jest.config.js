/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/ha/ needs the lab of ops/ha-lab/ and minutes: `npm run test:ha` (jest.ha.config.js) runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/ha/'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // PGlite instances are heavy (~700 MB); two workers fit the 2-core CI machine.
  maxWorkers: 2,
  testTimeout: 60000,
  workerIdleMemoryLimit: '2GB',
};
