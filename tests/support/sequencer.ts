// Test file order: the slowest files start first, so the suite's wall time is not one long file started last
// while the other workers sit idle. Vitest's own order uses the durations of the previous run on this machine
// and, without them (a fresh clone, as in CI), file size, which says little: the slowest files spawn processes
// and are short. So durations measured in one whole run here back the cache up (seconds, files over 5 s, on a
// busy machine: the order is what counts). Add a file that runs for long.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const MEASURED_SECONDS: Record<string, number> = {
  'tests/integration/live/crash-cli.test.ts': 72.5,
  'tests/unit/ml/models.test.ts': 69.6,
  'tests/e2e/daemon.test.ts': 64.7,
  'tests/integration/live/headless-live.test.ts': 60.2,
  'tests/integration/optimize/optimize.test.ts': 49.2,
  'tests/integration/app/sigkill-loop.test.ts': 42.3,
  'tests/integration/backtest/shared-account.test.ts': 35.2,
  'tests/integration/app/replay-restart-kill.test.ts': 35.1,
  'tests/unit/strategy/lookahead.test.ts': 29.1,
  'tests/integration/ml/ml-cli.test.ts': 29.1,
  'tests/e2e/cli-process.test.ts': 28.9,
  'tests/unit/store/candle-columns.test.ts': 28.0,
  'tests/e2e/tui.test.ts': 26.2,
  'tests/integration/live/resting-stops.test.ts': 23.6,
  'tests/integration/app/disk-full.test.ts': 22.1,
  'tests/unit/strategy/indicators-ichimoku-stochastic.test.ts': 21.8,
  'tests/e2e/tui-mouse.test.ts': 18.3,
  'tests/integration/app/replay-restart.test.ts': 18.0,
  'tests/integration/report/html-report.test.ts': 16.6,
  'tests/integration/ml/ml-train-interrupt.test.ts': 16.1,
  'tests/integration/live/live-engine.test.ts': 15.6,
  'tests/integration/app/headless-end.test.ts': 15.5,
  'tests/integration/engine/cli.test.ts': 14.9,
  'tests/integration/live/reconcile.test.ts': 13.4,
  'tests/integration/ml/ml-paper.test.ts': 11.7,
  'tests/unit/ml/kinds-save-load.test.ts': 11.4,
  'tests/unit/strategy/indicators.test.ts': 11.0,
  'tests/integration/app/parity.test.ts': 11.0,
  'tests/integration/live/parity.test.ts': 10.6,
  'tests/integration/live/ccxt-broker.test.ts': 9.4,
  'tests/unit/tui/keys.test.tsx': 8.9,
  'tests/integration/app/restart-risk-state.test.ts': 8.5,
  'tests/unit/strategy/signals.test.ts': 7.3,
  'tests/unit/server/engine-server.test.ts': 6.9,
  'tests/integration/backtest-cli/curve-storage.test.ts': 6.8,
  'tests/integration/data/download.test.ts': 6.7,
  'tests/unit/data/csv.test.ts': 6.6,
  'tests/unit/ml/trees-ensemble.test.ts': 6.3,
  'tests/unit/strategy/registry.test.ts': 6.2,
  'tests/integration/backtest-cli/backtest-cli.test.ts': 6.0,
  'tests/integration/app/restart.test.ts': 6.0,
  'tests/integration/telegram/reliability.test.ts': 5.8,
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
