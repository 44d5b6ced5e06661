import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every test runs real servers and child processes: give each room, never forever.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
