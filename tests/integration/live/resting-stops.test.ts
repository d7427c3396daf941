// A live position's stop-loss rests on the exchange (Binance spot: STOP_LOSS_LIMIT) through real ccxt against
// the local Binance: placed when the entry fills; triggered while tradetui is stopped, the restart books the
// exit from the exchange's fill exactly once and sends no sell; cancelled by hand, it is placed again with an
// alert; an exit by the strategy cancels it first and never sells twice (also when the stop filled in the
// meantime). Where the exchange has no stop order, stops are checked on every polled price.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLiveApp, type LiveApp } from '../../../src/app/live.js';
import { createLogger } from '../../../src/app/logger.js';
import type { EngineEvent } from '../../../src/core/events.js';
import { FakeBinance, type FakeOrder } from '../../support/fake-binance.js';
import { liveConfig, nextEvent, until } from '../../support/live-app.js';
import { tempDir } from '../../support/run-cli.js';
import { detailsOf } from '../../../src/tui/details.js';
import type { ViewSnapshot } from '../../../src/tui/store/view-store.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

const H = 3_600_000;
let fake: FakeBinance | undefined;
let apps: LiveApp[] = [];
afterEach(async () => {
  for (const a of apps) await a.stop();
  await fake?.close();
  apps = [];
  fake = undefined;
  delete (globalThis as { __guardExit?: boolean }).__guardExit;
});

/** Enters when flat with a stop 20% under the close (far from any price the fake serves); exits only when the test says so. */
const GUARD = `
export default {
  name: 'guard',
  description: 'enters with a 20% stop; exits when told (a live test strategy)',
  timeframe: '1h',
  params: [],
  warmup: () => 1,
  compute: () => ({}),
  decide(i, { candles }, position) {
    if (position) return globalThis.__guardExit ? { action: 'exit', reason: 'told to exit' } : null;
    return { action: 'enter-long', reason: 'guard in', stop: candles.close[i] * 0.8 };
  },
};
`;

const filled = (purpose: 'entry' | 'exit') => (e: EngineEvent) => e.type === 'order' && e.order.status === 'filled' && e.order.purpose === purpose && e.order.resting !== true;

async function start(dataDir: string, opts: { pollOrdersMs?: number } = {}): Promise<LiveApp> {
  const { config, configFile, home } = liveConfig(fake!, { paper: { feed: 'exchange', pollSeconds: 1, instances: [{ strategy: 'guard', symbol: 'BTC/USDT', timeframe: '1h' }] } });
  writeFileSync(join(home, 'strategies', 'guard.js'), GUARD);
  const app = await createLiveApp({ config, configSource: configFile, dataDir, logger: createLogger(null), now: () => fake!.now, reconcileMs: 60_000, pollOrdersMs: opts.pollOrdersMs ?? 100, brokerOptions: { lookupDelayMs: 20, acceptWindowMs: 300 } });
  apps.push(app);
  return app;
}

const stopsOn = (f: FakeBinance, status?: FakeOrder['status']) => [...f.orders.values()].filter((o) => o.type === 'STOP_LOSS_LIMIT' && (status === undefined || o.status === status));
const held = (a: LiveApp) => [...a.kernel.portfolio.positions.values()].reduce((s, p) => s + p.qty, 0);

/** Starts, lets one candle close (the entry), and waits for its stop to rest on the exchange. */
async function enterWithStop(dataDir: string, opts: { pollOrdersMs?: number } = {}) {
  fake ??= await FakeBinance.start({ now: Date.UTC(2026, 2, 10, 10, 30), balances: { USDT: 10_000 } });
  const app = await start(dataDir, opts);
  const entry = nextEvent(app.bus, filled('entry'));
  await app.start();
  fake.now += H;
  await entry;
  await until(() => stopsOn(fake!, 'NEW').length === 1, 10_000, 'the stop to rest on the exchange');
  await app.broker.idle();
  const position = [...app.kernel.portfolio.positions.values()][0]!;
  return { app, position, stop: stopsOn(fake, 'NEW')[0]! };
}

describe('exchange-resting protective stops', { timeout: 120_000 }, () => {
  it('placed when the entry fills; triggered while tradetui is stopped, the restart books the exit once and sends no sell', async () => {
    const dataDir = tempDir();
    const { app, position, stop } = await enterWithStop(dataDir);
    // The engine's stop order, journaled under its own client id, for the whole position.
    const resting = app.snapshot().orders.find((o) => o.resting)!;
    expect(resting).toMatchObject({ type: 'stop', purpose: 'exit', positionId: position.id, status: 'open', exitReason: 'stop_loss' });
    expect(stop).toMatchObject({ side: 'SELL', clientOrderId: resting.clientId, stopPrice: Number(app.broker.exchange.priceToPrecision('BTC/USDT', position.protection.stop!)) });
    expect(stop.origQty).toBeCloseTo(position.qty, 4);
    expect(app.broker.journal.get(resting.clientId)).toMatchObject({ kind: 'stop', state: 'working' });
    expect(app.snapshot().live!.stops).toBe('exchange');
    // The TUI's position window says where the stop is held.
    const detail = detailsOf({ engine: app.snapshot() } as ViewSnapshot, { pane: 'positions', key: position.id })!.lines;
    expect(detail.find((l) => l.startsWith('stop held'))).toMatch(new RegExp(`on binance: stop-limit at .*, open \\(${resting.clientId}\\)`));
    // `tradetui orders` says where the stops are held and which order is the position's stop.
    const configFile = join(tempDir(), 'config.yaml');
    writeFileSync(configFile, stringify({ exchange: { options: fake!.ccxtOptions() }, paper: { instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] } }));
    chmodSync(configFile, 0o600);
    const env = { TRADETUI_EXCHANGE_API_KEY: fake!.apiKey, TRADETUI_EXCHANGE_SECRET: fake!.secret };
    const listed = await runCli(['orders', '--open', '--json', '--config', configFile, '--data-dir', dataDir], { env });
    expect(listed.code, listed.stderr).toBe(0);
    const json = JSON.parse(listed.stdout) as { stops: Record<string, string>; orders: Array<Record<string, unknown>> };
    expect(json.stops).toEqual({ 'BTC/USDT': 'exchange' });
    expect(json.orders).toMatchObject([{ clientOrderId: resting.clientId, kind: 'stop', positionId: position.id, byTradetui: true }]);
    const text = await runCli(['orders', '--open', '--config', configFile, '--data-dir', dataDir], { env });
    expect(text.stdout).toMatch(/BTC\/USDT protective stops: rest on binance as stop-limit orders/);
    expect(text.stdout).toMatch(new RegExp(`tradetui stop of ${position.id}`));
    await app.stop();

    // Down: the price falls through the stop (above its limit); the exchange sells.
    fake!.setPrice('BTCUSDT', stop.stopPrice * 0.998);
    expect(stop.status).toBe('FILLED');
    const ordersBefore = fake!.orders.size;

    const again = await start(dataDir);
    expect(again.startReport.unresolved).toEqual([]);
    expect(again.kernel.portfolio.positions.size).toBe(0);
    const trades = again.trades({});
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ exitReason: 'stop_loss' });
    // The exchange's fill price (the remainder below the quantity step is written off at 0 in the average).
    expect(fake!.trades.at(-1)!.price).toBeCloseTo(stop.stopPrice * 0.998, 2);
    expect(Math.abs(trades[0]!.exitPrice / (stop.stopPrice * 0.998) - 1)).toBeLessThan(0.001);
    expect(fake!.orders.size).toBe(ordersBefore);
    expect(fake!.balance('BTC').free).toBeLessThan(0.00001);
    await again.stop();

    // A third start finds nothing left to book.
    const third = await start(dataDir);
    expect(third.trades({})).toHaveLength(1);
    expect(third.broker.journal.fills().filter((f) => f.side === 'sell')).toHaveLength(1);
    expect(fake!.orders.size).toBe(ordersBefore);
  });

  it('a stop cancelled by hand on the exchange is placed again, with an alert', async () => {
    const { app, stop } = await enterWithStop(tempDir());
    const alert = nextEvent(app.bus, (e) => e.type === 'alert' && /gone from the exchange/.test(e.alert.message));
    await app.broker.exchange.cancelOrder(String(stop.orderId), 'BTC/USDT');
    await alert;
    await until(() => stopsOn(fake!, 'NEW').length === 1, 10_000, 'the stop placed again');
    const again = stopsOn(fake!, 'NEW')[0]!;
    expect(again.clientOrderId).not.toBe(stop.clientOrderId);
    expect(again.stopPrice).toBe(stop.stopPrice);
    expect(app.kernel.portfolio.positions.size).toBe(1);
  });

  it('an exit by the strategy cancels the stop first, then sells once', async () => {
    const { app, stop } = await enterWithStop(tempDir());
    (globalThis as { __guardExit?: boolean }).__guardExit = true;
    const exit = nextEvent(app.bus, filled('exit'));
    fake!.now += H;
    await exit;
    await app.broker.idle();
    expect(stop.status).toBe('CANCELED');
    const sells = [...fake!.orders.values()].filter((o) => o.side === 'SELL');
    expect(sells.map((o) => [o.type, o.status])).toEqual([
      ['STOP_LOSS_LIMIT', 'CANCELED'],
      ['MARKET', 'FILLED'],
    ]);
    // The cancel was confirmed before the market sell was sent.
    const cancelAt = fake!.requests.findIndex((r) => r.method === 'DELETE' && r.path === '/api/v3/order');
    const sellAt = fake!.requests.findIndex((r) => r.method === 'POST' && r.path === '/api/v3/order' && r.query.side === 'SELL' && r.query.type === 'MARKET');
    expect(cancelAt).toBeGreaterThan(-1);
    expect(sellAt).toBeGreaterThan(cancelAt);
    expect(app.kernel.portfolio.positions.size).toBe(0);
    expect(fake!.balance('BTC').free).toBeLessThan(0.00001);
    expect(app.trades({})).toMatchObject([{ exitReason: 'signal' }]);
  });

  it('the stop filled on the exchange unnoticed, then the strategy exits: the fill books the exit, no second sell', async () => {
    // Working orders are looked up rarely here, so the engine has not heard of the stop's fill when it decides.
    const { app, stop } = await enterWithStop(tempDir(), { pollOrdersMs: 60_000 });
    fake!.setPrice('BTCUSDT', stop.stopPrice * 0.998);
    expect(stop.status).toBe('FILLED');
    (globalThis as { __guardExit?: boolean }).__guardExit = true;
    const exit = nextEvent(app.bus, (e) => e.type === 'order' && e.order.resting === true && e.order.status === 'filled');
    fake!.now += H;
    await exit;
    await app.broker.idle();
    expect([...fake!.orders.values()].filter((o) => o.side === 'SELL')).toHaveLength(1);
    expect(app.kernel.portfolio.positions.size).toBe(0);
    expect(app.trades({})).toMatchObject([{ exitReason: 'stop_loss' }]);
    expect(held(app)).toBe(0);
  });

  it('an exchange without stop orders: stops are checked by tradetui on every polled price', async () => {
    fake = await FakeBinance.start({ now: Date.UTC(2026, 2, 10, 10, 30), balances: { USDT: 10_000 }, stopOrders: false });
    const app = await start(tempDir());
    expect(app.snapshot().live!.stops).toBe('engine');
    const entry = nextEvent(app.bus, filled('entry'));
    await app.start();
    fake.now += H;
    await entry;
    await app.broker.idle();
    expect(stopsOn(fake)).toEqual([]);
    const position = [...app.kernel.portfolio.positions.values()][0]!;
    const detail = detailsOf({ engine: app.snapshot() } as ViewSnapshot, { pane: 'positions', key: position.id })!.lines;
    expect(detail.find((l) => l.startsWith('stop held'))).toMatch(/by tradetui on every polled price \(binance takes no stop order here\)/);
    // Within the hour, the price polled falls through the stop: a market sell, before the candle closes.
    const exit = nextEvent(app.bus, filled('exit'));
    fake.setPrice('BTCUSDT', position.protection.stop! * 0.99);
    await exit;
    expect(app.trades({})).toMatchObject([{ exitReason: 'stop_loss' }]);
    expect(fake.balance('BTC').free).toBeLessThan(0.00001);
  });
});
