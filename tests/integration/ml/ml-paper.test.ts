// An ML instance in the paper-trading app: the composition root loads its model (prepare) like backtest
// does, the instance starts with the shipped model, and backtesting it from the app (the TUI's `b`) works.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
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
