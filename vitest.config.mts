import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: [
        'shared/**/*.ts',
        'orchestrations/**/*.ts',
        'devhost/**/*.ts',
        'functions/**/*.ts',
        'sandbox/**/*.ts',
      ],
      exclude: ['**/*.d.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: {
        'shared/**': { lines: 80 },
        'orchestrations/**': { lines: 80 },
        'devhost/**': { lines: 80 },
      },
    },
  },
});
