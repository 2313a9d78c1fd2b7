// Nest 12 and @nestjs/cqrs 12 are ESM-only: jest runs with --experimental-vm-modules
// and ts-jest's ESM mode. Type checking is done once by `npm run typecheck`, so ts-jest
// only transpiles (isolatedModules), which keeps each test file fast.
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^#warden/client/(.*)$': '<rootDir>/libs/client/src/adapters/$1.ts',
    '^#warden/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testEnvironment: 'node',
  rootDir: '.',
};

export default {
  // A consumer group joins in seconds on a real broker; each wait also has its own deadline.
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.{int-spec,e2e-spec}.ts'],
      // Compiled by `npm run build` (part of `npm test`): jest loads global setup outside its
      // module system, where TypeScript sources with `.js` imports do not resolve.
      globalSetup: '<rootDir>/dist/test/harness/global-setup.js',
      globalTeardown: '<rootDir>/dist/test/harness/global-teardown.js',
    },
  ],
};
