import { defineConfig } from 'vitest/config';

// Two projects: `unit` holds the tests beside the code (pure logic, literal
// cases, fast-check properties; some start a real program where the unit is
// I/O); `integration` holds test/, where every part runs against real git,
// Nix, etcd and ZooKeeper on loopback. `npm test` runs both;
// `npm run test:unit` and `npm run test:integration` run one.
// Integration tests start real programs, so they get generous timeouts and run
// a few files at a time on this 2-core machine.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['{core,cli,reconciler,agent,irisd,status,testkit}/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'] } },
    ],
  },
});
