// Every command through the real node-telegram-bot-api client and the fake Bot API: the answer an allowed
// chat gets, and the short usage answer for unknown or malformed commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriesFromCandles } from '../../../src/core/candle.js';
import { DAY_MS } from '../../../src/core/time.js';
import { FakeEngine, instance, position, T0, trade } from '../../support/fake-engine-telegram.js';
import { stripTags } from '../../support/fake-telegram.js';
import { ask, CHAT, harness, type Harness } from './harness.js';
import { COMMANDS } from '../../../src/adapters/notify/telegram/commands.js';
import { DEFAULT_KEYMAP } from '../../../src/config/keys.js';
import { confirmClosePosition, confirmEditInstance, confirmKill, confirmPause, confirmStartStop } from '../../../src/view/confirm.js';

function engine(): FakeEngine {
  const e = new FakeEngine();
  e.snap.instances = [
    instance('ma-cross@binance:BTC/USDT:1h'),
    instance('ma-cross@binance:ETH/USDT:1h', { running: false, trades: 0, pnl: 0 }),
    instance('rsi@binance:BTC/USDT:4h', { params: {} }),
  ];
  e.snap.positions = [position('BTC/USDT')];
  e.snap.protections = [{ name: 'stoploss-guard', scope: 'global', state: 'triggered', triggeredAt: T0, releasedAt: null, reason: '3 stops in 1h' }];
  const now = Date.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  // Both of today's trades sit in the current UTC day whatever the hour the test runs at.
  const inToday = (k: number) => today + Math.floor(((now - today) * k) / 3);
  e.closedTrades = [
    trade('t1', 25, { exitTime: inToday(2) }),
    trade('t2', -10, { exitTime: inToday(1), symbol: 'ETH/USDT', exitReason: 'stop_loss' }),
    trade('t3', 5, { exitTime: now - 40 * DAY_MS }),
  ];
  e.equityDays = [
    { day: today - 2 * DAY_MS, equity: 9_900 },
    { day: today - DAY_MS, equity: 10_000 },
    { day: today, equity: 10_050 },
    { day: now, equity: 10_100 },
  ];
  const candles = Array.from({ length: 80 }, (_, i) => {
    const c = 60_000 + Math.sin(i / 5) * 500 + i * 10;
    return { time: T0 + i * 3_600_000, open: c, high: c + 50, low: c - 50, close: c, volume: 1 };
  });
  e.series.set('binance:BTC/USDT:1h', seriesFromCandles(candles));
  return e;
}

describe('telegram commands', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({}, engine());
  });
  afterAll(async () => {
    await h.close();
  });

  it('/help lists every command', async () => {
    const [text] = await ask(h, '/help');
    for (const c of ['status', 'positions', 'balance', 'profit', 'daily', 'trades', 'strategies', 'start', 'stop', 'pause', 'resume', 'close', 'stopall', 'chart', 'help']) {
      expect(text).toContain(`/${c}`);
    }
    expect(h.tg.messagesTo(CHAT).at(-1)!.parseMode).toBe('HTML');
  });

  it('/status shows mode, state, feed, equity, today and counts', async () => {
    const text = stripTags((await ask(h, '/status'))[0]!);
    expect(text).toContain('paper · running');
    expect(text).toContain('feed binance: connected');
    expect(text).toContain('equity 10,100.00');
    expect(text).toContain('today +100.00 (+1.00%)');
    expect(text).toContain('positions 1 · strategies 2/3 running');
    expect(text).toContain('stoploss-guard (global)');
  });

  it('/positions lists each position with unrealised P&L', async () => {
    const text = stripTags((await ask(h, '/positions'))[0]!);
    expect(text).toContain('BTC/USDT LONG ▲ 0.1 @ 60000 → 61000  +100.00 (+1.67%)');
    expect(text).toContain('unrealised +100.00');
  });

  it('/balance shows cash, equity and exposure', async () => {
    const text = stripTags((await ask(h, '/balance'))[0]!);
    expect(text).toMatch(/cash 9,000\.00\nequity 10,100\.00\nexposure 1,100\.00\nunrealised \+100\.00/);
  });

  it('/profit [days] sums the trades of the period', async () => {
    const week = stripTags((await ask(h, '/profit 7'))[0]!);
    expect(week).toContain('realised +15.00 over 2 trade(s), fees 24.00');
    expect(week).toContain('won 1/2 (50%)');
    const all = stripTags((await ask(h, '/profit 60'))[0]!);
    expect(all).toContain('over 3 trade(s)');
  });

  it('/daily [n] gives P&L per day, newest first', async () => {
    const text = stripTags((await ask(h, '/daily 3'))[0]!);
    const rows = text.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2}/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/\+50\.00\s+\+0\.50%\s+2 tr/);
    expect(rows[2]).toMatch(/\+100\.00\s+\+1\.01%/);
  });

  it('/trades [n] lists the newest trades first', async () => {
    const text = stripTags((await ask(h, '/trades 2'))[0]!);
    expect(text).toContain('Last 2 trade(s)');
    expect(text.indexOf('+25.00')).toBeLessThan(text.indexOf('−10.00'));
    expect(text).toContain('stop_loss');
  });

  it('/strategies lists instances with their state', async () => {
    const text = stripTags((await ask(h, '/strategies'))[0]!);
    expect(text).toContain('2/3 running');
    expect(text).toContain('▶ ma-cross@binance:BTC/USDT:1h');
    expect(text).toContain('⏸ ma-cross@binance:ETH/USDT:1h');
  });

  it('/chart SYMBOL [TF] draws a monospace chart of the closes', async () => {
    const [html] = await ask(h, '/chart btcusdt');
    expect(html).toMatch(/<pre>[\s\S]*┤[\s\S]*<\/pre>/);
    expect(stripTags(html!)).toContain('BTC/USDT 1h last');
    const none = stripTags((await ask(h, '/chart BTC/USDT 4h'))[0]!);
    expect(none).toBe('No candles for BTC/USDT 4h yet.');
    expect(stripTags((await ask(h, '/chart DOGE/USDT'))[0]!)).toContain('No candles');
    expect(stripTags((await ask(h, '/chart XYZ'))[0]!)).toContain('Unknown symbol XYZ');
    expect(stripTags((await ask(h, '/chart BTC/USDT 7x'))[0]!)).toContain('Unknown timeframe 7x');
  });

  it('/start with an ambiguous strategy name lists the matching instances', async () => {
    const text = stripTags((await ask(h, '/start ma-cross'))[0]!);
    expect(text).toContain('matches 2 instances');
    expect(text).toContain('ma-cross@binance:BTC/USDT:1h');
    expect(text).toContain('ma-cross@binance:ETH/USDT:1h');
    expect(h.engine.commands).toHaveLength(0);
  });

  it('/start and /stop of an instance in that state already say so without asking', async () => {
    expect(stripTags((await ask(h, '/start rsi'))[0]!)).toBe('rsi@binance:BTC/USDT:4h is already running.');
    expect(stripTags((await ask(h, '/stop ETH'))[0]!)).toBe('ma-cross@binance:ETH/USDT:1h is already stopped.');
    expect(stripTags((await ask(h, '/start nothing-like-this'))[0]!)).toContain('No strategy instance "nothing-like-this"');
  });

  it('commands that trade ask first and say what will happen', async () => {
    const before = h.tg.messagesTo(CHAT).length;
    await ask(h, '/start ETH');
    const msg = h.tg.messagesTo(CHAT)[before]!;
    // one wording with the TUI: the confirmation is view/confirm.ts's title and sentences
    const startQ = confirmStartStop(h.engine.snapshot(), h.engine.snap.instances[1]!, 'telegram');
    expect(stripTags(msg.text)).toContain(([startQ.title, ...startQ.lines].join('\n')));
    expect(stripTags(msg.text)).toContain('Start ma-cross on ETH/USDT 1h?');
    expect(stripTags(msg.text)).toContain('Params: fast=10 slow=30.');
    expect(msg.replyMarkup.inline_keyboard[0].map((b: any) => b.text)).toEqual(['✅ Confirm', '✖ Cancel']);
    const close = stripTags((await ask(h, '/close btc-usdt'))[0]!);
    const closeQ = confirmClosePosition(h.engine.snapshot(), h.engine.snap.positions[0]!, 'telegram');
    expect(close).toContain(([closeQ.title, ...closeQ.lines].join('\n')));
    expect(close).toContain('Close long 0.1 BTC/USDT at market?');
    const kill = stripTags((await ask(h, '/stopall'))[0]!);
    const killQ = confirmKill(h.engine.snapshot(), 'telegram');
    expect(kill).toContain((['🚨 ' + killQ.title, ...killQ.lines].join('\n')));
    expect(kill).toContain('Stops all 2 running strategies and closes all 1 open position');
    expect(stripTags((await ask(h, '/pause'))[0]!)).toContain(([confirmPause('telegram').title, ...confirmPause('telegram').lines].join('\n')));
    // a protection holds entries: /resume offers to lift it, in the TUI's words
    const resume = stripTags((await ask(h, '/resume'))[0]!);
    expect(resume).toContain('Resume entries?');
    expect(resume).toContain('3 stops in 1h');
    expect(h.engine.commands).toHaveLength(0);
  });

  it('/delete refuses while the instance holds a position, else asks in the TUI\'s words', async () => {
    const refused = stripTags((await ask(h, '/delete ma-cross@binance:BTC/USDT:1h'))[0]!);
    expect(refused).toContain('cannot delete: close its position first (/close SYMBOL)');
    const ask2 = stripTags((await ask(h, '/delete rsi'))[0]!);
    expect(ask2).toContain('Delete rsi on BTC/USDT 4h?');
    expect(ask2).toContain('stay in the history');
    expect(h.engine.commands).toHaveLength(0);
    expect(stripTags((await ask(h, '/delete'))[0]!)).toContain('Usage: /delete NAME');
  });

  it('/edit restarts an instance with other params and risk overrides, asking in the TUI\'s words', async () => {
    const q = stripTags((await ask(h, '/edit ma-cross@binance:BTC/USDT:1h fast=12 risk.exits.takeProfitPct=50'))[0]!);
    const view = confirmEditInstance('ma-cross@binance:BTC/USDT:1h', { fast: 12, slow: 30 }, { text: 'exits.takeProfitPct=50', value: { exits: { takeProfitPct: 50 } } }, 'Its open position (long 0.1 BTC/USDT)', 'telegram');
    expect(q).toContain([view.title, ...view.lines].join('\n'));
    expect(q).toContain('Its open position (long 0.1 BTC/USDT) stays open');
    await ask(h, 'yes');
    expect(h.engine.commands).toEqual([{ type: 'edit-instance', instanceId: 'ma-cross@binance:BTC/USDT:1h', params: { fast: 12, slow: 30 }, risk: { exits: { takeProfitPct: 50 } }, by: 'telegram' }]);
    h.engine.commands.length = 0;
    expect(stripTags((await ask(h, '/edit ma-cross@binance:BTC/USDT:1h speed=3'))[0]!)).toContain('has no parameter speed; its parameters: fast, slow');
    expect(stripTags((await ask(h, '/edit rsi'))[0]!)).toContain('Usage: /edit NAME');
    expect(h.engine.commands).toHaveLength(0);
  });

  it('every command that acts names the TUI action it shares (keymap), and /help lists /delete', async () => {
    for (const c of COMMANDS.filter((x) => x.acts && x.name !== 'reconcile')) expect(DEFAULT_KEYMAP.some((b) => b.id === c.action)).toBe(true);
    expect((await ask(h, '/help'))[0]).toContain('/delete');
  });

  it('/close of a symbol without a position says which are open', async () => {
    expect(stripTags((await ask(h, '/close ETH/USDT'))[0]!)).toBe('No open position on ETH/USDT. Open: BTC/USDT.');
  });

  it('unknown and malformed commands get a short usage answer', async () => {
    expect(stripTags((await ask(h, '/frobnicate'))[0]!)).toBe('Unknown command /frobnicate. Send /help for the list.');
    expect(stripTags((await ask(h, '/trades many'))[0]!)).toBe('Usage: /trades [n] — the last n closed trades (default 10)');
    expect(stripTags((await ask(h, '/daily 0'))[0]!)).toContain('Usage: /daily [n]');
    expect(stripTags((await ask(h, '/profit -3'))[0]!)).toContain('Usage: /profit [days]');
    expect(stripTags((await ask(h, '/status now'))[0]!)).toContain('Usage: /status');
    expect(stripTags((await ask(h, '/close'))[0]!)).toContain('Usage: /close SYMBOL');
    expect(stripTags((await ask(h, '/chart'))[0]!)).toContain('Usage: /chart SYMBOL [TF]');
    const start = stripTags((await ask(h, '/start'))[0]!);
    expect(start).toContain('Usage: /start NAME');
    expect(start).toContain('rsi@binance:BTC/USDT:4h');
    expect(stripTags((await ask(h, 'hello bot'))[0]!)).toBe('Send /help for the commands.');
  });

  it('a command addressed to the bot by name (/status@bot) works as in a group', async () => {
    expect(stripTags((await ask(h, '/status@tradetui_test_bot'))[0]!)).toContain('paper · running');
  });
});
