// Backtest must predict paper: a paper replay over a span of candles produces exactly the trades that the
// backtest gives on the same candles and settings.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { runBacktest } from '../../../src/backtest/run.js';
import { lowerBound, seriesSlice } from '../../../src/core/candle.js';
import { SqliteCandleStore } from '../../../src/adapters/store/sqlite/candle-cache.js';
import { builtinStrategies, getStrategy } from '../../../src/strategy/registry.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { runCli, tempDir } from '../../support/run-cli.js';
import { tradeJson } from '../../../src/backtest/report.js';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function replayToEnd(a: App): Promise<void> {
  const ended = new Promise<void>((resolve) => a.bus.on('feed', (e) => e.status === 'ended' && resolve()));
  await a.start();
  await ended;
}

describe('paper replay and backtest agree', () => {
  for (const name of ['ma-cross', 'rsi-macd', 'bollinger-reversion']) {
    it(`${name}: same trades, same prices, same P&L on 1200 real candles`, async () => {
      const replayFrom = '2026-02-10T00:00:00Z';
      const config = parseConfig({
        account: { balance: 10000, fee: 0.001, slippage: 0.0005 },
        paper: { speed: 1000, replayFrom, instances: [{ strategy: name, symbol: 'BTC/USDT', timeframe: '1h' }] },
      });
      app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) });
      await replayToEnd(app);
      const paper = app.trades({}).reverse();
      const inst = app.snapshot().instances[0]!;
      const open = app.snapshot().positions;

      // The same candles: the instance's warm-up history plus the replayed span.
      const store = new SqliteCandleStore(app.db);
      const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
      const bufferStart = app.db.prepare('SELECT buffer_start FROM instances').pluck().get() as number;
      const all = store.read(key);
      const candles = seriesSlice(all, lowerBound(all, bufferStart), all.length);
      const strategy = getStrategy(name, builtinStrategies());
      const bt = runBacktest({
        strategy,
        params: resolveParams(strategy, {}),
        key,
        candles,
        tradeFrom: lowerBound(candles, Date.parse(replayFrom)),
        account: config.account,
        risk: config.risk,
      });
      const closedBySignal = bt.trades.filter((t) => t.exitReason !== 'end');
      expect(paper.length).toBeGreaterThan(3);
      expect(paper.map(({ id: _id, instanceId: _i, ...t }) => t)).toEqual(closedBySignal.map(({ id: _id, instanceId: _i, ...t }) => t));
      // A position the backtest closed at the end is still open in paper, at the same entry.
      const ended = bt.trades.find((t) => t.exitReason === 'end');
      expect(open.map((p) => [p.entryTime, p.entryPrice, p.qty])).toEqual(ended ? [[ended.entryTime, ended.entryPrice, ended.qty]] : []);
      expect(inst.trades).toBe(paper.length);
    });
  }

  it('`tradetui backtest --from T` gives the trades a paper replay from T makes (ma-cross, defaults)', async () => {
    const replayFrom = '2026-02-10T00:00:00Z';
    const dataDir = tempDir();
    const config = parseConfig({ paper: { speed: 1000, replayFrom, instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] } });
    app = await createApp({ config, dataDir, logger: createLogger(null) });
    await replayToEnd(app);
    const paper = app.trades({}).reverse();
    await app.stop();
    app = undefined;
    const cli = await runCli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', replayFrom, '--json'], { dataDir });
    expect(cli.code, cli.stderr).toBe(0);
    const bt = JSON.parse(cli.stdout).runs[0].trades.filter((t: { exitReason: string }) => t.exitReason !== 'end');
    expect(paper.length).toBeGreaterThan(3);
    // The CLI's JSON is the report's tradeJson of each trade: compare the paper trades in that same shape.
    expect(bt).toEqual(paper.map(tradeJson));
  });
});
