/**
 * `npm run test:ha`: the high-availability test on the lab of ops/ha-lab/ (RabbitMQ cluster, Patroni, HAProxy).
 * Opt-in: the default configuration (jest.config.js) leaves test/ha/ out.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/ha/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 1_800_000,
};
