// An ML instance in the paper-trading app: the composition root loads its model (prepare) like backtest
// does, the instance starts with the shipped model, and backtesting it from the app (the TUI's `b`) works.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { runCommand } from '../../../src/adapters/notify/telegram/commands.js';
import { detailsOf } from '../../../src/tui/details.js';
import type { ViewSnapshot } from '../../../src/tui/store/view-store.js';
import { tempDir } from '../../support/run-cli.js';

describe('ml-classifier as a paper instance', () => {
  it('loads the shipped model, runs, and backtests from the app', async () => {
    const config = parseConfig({ paper: { instances: [{ strategy: 'ml-classifier', symbol: 'BTC/USDT', timeframe: '1h', params: { enter: 0.4 } }] } });
    const app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) });
    try {
      const inst = app.snapshot().instances[0]!;
      expect(inst.strategy).toBe('ml-classifier');
      expect(inst.params).toMatchObject({ model: 'mlp-btcusdt-1h-shipped', enter: 0.4 });
      const r = await app.backtest(inst.id);
      expect(r.metrics.trades).toBeGreaterThan(0);
    } finally {
      await app.stop();
    }
  }, 300_000);
});

describe('the model of an ML instance, shown to the trader', () => {
  it("the TUI's instance window and Telegram's /strategies show the model, its spans, figures against the baselines and the newest prediction", async () => {
    const config = parseConfig({
      paper: {
        instances: [
          { strategy: 'ml-ensemble', symbol: 'BTC/USDT', timeframe: '1h' },
          { strategy: 'ml-forecast', symbol: 'BTC/USDT', timeframe: '1h' },
          { strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' },
        ],
      },
    });
    const app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) });
    try {
      const snap = app.snapshot();
      const [ens, fc, plain] = snap.instances;
      expect(plain!.model).toBeUndefined();
      expect(ens!.model).toMatchObject({ id: 'ensemble-btcusdt-1h-shipped', kind: 'ensemble', series: ['pDown', 'pFlat', 'pUp'], horizon: 4 });
      expect(ens!.model!.figures.map((f) => f.name)).toEqual(['model', 'majority class', 'member mlp-btcusdt-1h-shipped', 'member gbt-btcusdt-1h-shipped']);
      // Preloaded history ends in a prediction: three probabilities summing to 1.
      const v = ens!.model!.latest!.values;
      expect(v.pUp! + v.pFlat! + v.pDown!).toBeCloseTo(1, 5);
      expect(fc!.model!.latest!.values.forecast).toEqual(expect.any(Number));

      const view = { engine: snap } as ViewSnapshot;
      const lines = detailsOf(view, { pane: 'strategies', key: ens!.id })!.lines;
      expect(lines).toContain('model      ensemble-btcusdt-1h-shipped (ensemble)');
      expect(lines.some((l) => /^trained {4}2022-01-03 → 2023-08-08, validated 2023-08-08 → 2023-12-31$/.test(l))).toBe(true);
      expect(lines.some((l) => /^ {2}model +bal\.acc 0\.\d{3} {2}MCC /.test(l))).toBe(true);
      expect(lines.some((l) => /^ {2}majority class +bal\.acc 0\.333/.test(l))).toBe(true);
      expect(lines.find((l) => l.startsWith('prediction '))).toMatch(/^prediction (up|flat|down) \d+\.\d% \(up \d+\.\d%, flat \d+\.\d%, down \d+\.\d%\) at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      const fcLines = detailsOf(view, { pane: 'strategies', key: fc!.id })!.lines;
      expect(fcLines.some((l) => /^ {2}persistence +MAE 0\.\d{5} {2}dir\.acc/.test(l))).toBe(true);
      expect(fcLines.find((l) => l.startsWith('prediction '))).toMatch(/^prediction forecast [+-]\d+\.\d\d% over 4 candles at /);

      const answer = runCommand('strategies', '', { api: app, timeZone: 'UTC', now: Date.now(), chartPoints: 40, chartHeight: 8 });
      expect(answer.kind).toBe('text');
      const text = (answer as { text: string }).text;
      expect(text).toMatch(/ml-ensemble BTC\/USDT 1h · 0 trades · [^\n]*\n {3}model ensemble-btcusdt-1h-shipped · (up|flat|down) \d+\.\d%/);
      expect(text).toMatch(/model gru-forecast-btcusdt-1h-shipped · forecast [+-]\d+\.\d\d% over 4 candles/);
      expect(text.match(/ {3}model /g)).toHaveLength(2);
    } finally {
      await app.stop();
    }
  }, 300_000);
});
