// The TUI's `b`: backtest a running instance's strategy and params on the cached candles, stored like any run.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { getRun } from '../../../src/backtest/runs.js';
import { tempDir } from '../../support/run-cli.js';

describe('app.backtest(instanceId)', () => {
  it('runs the instance with its params on all cached candles and stores the run', async () => {
    const config = parseConfig({ paper: { instances: [{ strategy: 'ma-cross', symbol: 'ETH/USDT', timeframe: '1h', params: { fast: 12, slow: 40 } }] } });
    const app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) });
    try {
      const id = app.snapshot().instances[0]!.id;
      const r = await app.backtest(id);
      const stored = getRun(app.db, r.runId)!;
      expect(stored.strategy).toBe('ma-cross');
      expect(stored.symbol).toBe('ETH/USDT');
      expect(stored.params).toMatchObject({ fast: 12, slow: 40 });
      expect(r.metrics.trades).toBe(stored.trades.length);
      expect(r.metrics.finalEquity).toBeCloseTo(stored.metrics.finalEquity, 6);
      expect(r.equity.length).toBeGreaterThan(100);
      expect(r.equity.length).toBeLessThan(500);
      await expect(app.backtest('nope')).rejects.toThrow(/no strategy instance/);
    } finally {
      await app.stop();
    }
  });
});
