// After a restart the TUI's Signals and Alerts panes list as many rows as before, not only the newest 100
// (issue 15): the app's snapshot carries as many stored rows as the panes keep.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { tempDir } from '../../support/run-cli.js';

describe('restart keeps the listed rows', () => {
  it('250 alerts and 250 decisions come back after a restart', async () => {
    const dataDir = tempDir();
    const config = parseConfig({ paper: { instances: [] } });
    const first = await createApp({ config, dataDir, logger: createLogger(null) });
    const t0 = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 250; i++) {
      first.bus.emit({ type: 'alert', alert: { id: `x${i}`, time: t0 + i * 60_000, severity: 'info', category: 'trade', message: `alert ${i}` } });
      first.bus.emit({ type: 'decision', instanceId: 'ma-cross@binance:BTC/USDT:1h', strategy: 'ma-cross', symbol: 'BTC/USDT', time: t0 + i * 60_000, action: 'exit', reason: `decision ${i}` });
    }
    await first.stop();
    const again = await createApp({ config, dataDir, logger: createLogger(null) });
    try {
      const snap = again.snapshot();
      expect(snap.alerts.length).toBeGreaterThanOrEqual(250);
      expect(snap.signals).toHaveLength(250);
      expect(snap.signals[0]!.reason).toBe('decision 249');
    } finally {
      await again.stop();
    }
  });
});
