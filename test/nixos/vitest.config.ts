import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:nixos`: the NixOS modules evaluated with nixpkgs' lib
// (test/nixos/*.nixos.ts). Kept out of vitest.config.ts on purpose: `npm test`
// must not need nixpkgs' lib, which a new user's machine does not have.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/nixos/**/*.nixos.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
