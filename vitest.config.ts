import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import SlowestFirstSequencer from './tests/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    // Each worker process loads the sources once for all the files it runs, instead of once per file: loading
    // them (ccxt, Ink, tfjs, the engine) cost ~2 s of CPU per file, more than many files' tests. Each test file
    // is still evaluated afresh; what files share is src/ and node_modules, whose module state is caches and
    // settings each command sets again (e.g. the models' data dir). A test that needs a fresh process spawns one.
    isolate: false,
    // Most tests wait on child processes, sockets and terminals rather than the CPU: more workers than cores
    // overlap those waits (vitest's default on 2 cores is one worker). As many workers from start to end:
    // tinypool ends a worker idle above the minimum, and ending one of a shared (isolate: false) pool raced
    // with its teardown ("Unhandled Rejection: Terminating worker thread", failing the run).
    maxWorkers: 3,
    minWorkers: 3,
    // The slowest files first (tests/support/sequencer.ts): the wall time is not one long file started last.
    sequence: { sequencer: SlowestFirstSequencer },
    // Worker threads (optimisation trials, ML training) started from the sources load the fresh build
    // (tests/support/global-setup.ts) rather than compiling their module tree again through tsx, ~1 s of CPU
    // each; one test of each still takes the tsx path (src/optimize/pool.ts, src/ml/worker.ts).
    env: { TRADETUI_TEST_BUILT_WORKERS: resolve(import.meta.dirname, 'dist') },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
