// The worker-thread pool trials run on (tinypool): one worker per job, each given the run's setup and the
// shared candles once at start. Finds the worker script wherever this module runs from: the bundled CLI
// (dist/optimize-worker.mjs beside dist/tradetui.mjs), the compiled tree (dist/src/optimize/worker.js) or the
// TypeScript sources under tests (worker.ts through tsx, by worker-source.mjs).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Tinypool from 'tinypool';
import type { TrialOutcome } from './trial.js';
import type { TrialTask, WorkerSetup } from './shared.js';

function workerScript(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  const candidates: Array<{ url: URL; execArgv: string[] }> = [];
  // From source, tests may name the fresh build (TRADETUI_TEST_BUILT_WORKERS=dist/): through tsx, each worker
  // compiles its module tree again (~1 s of CPU).
  const built = process.env.TRADETUI_TEST_BUILT_WORKERS;
  if (/\/pool\.ts$/.test(here) && built) candidates.push({ url: pathToFileURL(join(built, 'optimize-worker.mjs')), execArgv: [] });
  if (/\/pool\.ts$/.test(here)) candidates.push({ url: new URL('./worker-source.mjs', here), execArgv: [] });
  if (/\/pool\.js$/.test(here)) candidates.push({ url: new URL('./worker.js', here), execArgv: [] });
  candidates.push({ url: new URL('./optimize-worker.mjs', here), execArgv: [] });
  for (const c of candidates) {
    const filename = fileURLToPath(c.url);
    if (existsSync(filename)) return { filename, execArgv: c.execArgv };
  }
  throw new Error(`optimisation worker script not found beside ${fileURLToPath(here)} (run npm run build)`);
}

export class TrialPool {
  private readonly pool: Tinypool;

  constructor(setup: WorkerSetup, readonly jobs: number) {
    const { filename, execArgv } = workerScript();
    this.pool = new Tinypool({
      filename,
      execArgv,
      minThreads: jobs,
      maxThreads: jobs,
      workerData: setup,
      // Workers keep their indicator cache between trials.
      isolateWorkers: false,
      idleTimeout: 60_000,
    });
  }

  run(task: TrialTask): Promise<TrialOutcome> {
    return this.pool.run(task) as Promise<TrialOutcome>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
