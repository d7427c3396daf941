// The bot's commands as thin readers over the EngineApi: each returns the HTML answer, or, for a command
// that trades or stops trading, the engine Command plus a text saying what will happen (the bot asks for
// confirmation before sending it). No trading logic here: numbers come from snapshot(), trades(),
// dailyEquity() and candles().
import { createRequire } from 'node:module';
import type { MarketKey } from '../../../core/candle.js';
import type { Command, InstanceInfo } from '../../../core/events.js';
import { DAY_MS, isTimeframe, TIMEFRAME_LIST, type Timeframe } from '../../../core/time.js';
import type { EngineApi, EngineSnapshot } from '../../../engine/ports.js';
import { modelShort } from '../../../view/model.js';
import type { ActionId } from '../../../config/keys.js';
import { parseRiskText, riskText } from '../../../view/risk-text.js';
import { type Confirmation, confirmCloseSymbol, confirmDeleteInstance, confirmEditInstance, instanceHoldings, confirmKill, confirmPause, confirmResume, confirmStartStop, deleteRefusal } from '../../../view/confirm.js';
import { type Resolution, canResolve, confirmReconcile } from '../../../view/reconcile.js';
import { DEFAULT_KEYMAP } from '../../../config/keys.js';
import { esc } from './html.js';
import { formatPositionLine, formatTradeLine, localTime, money, num, pct, signed } from './format.js';

// asciichart ships no types; this is the one function we use.
const asciichart = createRequire(import.meta.url)('asciichart') as {
  plot(series: number[], cfg?: { height?: number; format?: (x: number, i: number) => string }): string;
};

export interface CommandSpec {
  name: string;
  args: string;
  help: string;
  /** Changes state (asks for confirmation, audited). */
  acts: boolean;
  /** The TUI action it does (src/tui/actions.ts): the same engine command and the same confirmation (src/view/confirm.ts). */
  action?: ActionId;
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'status', args: '', help: 'engine, feed, equity and today’s P&L', acts: false },
  { name: 'positions', args: '', help: 'open positions with unrealised P&L', acts: false },
  { name: 'balance', args: '', help: 'cash, equity, exposure', acts: false },
  { name: 'profit', args: '[days]', help: 'realised P&L over the last days (default 30)', acts: false },
  { name: 'daily', args: '[n]', help: 'P&L per day for the last n days (default 7)', acts: false },
  { name: 'trades', args: '[n]', help: 'the last n closed trades (default 10)', acts: false },
  { name: 'strategies', args: '', help: 'strategy instances and their state', acts: false },
  { name: 'start', args: 'NAME', help: 'start a strategy instance', acts: true, action: 'toggle-strategy' },
  { name: 'stop', args: 'NAME', help: 'stop a strategy instance (no new trades)', acts: true, action: 'toggle-strategy' },
  { name: 'pause', args: '', help: 'no new entries (positions keep their stops)', acts: true, action: 'pause' },
  { name: 'resume', args: '', help: 'allow new entries again', acts: true, action: 'resume' },
  { name: 'close', args: 'SYMBOL', help: 'close the position(s) on a symbol at market', acts: true, action: 'close-position' },
  { name: 'stopall', args: '', help: 'kill switch: stop everything, close all, halt', acts: true, action: 'kill' },
  { name: 'edit', args: 'NAME key=value…', help: 'restart an instance with other params (risk.path=value for risk overrides); its position is kept', acts: true, action: 'edit-instance' },
  { name: 'delete', args: 'NAME', help: 'delete a strategy instance that holds nothing (its history stays)', acts: true, action: 'delete-instance' },
  { name: 'chart', args: 'SYMBOL [TF]', help: 'price chart of recent candles', acts: false },
  { name: 'reconcile', args: '[ID ACTION]', help: 'live: differences with the exchange; resolve one (adopt, ignore, cancel, flatten)', acts: true, action: 'reconcile' },
  { name: 'help', args: '', help: 'this list', acts: false },
];

export const COMMAND_NAMES = COMMANDS.map((c) => c.name);

/**
 * What a command does, in the words the TUI's help and palette use for the same action (the keymap's description,
 * its "(asks first)" kept: the bot asks too), so the two cannot drift; commands with no TUI action keep their own.
 * /start and /stop share one TUI key, so each keeps its own half.
 */
export function commandHelp(c: CommandSpec): string {
  if (!c.action || c.name === 'start' || c.name === 'stop') return c.help;
  const b = DEFAULT_KEYMAP.find((k) => k.id === c.action);
  return b ? b.description.replace('the selected position', 'the position(s) on SYMBOL').replace('the selected instance', 'the instance NAME') : c.help;
}

export type Answer =
  | { kind: 'text'; text: string }
  | { kind: 'confirm'; text: string; command: Command; summary: string };

export interface CommandContext {
  api: EngineApi;
  timeZone: string;
  now: number;
  chartPoints: number;
  chartHeight: number;
}

export function usage(name: string): string {
  const spec = COMMANDS.find((c) => c.name === name);
  return spec ? `Usage: <code>/${spec.name}${spec.args ? ` ${esc(spec.args)}` : ''}</code> — ${esc(commandHelp(spec))}` : helpText();
}

export function helpText(): string {
  return ['<b>tradetui commands</b>', ...COMMANDS.map((c) => `/${c.name}${c.args ? ` ${esc(c.args)}` : ''} — ${esc(commandHelp(c))}`)].join('\n');
}

const text = (t: string): Answer => ({ kind: 'text', text: t });

/** Parses an optional positive integer argument; null when malformed or out of range. */
function intArg(args: string, def: number, max: number): number | null {
  if (args === '') return def;
  if (!/^\d+$/.test(args)) return null;
  const n = Number(args);
  return n >= 1 && n <= max ? n : null;
}

export function runCommand(name: string, rawArgs: string, c: CommandContext): Answer {
  const args = rawArgs.trim();
  const spec = COMMANDS.find((s) => s.name === name);
  if (!spec) return text(`Unknown command /${esc(name)}. Send /help for the list.`);
  const noArgs = spec.args === '';
  if (noArgs && args !== '') return text(usage(name));
  const snap = c.api.snapshot();
  switch (name) {
    case 'help':
      return text(helpText());
    case 'status':
      return text(status(snap, c));
    case 'positions':
      return text(positions(snap));
    case 'balance':
      return text(balance(snap));
    case 'profit': {
      const days = intArg(args, 30, 3650);
      return days === null ? text(usage(name)) : text(profit(days, snap, c));
    }
    case 'daily': {
      const n = intArg(args, 7, 60);
      return n === null ? text(usage(name)) : text(daily(n, c));
    }
    case 'trades': {
      const n = intArg(args, 10, 50);
      if (n === null) return text(usage(name));
      const trades = c.api.trades({ limit: n });
      if (trades.length === 0) return text('No closed trades yet.');
      return text([`<b>Last ${trades.length} trade(s)</b>`, ...trades.map((t) => `${formatTradeLine(t, c.timeZone)} <code>${esc(t.strategy)}</code>`)].join('\n'));
    }
    case 'strategies':
      return text(strategies(snap));
    case 'start':
    case 'stop':
      return startStop(name, args, snap);
    case 'pause':
      if (snap.state === 'paused') return text('Entries are already paused. /resume to allow them again.');
      return fromView(confirmPause('telegram'), 'pause');
    case 'resume': {
      const q = confirmResume(snap, 'telegram');
      return q ? fromView(q, 'resume') : text('Entries are already allowed.');
    }
    case 'close':
      return close(args, snap);
    case 'stopall':
      return fromView(confirmKill(snap, 'telegram'), 'stopall', '🚨 ');
    case 'edit':
      return edit(args, snap);
    case 'delete': {
      const r = args === '' ? null : resolveInstance(snap.instances, args);
      if (!r) return text(usage(name));
      if (!r.ok) return text(r.message);
      const why = deleteRefusal(snap, r.instance.id);
      if (why) return text(esc(why.replace('(x in Positions)', '(/close SYMBOL)').replace('(o, Orders)', '')));
      const inst = snap.instances.find((i) => i.id === r.instance.id)!;
      return fromView(confirmDeleteInstance(inst, 'telegram'), `delete ${inst.id}`);
    }
    case 'reconcile': {
      const live = snap.live;
      if (!live) return text('This engine trades paper: there is no exchange account to reconcile.');
      if (args === '') {
        if (live.differences.length === 0) return text(`LIVE ${esc(live.exchange)}: no differences with the exchange.`);
        return text([`<b>Differences with ${esc(live.exchange)}</b> (entries halted until each is resolved)`, ...live.differences.map((d) => `#${d.id} ${esc(d.kind)}: ${esc(d.summary)}\n  → <code>/reconcile ${d.id} ${esc(d.actions.join('|'))}</code>`)].join('\n'));
      }
      const m = /^(\d+)\s+(adopt|ignore|cancel|flatten)$/.exec(args);
      if (!m) return text(usage('reconcile'));
      const d = live.differences.find((x) => x.id === Number(m[1]));
      if (!d) return text(`No unresolved difference #${esc(m[1]!)}. Send /reconcile for the list.`);
      const action = m[2] as Resolution;
      if (!canResolve(d, action)) return text(`Difference #${d.id} (${esc(d.kind)}) can be resolved by ${esc(d.actions.join(', '))}.`);
      // the TUI's R window asks in the same words (src/view/reconcile.ts)
      return fromView(confirmReconcile(d, action, `${live.exchange}${live.sandbox ? ' testnet' : ''}`, 'telegram'), `reconcile #${d.id} ${action}`);
    }
    case 'chart':
      return text(chart(args, snap, c));
  }
  return text(helpText());
}

/** A confirmation in the words every view uses (src/view/confirm.ts): the title in bold, then its sentences. */
function fromView(q: Confirmation, summary: string, icon = ''): Answer {
  return { kind: 'confirm', command: q.commands[0]!, text: [`${icon}<b>${esc(q.title)}</b>`, ...q.lines.map(esc)].join('\n'), summary };
}

function status(s: EngineSnapshot, c: CommandContext): string {
  const day = s.equity - s.dayStartEquity;
  const running = s.instances.filter((i) => i.running).length;
  const active = s.protections.filter((p) => p.state === 'triggered');
  const stateIcon = s.state === 'running' ? '🟢' : s.state === 'paused' ? '⏸' : s.state === 'halted' ? '🛑' : '⚪';
  const lines = [
    `${stateIcon} <b>tradetui</b> ${esc(s.mode)} · ${esc(s.state)}`,
    `feed ${esc(s.feed.source)}: ${esc(s.feed.status)}${s.feed.lastCandleTime !== null ? ` (last candle ${esc(localTime(s.feed.lastCandleTime, c.timeZone))})` : ''}`,
    `equity <b>${esc(money(s.equity))}</b> · today ${esc(signed(day))} (${esc(pct(s.dayStartEquity > 0 ? (day / s.dayStartEquity) * 100 : 0))})`,
    `positions ${s.positions.length} · strategies ${running}/${s.instances.length} running`,
    active.length > 0 ? `protections: ${active.map((p) => `${esc(p.name)} (${esc(p.scope)})`).join(', ')}` : 'protections: none active',
  ];
  return lines.join('\n');
}

function positions(s: EngineSnapshot): string {
  if (s.positions.length === 0) return 'No open positions.';
  const total = s.positions.reduce((n, p) => n + (p.lastPrice - p.entryPrice) * p.qty * (p.side === 'long' ? 1 : -1), 0);
  return [`<b>Open positions (${s.positions.length})</b>`, ...s.positions.map((p) => `• ${formatPositionLine(p)}`), `unrealised ${esc(signed(total))}`].join('\n');
}

function balance(s: EngineSnapshot): string {
  const unrealised = s.positions.reduce((n, p) => n + (p.lastPrice - p.entryPrice) * p.qty * (p.side === 'long' ? 1 : -1), 0);
  return [
    '<b>Balance</b>',
    `cash ${esc(money(s.cash))}`,
    `equity ${esc(money(s.equity))}`,
    `exposure ${esc(money(s.exposure))}`,
    `unrealised ${esc(signed(unrealised))}`,
  ].join('\n');
}

function profit(days: number, s: EngineSnapshot, c: CommandContext): string {
  const trades = c.api.trades({ since: c.now - days * DAY_MS });
  const eq = c.api.dailyEquity(days);
  const lines = [`<b>Profit, last ${days} day(s)</b>`];
  if (eq.length > 0 && eq[0]!.equity > 0) {
    const change = s.equity - eq[0]!.equity;
    lines.push(`equity ${esc(money(eq[0]!.equity))} → ${esc(money(s.equity))}: ${esc(signed(change))} (${esc(pct((change / eq[0]!.equity) * 100))})`);
  }
  if (trades.length === 0) {
    lines.push('no closed trades in this period');
    return lines.join('\n');
  }
  let pnl = 0;
  let fees = 0;
  let wins = 0;
  let best = trades[0]!;
  let worst = trades[0]!;
  for (const t of trades) {
    pnl += t.pnl;
    fees += t.fees;
    if (t.pnl > 0) wins++;
    if (t.pnl > best.pnl) best = t;
    if (t.pnl < worst.pnl) worst = t;
  }
  lines.push(
    `realised ${esc(signed(pnl))} over ${trades.length} trade(s), fees ${esc(money(fees))}`,
    `won ${wins}/${trades.length} (${((wins / trades.length) * 100).toFixed(0)}%)`,
    `best: ${formatTradeLine(best, c.timeZone)}`,
    `worst: ${formatTradeLine(worst, c.timeZone)}`,
  );
  return lines.join('\n');
}

/** dailyEquity's `day` is a UTC day start in ms; a small number is taken as a day index (days since 1970). */
function dayMs(day: number): number {
  return day < 1e8 ? day * DAY_MS : day;
}

function daily(n: number, c: CommandContext): string {
  const eq = c.api.dailyEquity(n);
  if (eq.length < 2) return 'Not enough history for daily P&L yet.';
  const since = dayMs(eq[0]!.day);
  const counts = new Map<number, number>();
  for (const t of c.api.trades({ since })) {
    const d = Math.floor(t.exitTime / DAY_MS);
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  const rows: string[] = [];
  for (let i = 0; i + 1 < eq.length; i++) {
    const start = dayMs(eq[i]!.day);
    const a = eq[i]!.equity;
    const b = eq[i + 1]!.equity;
    const d = b - a;
    const date = new Date(start).toISOString().slice(0, 10);
    const tr = counts.get(Math.floor(start / DAY_MS)) ?? 0;
    rows.push(`${date} ${signed(d).padStart(12)} ${pct(a > 0 ? (d / a) * 100 : 0).padStart(8)} ${String(tr).padStart(3)} tr`);
  }
  return [`<b>Daily P&amp;L (UTC days)</b>`, `<pre>${esc(rows.reverse().join('\n'))}</pre>`].join('\n');
}

function strategies(s: EngineSnapshot): string {
  if (s.instances.length === 0) return 'No strategy instances.';
  return [
    `<b>Strategies (${s.instances.filter((i) => i.running).length}/${s.instances.length} running)</b>`,
    ...s.instances.map(
      (i) =>
        `${i.running ? '▶' : '⏸'} <code>${esc(i.id)}</code> ${esc(i.strategy)} ${esc(i.symbol)} ${esc(i.timeframe)} · ${i.trades} trades · ${esc(signed(i.pnl))}${i.model ? `\n   ${esc(modelShort(i.model))}` : ''}`,
    ),
  ].join('\n');
}

export type Resolved = { ok: true; instance: InstanceInfo } | { ok: false; message: string };

/** An instance by id, or by a strategy name (or id fragment) that matches exactly one instance. */
export function resolveInstance(instances: readonly InstanceInfo[], name: string): Resolved {
  const q = name.trim().toLowerCase();
  const list = (xs: readonly InstanceInfo[]) => xs.map((i) => `• <code>${esc(i.id)}</code>`).join('\n');
  const byId = instances.filter((i) => i.id.toLowerCase() === q);
  if (byId.length === 1) return { ok: true, instance: byId[0]! };
  const byName = instances.filter((i) => i.strategy.toLowerCase() === q);
  const candidates = byName.length > 0 ? byName : instances.filter((i) => i.id.toLowerCase().includes(q));
  if (candidates.length === 1) return { ok: true, instance: candidates[0]! };
  if (candidates.length > 1) return { ok: false, message: `"${esc(name)}" matches ${candidates.length} instances; use one id:\n${list(candidates)}` };
  return {
    ok: false,
    message: instances.length > 0 ? `No strategy instance "${esc(name)}". Instances:\n${list(instances)}` : `No strategy instance "${esc(name)}" (none configured).`,
  };
}

function startStop(name: 'start' | 'stop', args: string, s: EngineSnapshot): Answer {
  if (args === '') {
    const hint = s.instances.length > 0 ? `\nInstances:\n${s.instances.map((i) => `• <code>${esc(i.id)}</code>`).join('\n')}` : '';
    return text(usage(name) + hint);
  }
  const r = resolveInstance(s.instances, args);
  if (!r.ok) return text(r.message);
  const i = r.instance;
  if (name === 'start' && i.running) return text(`<code>${esc(i.id)}</code> is already running.`);
  if (name === 'stop' && !i.running) return text(`<code>${esc(i.id)}</code> is already stopped.`);
  return fromView(confirmStartStop(s, i, 'telegram'), `${name} ${i.id}`);
}

/**
 * /edit NAME fast=12 risk.exits.takeProfitPct=50: params merged over the instance's, risk words replacing its
 * overrides (risk=none clears them). The engine checks both (as on add) when the trader confirms.
 */
function edit(args: string, s: EngineSnapshot): Answer {
  const [who, ...words] = args.split(/\s+/).filter(Boolean);
  if (!who || words.length === 0) return text(usage('edit'));
  const r = resolveInstance(s.instances, who);
  if (!r.ok) return text(r.message);
  const inst = s.instances.find((i) => i.id === r.instance.id)!;
  const params: Record<string, number | string | boolean> = { ...inst.params };
  const riskWords: string[] = [];
  let clearRisk = false;
  for (const w of words) {
    const m = /^([A-Za-z][\w.]*)=(.+)$/.exec(w);
    if (!m) return text(`${esc(w)}: write key=value. ${usage('edit')}`);
    if (m[1] === 'risk' && m[2] === 'none') clearRisk = true;
    else if (m[1]!.startsWith('risk.')) riskWords.push(`${m[1]!.slice(5)}=${m[2]}`);
    else if (!(m[1]! in inst.params)) return text(`${esc(inst.id)} has no parameter ${esc(m[1]!)}; its parameters: ${esc(Object.keys(inst.params).join(', ') || 'none')}.`);
    else params[m[1]!] = /^-?\d+(\.\d+)?$/.test(m[2]!) ? Number(m[2]) : m[2] === 'true' ? true : m[2] === 'false' ? false : m[2]!;
  }
  let risk: { text: string; value: Record<string, unknown> | null } | undefined;
  if (clearRisk) risk = { text: '', value: null };
  else if (riskWords.length > 0) {
    const merged = [riskText(inst.risk), ...riskWords].filter(Boolean).join(' ');
    const parsed = parseRiskText(merged);
    if (!parsed.ok) return text(esc(parsed.error));
    risk = { text: merged, value: parsed.value };
  }
  return fromView(confirmEditInstance(inst.id, params, risk, instanceHoldings(s, inst.id), 'telegram'), `edit ${inst.id}`);
}

/** "btc/usdt", "BTCUSDT", "btc-usdt" → the symbol of an open position or instance, when one matches. */
export function normaliseSymbol(arg: string, known: readonly string[]): string | null {
  const flat = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const q = flat(arg);
  if (q === '') return null;
  return known.find((k) => flat(k) === q) ?? (arg.includes('/') ? arg.toUpperCase() : null);
}

function close(args: string, s: EngineSnapshot): Answer {
  if (args === '' || /\s/.test(args)) return text(usage('close'));
  const symbol = normaliseSymbol(args, s.positions.map((p) => p.symbol));
  const open = symbol ? s.positions.filter((p) => p.symbol === symbol) : [];
  if (open.length === 0) {
    const list = s.positions.length > 0 ? ` Open: ${[...new Set(s.positions.map((p) => esc(p.symbol)))].join(', ')}.` : '';
    return text(`No open position on ${esc(symbol ?? args)}.${list}`);
  }
  return fromView(confirmCloseSymbol(s, open[0]!.symbol, 'telegram')!, `close ${open[0]!.symbol}`);
}

/** The exchange of a market: from an instance id ("strategy@exchange:SYMBOL:tf"), else the feed source. */
function exchangeOf(s: EngineSnapshot, symbol: string): string {
  for (const i of s.instances) {
    if (i.symbol !== symbol) continue;
    const m = /@([^:]+):/.exec(i.id);
    if (m) return m[1]!;
  }
  return s.feed.source;
}

function chart(args: string, s: EngineSnapshot, c: CommandContext): string {
  const parts = args.split(/\s+/).filter(Boolean);
  if (parts.length < 1 || parts.length > 2) return usage('chart');
  const known = [...s.instances.map((i) => i.symbol), ...s.positions.map((p) => p.symbol)];
  const symbol = normaliseSymbol(parts[0]!, known);
  if (!symbol) return `Unknown symbol ${esc(parts[0]!)}. Known: ${[...new Set(known)].map(esc).join(', ') || 'none'}.`;
  let tf: Timeframe;
  if (parts[1] !== undefined) {
    if (!isTimeframe(parts[1])) return `Unknown timeframe ${esc(parts[1])}; one of ${TIMEFRAME_LIST.join(', ')}.`;
    tf = parts[1];
  } else {
    const inst = s.instances.find((i) => i.symbol === symbol);
    tf = inst && isTimeframe(inst.timeframe) ? inst.timeframe : '1h';
  }
  const key: MarketKey = { exchange: exchangeOf(s, symbol), symbol, timeframe: tf };
  const series = c.api.candles(key, c.chartPoints);
  if (series.length < 2) return `No candles for ${esc(symbol)} ${esc(tf)} yet.`;
  const closes = Array.from(series.close.subarray(0, series.length));
  const first = closes[0]!;
  const last = closes[closes.length - 1]!;
  // Axis labels with as many decimals as one row step needs, all the same width.
  const lo = Math.min(...closes);
  const hi = Math.max(...closes);
  const step = (hi - lo) / c.chartHeight;
  const decimals = step >= 1 || step === 0 ? 0 : Math.min(8, Math.ceil(-Math.log10(step)) + 1);
  const width = Math.max(lo.toFixed(decimals).length, hi.toFixed(decimals).length);
  const plot = asciichart.plot(closes, { height: c.chartHeight, format: (x) => x.toFixed(decimals).padStart(width) });
  return [
    `<b>${esc(symbol)} ${esc(tf)}</b> last ${esc(num(last))} (${esc(pct(first > 0 ? ((last - first) / first) * 100 : 0))} over ${series.length} candles)`,
    `<pre>${esc(plot)}</pre>`,
    `<i>${esc(localTime(series.time[0]!, c.timeZone))} → ${esc(localTime(series.time[series.length - 1]!, c.timeZone))}</i>`,
  ].join('\n');
}
