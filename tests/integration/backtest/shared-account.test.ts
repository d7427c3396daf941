// A multi-symbol backtest is one account by default: `tradetui backtest --symbol A,B` stores one run over both
// markets (one balance, a per-symbol breakdown), and --separate keeps one account per symbol. The shared-account
// backtest equals a paper replay of the same instances on the same candles, trade for trade.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { runPortfolioBacktest } from '../../../src/backtest/portfolio.js';
import { lowerBound, seriesSlice } from '../../../src/core/candle.js';
import { SqliteCandleStore } from '../../../src/adapters/store/sqlite/candle-cache.js';
import { builtinStrategies, getStrategy } from '../../../src/strategy/registry.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { tempDir } from '../../support/run-cli.js';
// The command's output is under test, not the process: in-process runs (tests/e2e keeps the process tests).
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const ARGS = ['backtest', '--strategy', 'rsi-macd', '--symbol', 'BTC/USDT,ETH/USDT', '--timeframe', '1h', '--from', '2026-01-01', '--to', '2026-03-01'];

describe('tradetui backtest over several symbols', () => {
  it('is one shared account by default, with a per-symbol breakdown in the report and in --json', async () => {
    const dataDir = tempDir();
    const cli = await runCli([...ARGS, '--json'], { dataDir });
    expect(cli.code, cli.stderr).toBe(0);
    const { runs } = JSON.parse(cli.stdout);
    expect(runs).toHaveLength(1);
    const run = runs[0];
    expect(run.account).toBe('shared');
    expect(run.symbol).toBe('BTC/USDT,ETH/USDT');
    expect(run.initialBalance).toBe(10_000);
    // One balance: the curve starts at it (two accounts would have been two curves of 10,000 each).
    expect(run.equityCurve[0].equity).toBeCloseTo(10_000, -2);
    const symbols = new Set(run.trades.map((t: { symbol: string }) => t.symbol));
    expect(symbols).toEqual(new Set(['BTC/USDT', 'ETH/USDT']));
    expect(run.markets.map((m: { symbol: string }) => m.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    // The breakdown adds up to the account: trades and P&L.
    const byMarket = run.markets as Array<{ trades: number; pnl: number; buyHoldReturnPct: number }>;
    expect(byMarket.reduce((a, m) => a + m.trades, 0)).toBe(run.trades.length);
    const pnl = run.trades.reduce((a: number, t: { pnl: number }) => a + t.pnl, 0);
    expect(byMarket.reduce((a, m) => a + m.pnl, 0)).toBeCloseTo(pnl, 6);
    expect(run.metrics.finalEquity).toBeCloseTo(10_000 + pnl, 6);
    // Every entry sent filled (or is listed with its reason).
    expect(run.entryOrders).toBe(run.trades.length + run.unfilledEntries.length);

    // The human report: the shared line, the per-symbol table; `backtest show` prints it again the same way.
    const human = await runCli([...ARGS, '--no-charts'], { dataDir });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/Shared\s+one account over 2 markets/);
    expect(human.stdout).toMatch(/Symbol\s+Trades\s+P&L\s+Win rate\s+Fees\s+Buy & hold/);
    expect(human.stdout).toMatch(/^BTC\/USDT\s+\d+/m);
    expect(human.stdout).toMatch(/^ETH\/USDT\s+\d+/m);
    expect(human.stdout).toMatch(/Entries\s+\d+ sent, \d+ filled, \d+ not filled/);
    const show = await runCli(['backtest', 'show', '--json'], { dataDir });
    expect(JSON.parse(show.stdout).runs[0].trades).toEqual(run.trades);
  }, 120_000);

  it('--separate runs one account per symbol', async () => {
    const cli = await runCli([...ARGS, '--separate', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const { runs } = JSON.parse(cli.stdout);
    expect(runs.map((r: { symbol: string }) => r.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    for (const r of runs) {
      expect(r.account).toBeUndefined();
      expect(r.equityCurve[0].equity).toBeCloseTo(10_000, -2);
    }
  });

  it('--walk-forward over several symbols asks for --separate', async () => {
    const cli = await runCli(['backtest', '--strategy', 'ml-classifier', '--symbol', 'BTC/USDT,ETH/USDT', '--timeframe', '1h', '--walk-forward', 'train=30d,test=10d']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/--walk-forward: .*add --separate to run each symbol as its own account/);
  });
});

describe('shared-account backtest and paper replay agree', () => {
  for (const slippageModel of ['fixed', 'sqrt-impact'] as const) it(`two instances (BTC/USDT and ETH/USDT 1h) in one paper account make the trades the portfolio backtest makes (${slippageModel} slippage)`, async () => {
    const replayFrom = '2026-02-01T00:00:00Z';
    const name = 'rsi-macd';
    const config = parseConfig({
      account: { balance: 10000, fee: 0.001, slippage: 0.0005, slippageModel, impactK: 20 },
      risk: { sizing: { pct: 40 }, limits: { maxPositionPct: 40, maxSymbolPct: 40, maxTotalExposurePct: 50 } },
      paper: {
        speed: 1000,
        replayFrom,
        instances: [
          { strategy: name, symbol: 'BTC/USDT', timeframe: '1h' },
          { strategy: name, symbol: 'ETH/USDT', timeframe: '1h' },
        ],
      },
    });
    app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) });
    const ended = new Promise<void>((resolve) => app!.bus.on('feed', (e) => e.status === 'ended' && resolve()));
    await app.start();
    await ended;
    const paper = app.trades({}).reverse();
    const open = app.snapshot().positions;

    const store = new SqliteCandleStore(app.db);
    const strategy = getStrategy(name, builtinStrategies());
    const markets = ['BTC/USDT', 'ETH/USDT'].map((symbol) => {
      const key = { exchange: 'binance', symbol, timeframe: '1h' as const };
      const bufferStart = app!.db.prepare('SELECT buffer_start FROM instances WHERE symbol = ?').pluck().get(symbol) as number;
      const all = store.read(key);
      const candles = seriesSlice(all, lowerBound(all, bufferStart), all.length);
      return { key, candles, tradeFrom: lowerBound(candles, Date.parse(replayFrom)) };
    });
    const bt = runPortfolioBacktest({ strategy, params: resolveParams(strategy, {}), markets, account: config.account, risk: config.risk });
    const strip = ({ id: _id, instanceId: _i, ...t }: { id: string; instanceId: string }) => t;
    expect(paper.length).toBeGreaterThan(10);
    expect(new Set(paper.map((t) => t.symbol)).size).toBe(2);
    expect(paper.map(strip)).toEqual(bt.trades.filter((t) => t.exitReason !== 'end').map(strip));
    // Positions the backtest closed at the end are still open in paper, at the same entries.
    const ended2 = bt.trades.filter((t) => t.exitReason === 'end').map((t) => [t.symbol, t.entryTime, t.entryPrice, t.qty]);
    expect(open.map((p) => [p.symbol, p.entryTime, p.entryPrice, p.qty]).sort()).toEqual(ended2.sort());
    // Under sqrt-impact the fills really paid more than the fixed rate (the model was in force on both sides).
    if (slippageModel === 'sqrt-impact') {
      const fills = app.db.prepare("SELECT f.price, json_extract(o.body, '$.market.sigma') AS sigma FROM fills f JOIN orders o ON o.id = f.order_id WHERE f.purpose = 'entry'").all() as Array<{ price: number; sigma: number | null }>;
      expect(fills.length).toBeGreaterThan(5);
      expect(fills.every((f) => typeof f.sigma === 'number' && f.sigma > 0)).toBe(true);
    }
  });
});
