// `tradetui slippage` over parity records in the live database of the configured exchange account: a clear
// message before any live fill (and no database created), the figures by side and symbol with the derived
// backtest setting, the --instance and --since filters, and a bad date named by its flag.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { liveDbFile } from '../../../src/app/live.js';
import { ParityStore } from '../../../src/live/parity-store.js';
import { cliInProcess } from '../../support/cli-in-process.js';
import { tempDir } from '../../support/run-cli.js';

const T0 = Date.UTC(2026, 2, 1);
const H = 3_600_000;
const BTC = 'ma-cross@binance:BTC/USDT:1h';
const ETH = 'ma-cross@binance:ETH/USDT:1h';

function setup(): { dataDir: string; config: string } {
  const dataDir = tempDir();
  const config = join(tempDir(), 'config.yaml');
  writeFileSync(config, stringify({ exchange: { name: 'binance' }, account: { slippage: 0.0002 } }));
  return { dataDir, config };
}

/** A decision that filled live at `price` against `reference` (and on paper at `sim`, if given). */
function record(store: ParityStore, o: { instanceId: string; symbol: string; side: 'buy' | 'sell'; at: number; reference: number; price: number; qty: number; sim?: number }): void {
  const id = { instanceId: o.instanceId, symbol: o.symbol, side: o.side, purpose: o.side === 'buy' ? ('entry' as const) : ('exit' as const), exitReason: o.side === 'sell' ? 'signal' : undefined, createdAt: o.at };
  store.liveSent({ ...id, id: `o${o.at}` }, o.reference, o.at + H + 100);
  store.liveDone(id, { qty: o.qty, price: o.price, fee: o.qty * o.price * 0.001, filledAt: o.at + H + 400 }, 'filled');
  if (o.sim !== undefined) {
    store.simSent(id, o.reference);
    store.simDone(id, { qty: o.qty, price: o.sim, fee: o.qty * o.sim * 0.001, filledAt: o.at + H }, 'filled');
  }
}

describe('tradetui slippage', () => {
  it('says there are no live fills yet, without creating the live database', async () => {
    const { dataDir, config } = setup();
    const r = await cliInProcess(['slippage', '--config', config], { dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No live fills yet on binance\./);
    expect(r.stdout).toMatch(/tradetui --live/);
    expect(existsSync(liveDbFile(dataDir, { name: 'binance', sandbox: false }))).toBe(false);
    const j = await cliInProcess(['slippage', '--json', '--config', config], { dataDir });
    expect(JSON.parse(j.stdout)).toMatchObject({ fills: 0, overall: null, suggestedSlippage: null });
  });

  it('reports count, mean, median and p90 by side and symbol, the cost, and the account.slippage that matches; filters by instance and date', async () => {
    const { dataDir, config } = setup();
    const db = openDb(liveDbFile(dataDir, { name: 'binance', sandbox: false }));
    const store = new ParityStore(db);
    // BTC buys paid 10, 20 and 30 bps; a BTC sell 10 bps; an ETH buy got 5 bps better than its decision.
    record(store, { instanceId: BTC, symbol: 'BTC/USDT', side: 'buy', at: T0, reference: 50_000, price: 50_050, qty: 0.1, sim: 50_025 });
    record(store, { instanceId: BTC, symbol: 'BTC/USDT', side: 'sell', at: T0 + H, reference: 50_000, price: 49_950, qty: 0.1 });
    record(store, { instanceId: BTC, symbol: 'BTC/USDT', side: 'buy', at: T0 + 2 * H, reference: 50_000, price: 50_100, qty: 0.1 });
    record(store, { instanceId: BTC, symbol: 'BTC/USDT', side: 'buy', at: T0 + 3 * H, reference: 50_000, price: 50_150, qty: 0.1 });
    record(store, { instanceId: ETH, symbol: 'ETH/USDT', side: 'buy', at: T0 + 4 * H, reference: 2_000, price: 1_999, qty: 1 });
    // A decision the live engine has not filled (still working): not a fill.
    store.liveSent({ instanceId: BTC, symbol: 'BTC/USDT', side: 'sell', purpose: 'exit', exitReason: 'signal', createdAt: T0 + 5 * H, id: 'o-working' }, 50_000, T0 + 6 * H);
    db.close();

    const j = JSON.parse((await cliInProcess(['slippage', '--json', '--config', config], { dataDir })).stdout);
    expect(j.fills).toBe(5);
    expect(j.overall.count).toBe(5);
    // bps: 10, 10, 20, 30, -5
    expect(j.overall.meanBps).toBeCloseTo(13, 9);
    expect(j.overall.medianBps).toBeCloseTo(10, 9);
    expect(j.overall.p90Bps).toBeCloseTo(26, 9); // type 7: 20 + 0.6 × (30 − 20)
    expect(j.bySide.buy.count).toBe(4);
    expect(j.bySide.buy.meanBps).toBeCloseTo((10 + 20 + 30 - 5) / 4, 9);
    expect(j.bySide.sell.meanBps).toBeCloseTo(10, 9);
    expect(j.bySymbol['BTC/USDT'].meanBps).toBeCloseTo(17.5, 9);
    expect(j.bySymbol['ETH/USDT'].cost).toBeCloseTo(-1, 9);
    // Cost: 5 + 5 + 10 + 15 − 1 = 34 USDT on 4 × 5,000 + 2,000 of notional.
    expect(j.overall.cost).toBeCloseTo(34, 9);
    expect(j.suggestedSlippage).toBeCloseTo(34 / 22_000, 12);
    expect(j.vsSimulated).toMatchObject({ count: 1 });
    expect(j.vsSimulated.meanBps).toBeCloseTo((25 / 50_025) * 10_000, 9);

    const human = (await cliInProcess(['slippage', '--config', config], { dataDir })).stdout;
    expect(human).toMatch(/Slippage paid on 5 live fill\(s\) on binance/);
    expect(human).toMatch(/^all\s+5\s+\+13\.0\s+\+10\.0\s+\+26\.0\s+34\.00$/m);
    expect(human).toMatch(/^sell\s+1\s+\+10\.0/m);
    expect(human).toMatch(/^ETH\/USDT\s+1\s+−5\.0/m);
    expect(human).toMatch(/Suggested backtest setting: account\.slippage: 0\.00155 \(now 0\.0002\)\n {2}or: tradetui backtest --slippage 0\.00155\n/);
    expect(human).toMatch(/How it is derived/);
    expect(human.split('\n').every((l) => [...l].length <= 80)).toBe(true);

    const eth = JSON.parse((await cliInProcess(['slippage', '--json', '--instance', ETH, '--config', config], { dataDir })).stdout);
    expect(eth.fills).toBe(1);
    expect(eth.suggestedSlippage).toBe(0);
    const late = JSON.parse((await cliInProcess(['slippage', '--json', '--since', new Date(T0 + 4 * H).toISOString(), '--config', config], { dataDir })).stdout);
    expect(late.fills).toBe(2);
    expect(late.overall.cost).toBeCloseTo(14, 9);
    const none = await cliInProcess(['slippage', '--instance', 'nope', '--config', config], { dataDir });
    expect(none.stdout).toMatch(/No live fills yet on binance \(instance nope\)/);
  });

  it('a bad --since is a usage error naming the flag', async () => {
    const { dataDir, config } = setup();
    const r = await cliInProcess(['slippage', '--since', 'yesterday-ish', '--config', config], { dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since/);
  });
});
