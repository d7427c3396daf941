// Test file order: the slowest files start first, so the suite's wall time is not one long file started last
// while the other workers sit idle. Vitest's own order uses the durations of the previous run on this machine
// and, without them (a fresh clone, as in CI), file size, which says little: the slowest files spawn processes
// and are short. So durations measured on this machine back the cache up (seconds, idle, 3 workers).
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const MEASURED_SECONDS: Record<string, number> = {
  'tests/e2e/daemon.test.ts': 27.6,
  'tests/integration/live/crash-cli.test.ts': 27.1,
  'tests/integration/optimize/optimize.test.ts': 22.0,
  'tests/integration/live/resting-stops.test.ts': 20.6,
  'tests/integration/live/reconcile.test.ts': 18.3,
  'tests/unit/ml/models.test.ts': 18.3,
  'tests/e2e/tui.test.ts': 16.8,
  'tests/integration/app/sigkill-loop.test.ts': 15.9,
  'tests/integration/live/live-engine.test.ts': 14.3,
  'tests/integration/app/exchange-feed.test.ts': 12.3,
  'tests/integration/engine/cli.test.ts': 11.5,
  'tests/integration/live/ccxt-broker.test.ts': 11.2,
  'tests/integration/backtest/shared-account.test.ts': 10.2,
  'tests/integration/app/parity.test.ts': 10.1,
  'tests/integration/live/parity.test.ts': 9.7,
  'tests/integration/live/headless-live.test.ts': 9.5,
  'tests/unit/strategy/indicators-ichimoku-stochastic.test.ts': 9.2,
  'tests/e2e/cli-process.test.ts': 8.8,
  'tests/integration/app/headless-end.test.ts': 7.9,
  'tests/unit/strategy/lookahead.test.ts': 7.9,
  'tests/integration/ml/ml-cli.test.ts': 7.5,
  'tests/integration/app/disk-full.test.ts': 7.3,
  'tests/integration/report/html-report.test.ts': 6.8,
  'tests/integration/live/reconcile-in-flight.test.ts': 6.0,
  'tests/integration/ml/ml-train-interrupt.test.ts': 5.3,
  'tests/integration/data/download.test.ts': 5.2,
  'tests/integration/live/fake-binance-private.test.ts': 5.1,
};

export default class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const key = (f: TestSpecification): string => `${f.project.name}:${relative(config.root, f.moduleId)}`;
    const failed = (f: TestSpecification): number => (cache.getFileTestResults(key(f))?.failed ? 1 : 0);
    const ms = (f: TestSpecification): number => cache.getFileTestResults(key(f))?.duration ?? (MEASURED_SECONDS[relative(config.root, f.moduleId)] ?? 0) * 1000;
    const size = (f: TestSpecification): number => cache.getFileStats(key(f))?.size ?? 0;
    // Files that failed last time first (as vitest does), then the longest, then the largest.
    return [...files].sort((a, b) => failed(b) - failed(a) || ms(b) - ms(a) || size(b) - size(a));
  }
}
