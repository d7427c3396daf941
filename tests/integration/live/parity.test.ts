// The live–paper parity meter on the local Binance through real ccxt: each live fill is recorded against the
// decision candle's close and against the shadow simulated broker's fill of the same decision, with fees,
// delay and running totals; the records and the shadow's own account survive a restart; `tradetui slippage`
// reports what the fills cost and the backtest slippage that matches.
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveApp, type LiveApp } from '../../../src/app/live.js';
import { createLogger } from '../../../src/app/logger.js';
import type { Candle } from '../../../src/core/candle.js';
import type { EngineEvent } from '../../../src/core/events.js';
import type { ParityRow } from '../../../src/engine/ports.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { liveConfig, nextEvent } from '../../support/live-app.js';
import { tempDir } from '../../support/run-cli.js';
import { cliInProcess } from '../../support/cli-in-process.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const H = 3_600_000;
const SLIPPAGE = 0.0005; // the account's simulated slippage (the shadow's)
const FEE = 0.001;
let fake: FakeBinance | undefined;
let app: LiveApp | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.close();
  app = fake = undefined;
});

const filled = (purpose: 'entry' | 'exit') => (e: EngineEvent) => e.type === 'order' && e.order.status === 'filled' && e.order.purpose === purpose;

describe('live–paper parity meter', { timeout: 120_000 }, () => {
  it('records each live fill against the decision close and the simulated fill, exactly, with running totals that survive a restart', async () => {
    fake = await FakeBinance.start({ now: Date.UTC(2026, 2, 10, 10, 30), balances: { USDT: 10_000 } });
    const { config, configFile } = liveConfig(fake, { account: { slippage: SLIPPAGE, fee: FEE } });
    const dataDir = tempDir();
    // The engine clock moves 250 ms with every order the exchange receives: a decision is taken before its
    // order is sent and its fill booked after, so each delay is exactly 250 ms.
    const placed = () => fake!.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order').length;
    const now = () => fake!.now + placed() * 250;
    const open = () => createLiveApp({ config, configSource: configFile, dataDir, logger: createLogger(null), now, reconcileMs: 60_000, pollOrdersMs: 100, brokerOptions: { lookupDelayMs: 20, acceptWindowMs: 300 } });
    app = await open();

    // Each closed candle: the exchange's price is set off the close by a known amount before the order leaves
    // (the candle event comes before the decision, in the same step): buys 20 bps above, sells 10 bps below.
    const candles: Candle[] = [];
    const offsets = { buy: 0.002, sell: -0.001 };
    const watch = (a: LiveApp) =>
      a.bus.on('candle', (e) => {
        candles.push(e.candle);
        const holding = a.kernel.portfolio.positions.size > 0;
        fake!.setPrice('BTCUSDT', e.candle.close * (1 + (holding ? offsets.sell : offsets.buy)));
      });
    watch(app);
    await app.start();

    // Candle 1: entry. Candle 2: exit (the shadow's entry fills at candle 2's open). Candle 3: entry again (the
    // shadow's exit fills at candle 3's open).
    for (const purpose of ['entry', 'exit', 'entry'] as const) {
      const done = nextEvent(app.bus, filled(purpose));
      fake.now += H;
      await done;
      await app.broker.idle();
    }
    const [c1, c2, c3] = candles;
    const live = [...fake.orders.values()].map((o) => ({ qty: o.executedQty, price: o.cummulativeQuoteQty / o.executedQty }));
    expect(live).toHaveLength(3);
    const rows = app.snapshot().live!.parity;
    expect(rows.map((r) => [r.purpose, r.side])).toEqual([['entry', 'buy'], ['exit', 'sell'], ['entry', 'buy']]);
    const [entry, exit, entry2] = rows as [ParityRow, ParityRow, ParityRow];

    // Against the decision candle's close: +20 bps paid on the buy, +10 on the sell.
    expect(entry.reference).toBe(c1!.close);
    expect(entry.livePrice).toBeCloseTo(c1!.close * 1.002, 6);
    expect(entry.slippageBps).toBeCloseTo(20, 6);
    expect(entry.slippage).toBeCloseTo(live[0]!.qty * c1!.close * 0.002, 8);
    expect(exit.reference).toBe(c2!.close);
    expect(exit.slippageBps).toBeCloseTo(10, 6);
    expect(exit.slippage).toBeCloseTo(live[1]!.qty * c2!.close * 0.001, 8);
    expect(entry2.slippageBps).toBeCloseTo(20, 6);
    // The running total.
    expect(exit.totalSlippage).toBeCloseTo(entry.slippage! + exit.slippage!, 8);
    expect(entry2.totalSlippage).toBeCloseTo(entry.slippage! + exit.slippage! + entry2.slippage!, 8);

    // Against the shadow: market orders fill at the next candle's open with the account's slippage.
    expect(entry.simPrice).toBeCloseTo(c2!.open * (1 + SLIPPAGE), 6);
    expect(entry.vsSimBps).toBeCloseTo(((c1!.close * 1.002 - c2!.open * (1 + SLIPPAGE)) / (c2!.open * (1 + SLIPPAGE))) * 10_000, 6);
    expect(exit.simPrice).toBeCloseTo(c3!.open * (1 - SLIPPAGE), 6);
    expect(exit.vsSimBps).toBeCloseTo((-(c2!.close * 0.999 - c3!.open * (1 - SLIPPAGE)) / (c3!.open * (1 - SLIPPAGE))) * 10_000, 6);
    // The third decision's simulated fill waits for candle 4's open.
    expect(entry2.simPrice).toBeNull();
    expect(entry2.simStatus).toBeNull();
    // Fees: the exchange's commission (in BTC on buys, valued in quote) and the simulator's fee rate.
    expect(entry.liveFeeBps).toBeCloseTo(FEE * 10_000, 4);
    expect(entry.simFeeBps).toBeCloseTo(FEE * 10_000, 6);
    expect(exit.liveFee).toBeCloseTo(live[1]!.qty * live[1]!.price * FEE, 8);
    // Decision → fill: one order request in between.
    expect(rows.map((r) => r.delayMs)).toEqual([250, 250, 250]);
    const summary = app.snapshot().live!.paritySummary!;
    expect(summary).toMatchObject({ trades: 3, paired: 2, liveOnly: 1, simOnly: 0 });
    expect(summary.totalSlippage).toBeCloseTo(entry2.totalSlippage, 8);
    // The shadow is its own account: it holds the entry it made at candle 2 and closed at candle 3.
    expect(app.parity.simulated.closedTrades).toHaveLength(1);
    expect(app.parity.simulated.portfolio.cash).not.toBe(app.kernel.portfolio.cash);

    // Restart: the records and the shadow's working entry come back; candle 4 fills the shadow's entry.
    const before = JSON.stringify(rows);
    await app.stop();
    app = await open();
    expect(JSON.stringify(app.snapshot().live!.parity)).toBe(before);
    expect(app.parity.simulated.pendingOrders()).toHaveLength(1);
    expect(app.parity.simulated.closedTrades).toHaveLength(1);
    candles.length = 0;
    watch(app);
    await app.start();
    const exit2 = nextEvent(app.bus, filled('exit'));
    fake.now += H;
    await exit2;
    await app.broker.idle();
    const after = app.snapshot().live!.parity;
    expect(after).toHaveLength(4);
    expect(after[2]!.simPrice).toBeCloseTo(candles[0]!.open * (1 + SLIPPAGE), 6);
    expect(after[3]!.slippageBps).toBeCloseTo(10, 6);
    expect(after[3]!.totalSlippage).toBeCloseTo(entry2.totalSlippage + after[3]!.slippage!, 8);
    await app.stop();
    app = undefined;

    // `tradetui slippage` over the same fills: 2 buys at 20 bps, 2 sells at 10 bps.
    // Its own config file: the exchange account's name is all it needs (no keys: nothing is asked of the exchange).
    const cliConfig = join(tempDir(), 'config.yaml');
    writeFileSync(cliConfig, stringify({ exchange: { name: 'binance' }, account: { slippage: SLIPPAGE } }));
    const r = await cliInProcess(['slippage', '--json', '--config', cliConfig], { dataDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.fills).toBe(4);
    expect(report.overall.count).toBe(4);
    expect(report.bySide.buy.meanBps).toBeCloseTo(20, 6);
    expect(report.bySide.sell.meanBps).toBeCloseTo(10, 6);
    expect(report.overall.medianBps).toBeCloseTo(15, 6);
    const cost = after.reduce((s, x) => s + x.slippage!, 0);
    expect(report.overall.cost).toBeCloseTo(cost, 8);
    const notional = after.reduce((s, x) => s + x.qty * x.reference!, 0);
    expect(report.suggestedSlippage).toBeCloseTo(cost / notional, 10);
  });
});
