/// <reference types="vitest/config" />
import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests of core/ and precompute/, and browser tests that
// drive Debian's Chromium over the built site in dist/ (run after `astro build`).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
