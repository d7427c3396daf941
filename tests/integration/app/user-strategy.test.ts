// A trader's own strategy, in a folder named relative to their config file, trades in paper mode like a built-in.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { tempDir } from '../../support/run-cli.js';

const STRATEGY = `
export default {
  name: 'every-tenth',
  description: 'enters on every 10th candle, exits 5 candles later (a test strategy)',
  timeframe: '1h',
  params: [],
  warmup: () => 1,
  compute: () => ({}),
  decide(i, _input, position) {
    if (!position && i % 10 === 0) return { action: 'enter-long', reason: 'tenth candle' };
    if (position && i % 10 === 5) return { action: 'exit', reason: 'fifth candle after' };
    return null;
  },
};
`;

describe('user strategies in paper trading', () => {
  it('loads strategiesDir relative to the config file and trades the strategy', async () => {
    const home = tempDir();
    mkdirSync(join(home, 'mine'));
    writeFileSync(join(home, 'mine', 'every-tenth.js'), STRATEGY);
    const config = parseConfig({ strategiesDir: './mine', paper: { speed: 1000, replayFrom: '2026-03-20', instances: [{ strategy: 'every-tenth', symbol: 'BTC/USDT', timeframe: '1h' }] } });
    const app = await createApp({ config, configSource: join(home, 'config.yaml'), dataDir: tempDir(), logger: createLogger(null) });
    try {
      expect(app.strategies().map((s) => s.name)).toContain('every-tenth');
      const ended = new Promise<void>((r) => app.bus.on('feed', (e) => e.status === 'ended' && r()));
      await app.start();
      await ended;
      const trades = app.trades({});
      expect(trades.length).toBeGreaterThan(5);
      expect(trades.every((t) => t.strategy === 'every-tenth')).toBe(true);
    } finally {
      await app.stop();
    }
  });
});
