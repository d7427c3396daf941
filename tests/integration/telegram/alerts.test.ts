// Alerts from the engine's event stream reach the allowed chat once each, with the details a trader needs;
// the category filter and minimum severity apply; bus `alert` events of derived categories are not sent
// twice; the daily summary goes out at the configured local time.
import { afterEach, describe, expect, it } from 'vitest';
import { zonedTime } from '../../../src/alerts/summary.js';
import type { EngineEvent } from '../../../src/core/events.js';
import type { Fill } from '../../../src/core/trading.js';
import { FakeEngine, instance, position, trade } from '../../support/fake-engine-telegram.js';
import { stripTags } from '../../support/fake-telegram.js';
import { CHAT, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const entry: Fill = {
  id: 'f1',
  orderId: 'o1',
  instanceId: 'ma-cross@binance:BTC/USDT:1h',
  symbol: 'BTC/USDT',
  side: 'buy',
  purpose: 'entry',
  qty: 0.05,
  price: 60_000,
  fee: 3,
  time: Date.UTC(2024, 4, 1),
  reason: 'fast 101.2 crossed above slow 100.8',
  positionId: 'p1',
};

function texts(): string[] {
  return h.tg.messagesTo(CHAT).map((m) => stripTags(m.text));
}

describe('telegram alerts', () => {
  it('trade opened and a stop-loss close each go out once, with symbol, side, qty, price, P&L, strategy and reason', async () => {
    h = await harness();
    const bus = h.engine.bus;
    bus.emit({ type: 'fill', fill: entry });
    // The app turns the same happening into an alert of a derived category: Telegram must not send it again.
    bus.emit({ type: 'alert', alert: { id: 'a1', time: entry.time, severity: 'info', category: 'trade', message: 'opened long' } });
    await h.tg.waitFor(() => texts().length === 1, 5_000, 'opened');
    expect(texts()[0]).toBe('🟢 Opened LONG ▲ BTC/USDT\nqty 0.05 @ 60000\nstrategy ma-cross\nreason: fast 101.2 crossed above slow 100.8');

    bus.emit({ type: 'fill', fill: { ...entry, id: 'f2', side: 'sell', purpose: 'exit', price: 58_000, reason: 'stop loss at 58000', exitReason: 'stop_loss' } });
    bus.emit({ type: 'trade', trade: trade('t1', -103.2, { qty: 0.05, exitPrice: 58_000, pnlPct: -3.44, exitReason: 'stop_loss' }) });
    bus.emit({ type: 'alert', alert: { id: 'a2', time: entry.time, severity: 'warn', category: 'stop', message: 'stop hit' } });
    await h.tg.waitFor(() => texts().length === 2, 5_000, 'closed');
    expect(texts()[1]).toBe('🛑 Stop-loss hit: LONG ▲ BTC/USDT\nqty 0.05  60000 → 58000\nP&L −103.20 (−3.44%)\nstrategy ma-cross\nreason: stop loss at 58000');
    // Wait one more send slot: nothing else arrives.
    h.engine.bus.emit({ type: 'alert', alert: { id: 'end', time: 0, severity: 'error', category: 'error', message: 'marker' } });
    await h.tg.waitFor(() => texts().some((t) => t.includes('marker')), 5_000, 'marker');
    expect(texts()).toHaveLength(3);
  });

  it('strategy start/stop (by whom), protections, engine halt and errors are sent; text is HTML-escaped', async () => {
    h = await harness();
    const bus = h.engine.bus;
    const inst = instance('rsi@binance:ETH/USDT:4h');
    bus.emit({ type: 'instance', instance: inst, change: 'stopped', by: 'keyboard' });
    bus.emit({ type: 'instance', instance: inst, change: 'started', by: 'telegram' });
    bus.emit({ type: 'protection', protection: { name: 'max-drawdown', scope: 'global', state: 'triggered', triggeredAt: 1, releasedAt: null, reason: 'drawdown 12% > 10%' } });
    bus.emit({ type: 'protection', protection: { name: 'max-drawdown', scope: 'global', state: 'released', triggeredAt: 1, releasedAt: 2, reason: 'lock expired' } });
    bus.emit({ type: 'engine', state: 'halted', reason: 'kill switch by keyboard', by: 'keyboard' });
    bus.emit({ type: 'alert', alert: { id: 'e1', time: 3, severity: 'error', category: 'error', message: 'exchange said <html> & "bad gateway"' } });
    await h.tg.waitFor(() => texts().join('\n').includes('bad gateway'), 5_000, 'all alerts');
    const all = texts().join('\n');
    expect(all).toContain('strategy rsi@binance:ETH/USDT:4h stopped by keyboard');
    expect(all).toContain('strategy rsi@binance:ETH/USDT:4h started by telegram');
    expect(all).toContain('protection max-drawdown triggered (global): drawdown 12% > 10%');
    expect(all).toContain('protection max-drawdown released (global): lock expired');
    expect(all).toContain('trading halted (kill switch by keyboard)');
    expect(all).toContain('exchange said <html> & "bad gateway"');
    expect(h.tg.messagesTo(CHAT).some((m) => m.text.includes('&lt;html&gt; &amp;'))).toBe(true);
  });

  it('only configured categories at or above the minimum severity are sent', async () => {
    h = await harness({ alerts: { categories: ['trade', 'error', 'protection'], minSeverity: 'warn' } });
    const bus = h.engine.bus;
    bus.emit({ type: 'instance', instance: instance('rsi@binance:ETH/USDT:4h'), change: 'stopped', by: 'keyboard' }); // category off
    bus.emit({ type: 'fill', fill: entry }); // info < warn
    bus.emit({ type: 'protection', protection: { name: 'cooldown', scope: 'BTC/USDT', state: 'released', triggeredAt: 1, releasedAt: 2, reason: 'over' } }); // info
    bus.emit({ type: 'protection', protection: { name: 'cooldown', scope: 'BTC/USDT', state: 'triggered', triggeredAt: 1, releasedAt: null, reason: 'after a loss' } });
    bus.emit({ type: 'alert', alert: { id: 'e', time: 1, severity: 'critical', category: 'error', message: 'exchange down' } });
    await h.tg.waitFor(() => texts().join('\n').includes('exchange down'), 5_000, 'error alert');
    const all = texts().join('\n');
    expect(all).toContain('cooldown triggered');
    expect(all).not.toContain('released');
    expect(all).not.toContain('Opened');
    expect(all).not.toContain('stopped by');
  });

  it('a feed down for longer than feedDownSeconds is announced, and so is its return; a short blip is not', async () => {
    h = await harness({ alerts: { feedDownSeconds: 0.3 } });
    const bus = h.engine.bus;
    const feed = (status: 'down' | 'connected'): EngineEvent => ({ type: 'feed', status, detail: status === 'down' ? 'ECONNRESET' : 'ok', lastCandleTime: null });
    bus.emit(feed('down'));
    bus.emit(feed('connected')); // a blip
    bus.emit(feed('down'));
    await h.tg.waitFor(() => texts().length === 1, 5_000, 'feed down');
    expect(texts()[0]).toMatch(/market feed down for \d+s: ECONNRESET/);
    bus.emit(feed('connected'));
    await h.tg.waitFor(() => texts().length === 2, 5_000, 'feed back');
    expect(texts()[1]).toMatch(/market feed back after \d+s down/);
  });

  it('the daily summary goes out at the configured local time with equity, P&L, positions and the day’s trades', async () => {
    const e = new FakeEngine();
    e.snap.positions = [position('BTC/USDT')];
    // 20:59:59.8 in Berlin on 1 May 2024: the summary is due in 200 ms of real time.
    const start = Date.now();
    const base = zonedTime(2024, 5, 1, 20, 59, 'Europe/Berlin') + 59_800;
    const now = () => base + (Date.now() - start);
    e.closedTrades = [trade('w', 40, { exitTime: base - 3_600_000 }), trade('l', -15, { exitTime: base - 7_200_000, symbol: 'ETH/USDT' }), trade('old', 99, { exitTime: base - 3 * 86_400_000 })];
    e.equityDays = [{ day: base - 7 * 86_400_000, equity: 9_800 }, { day: base, equity: 10_100 }];
    const raised: string[] = [];
    e.bus.on('alert', (ev) => raised.push(ev.alert.category));
    h = await harness({ timezone: 'Europe/Berlin', dailySummary: { enabled: true, time: '21:00' } }, e, now);
    await h.tg.waitFor(() => texts().length === 1, 5_000, 'summary');
    const s = texts()[0]!;
    expect(s).toContain('📊 Daily summary 2024-05-01 21:00');
    expect(s).toContain('equity 10,100.00');
    expect(s).toContain('day +100.00 (+1.00%)  week +300.00 (+3.06%)');
    expect(s).toContain('trades today: 2 (1 won), realised +25.00');
    expect(s).toMatch(/best: .*BTC\/USDT ▲ \+40\.00/);
    expect(s).toMatch(/worst: .*ETH\/USDT ▲ −15\.00/);
    expect(s).toContain('open positions: 1\n• BTC/USDT LONG ▲');
    expect(raised).toEqual(['summary']);
  });

  it('a long message is split at the length limit into valid HTML parts, nothing lost', async () => {
    h = await harness();
    const words = Array.from({ length: 1500 }, (_, i) => `w${i}<&>`).join(' ');
    h.engine.bus.emit({ type: 'alert', alert: { id: 'big', time: 1, severity: 'error', category: 'error', message: words } });
    await h.tg.waitFor(() => texts().join('').includes('w1499<&>'), 10_000, 'all parts');
    const parts = h.tg.messagesTo(CHAT);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(4096);
    const joined = texts().join('');
    for (const i of [0, 700, 1499]) expect(joined).toContain(`w${i}<&>`);
  });
});
