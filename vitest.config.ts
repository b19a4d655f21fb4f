import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          env: { MANDATE_KEYS_DIR: ".data/test-unit-keys" },
          // Property tests run hundreds of generated cases: 5 s was seen to run out on a busy 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["lib/**/*.int.test.ts", "tests/integration/**/*.test.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          // The key store and a fallback witness of the test run, never the developer's own.
          env: { MANDATE_KEYS_DIR: ".data/test-integration-keys", MANDATE_AUDIT_WITNESS: ".data/test-integration-witness.ndjson" },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
    ],
  },
});
