import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration and end-to-end tests live in test/.
// Integration tests start real programs (git, nix, etcd, ZooKeeper), so they
// get generous timeouts and run a few files at a time on this 2-core machine.
export default defineConfig({
  test: {
    include: ['{core,cli,reconciler,agent,irisd}/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
