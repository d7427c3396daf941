// Worker threads under test start from the fresh build (TRADETUI_TEST_BUILT_WORKERS, set in vitest.config.ts);
// `withSourceWorkers` runs one piece of a test with workers started from the TypeScript sources through tsx
// instead, the path `tsx bin/tradetui.ts` takes, so that path stays tested too.
export async function withSourceWorkers<T>(fn: () => Promise<T>): Promise<T> {
  const built = process.env.TRADETUI_TEST_BUILT_WORKERS;
  delete process.env.TRADETUI_TEST_BUILT_WORKERS;
  try {
    return await fn();
  } finally {
    if (built !== undefined) process.env.TRADETUI_TEST_BUILT_WORKERS = built;
  }
}
