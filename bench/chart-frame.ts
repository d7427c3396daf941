// The chart pane's frame time over a real app (SQLite candle cache, a running ma-cross instance): the same frame
// drawn with its reads memoised on the market's version (a frame without a new candle reads nothing) against a
// frame that reads candles and indicators again (as every frame did before the memo).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app/compose.js';
import { createLogger } from '../src/app/logger.js';
import { parseConfig } from '../src/config/load.js';
import { renderChart } from '../src/tui/panes/chart.js';
import { initialUi } from '../src/tui/store/ui-state.js';
import { ViewStore } from '../src/tui/store/view-store.js';
import { makeTheme } from '../src/tui/theme/theme.js';

export interface ChartFrameFigures {
  memoMs: number;
  rereadMs: number;
  frames: number;
}

export async function benchChartFrame(frames = 300): Promise<ChartFrameFigures> {
  const config = parseConfig({ paper: { speed: 1000, replayFrom: '2026-01-01T00:00:00Z', instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] } });
  const app = await createApp({ config, dataDir: mkdtempSync(join(tmpdir(), 'tradetui-bench-chart-')), logger: createLogger(null) });
  try {
    await app.start();
    await new Promise((r) => setTimeout(r, 500)); // a few hundred candles replayed
    app.send({ type: 'pause', by: 'keyboard' });
    const store = new ViewStore(app, { maxFps: 30, manual: true });
    store.flush();
    const view = store.get();
    const theme = makeTheme({ color: true, unicode: true });
    // the chart pane of a 120x40 terminal with volume and RSI under the price
    const props = { api: app, ui: { ...initialUi, chart: { ...initialUi.chart, panels: 2 } }, theme, width: 66, height: 18, focused: true };
    const time = (bump: boolean): number => {
      renderChart({ ...props, view });
      const t0 = performance.now();
      for (let i = 0; i < frames; i++) renderChart({ ...props, view: bump ? { ...view, marketVersion: { ...view.marketVersion, 'BTC/USDT|1h': -1 - i } } : view });
      return (performance.now() - t0) / frames;
    };
    const rereadMs = time(true);
    const memoMs = time(false);
    store.dispose();
    return { memoMs, rereadMs, frames };
  } finally {
    await app.stop();
  }
}
