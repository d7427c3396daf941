// A restart brings back the account without firing old protections again (no duplicate events or alerts),
// and a halt that was in force stays in force.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { tempDir } from '../../support/run-cli.js';

describe('restart with protections', () => {
  it('stores no protection twice and keeps a kill-switch halt', async () => {
    const dataDir = tempDir();
    const config = parseConfig({
      risk: { protections: { cooldown: { minutes: 600 } } },
      paper: { speed: 1000, replayFrom: '2026-03-01', instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] },
    });
    const first = await createApp({ config, dataDir, logger: createLogger(null) });
    const ended = new Promise<void>((r) => first.bus.on('feed', (e) => e.status === 'ended' && r()));
    await first.start();
    await ended;
    await first.send({ type: 'kill', by: 'keyboard' });
    const count = (sql: string) => first.db.prepare(sql).pluck().get() as number;
    const protections = count('SELECT COUNT(*) FROM protection_events');
    const alerts = count('SELECT COUNT(*) FROM alerts');
    expect(protections).toBeGreaterThan(1);
    await first.stop();

    const again = await createApp({ config, dataDir, logger: createLogger(null) });
    try {
      const n = (sql: string) => again.db.prepare(sql).pluck().get() as number;
      expect(n('SELECT COUNT(*) FROM protection_events')).toBe(protections);
      expect(n('SELECT COUNT(*) FROM alerts')).toBe(alerts);
      expect(again.snapshot().state).toBe('halted');
      expect(again.snapshot().protections.map((p) => p.name)).toContain('killSwitch');
      // resuming lifts it
      await again.send({ type: 'resume', by: 'keyboard' });
      expect(again.snapshot().state).toBe('running');
      expect(again.snapshot().protections.map((p) => p.name)).not.toContain('killSwitch');
    } finally {
      await again.stop();
    }
  });
});
