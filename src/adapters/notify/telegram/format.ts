// Telegram message texts (parse mode HTML): alerts, the daily summary and number/time formatting. Every
// value that comes from outside (symbols, reasons, names) goes through esc().
import type { Alert } from '../../../core/events.js';
import type { ClosedTrade, Position } from '../../../core/trading.js';
import type { TradeClosedData, TradeOpenedData } from '../../../alerts/derive.js';
import type { DailySummary } from '../../../alerts/summary.js';
import { esc } from './html.js';

/** Up to 8 significant digits, no exponent for ordinary prices and quantities. */
export function num(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e12)) return n.toPrecision(6);
  return Number(n.toPrecision(8)).toString();
}

// Money and signed amounts read as in the TUI: one number format for every view (src/view/format.ts).
import { money, signedMoney as signed, signedPercent as pct } from '../../../view/format.js';

export { money, signed, pct };

/** "2024-05-01 21:00" in the given zone. */
const timeFormats = new Map<string, Intl.DateTimeFormat>();

export function localTime(time: number, timeZone: string): string {
  // Building an Intl.DateTimeFormat costs ~0.5 ms; alerts are formatted inside the engine's emit.
  let f = timeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    timeFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(time);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

const SEVERITY_ICON: Record<Alert['severity'], string> = { info: 'ℹ️', warn: '⚠️', error: '❗', critical: '🚨' };

function sideWord(side: 'long' | 'short'): string {
  return side === 'long' ? 'LONG ▲' : 'SHORT ▼';
}

export function formatAlert(a: Alert, tz: string): string {
  const data = a.data as Record<string, unknown> | undefined;
  if ((a.category === 'trade' || a.category === 'stop') && data?.kind === 'opened') return formatOpened(data as unknown as TradeOpenedData, tz);
  if ((a.category === 'trade' || a.category === 'stop') && data?.kind === 'closed') return formatClosed(data as unknown as TradeClosedData, tz);
  if (a.category === 'summary' && data && typeof data.equity === 'number') return formatSummary(data as unknown as DailySummary, tz);
  const head = `${SEVERITY_ICON[a.severity]} <b>${esc(a.category)}</b>`;
  return `${head} ${esc(a.message)}\n<i>${esc(localTime(a.time, tz))}</i>`;
}

function formatOpened(d: TradeOpenedData, tz: string): string {
  void tz;
  return [
    `🟢 <b>Opened ${sideWord(d.side)} ${esc(d.symbol)}</b>`,
    `qty ${esc(num(d.qty))} @ ${esc(num(d.price))}`,
    `strategy <code>${esc(d.strategy)}</code>`,
    `reason: ${esc(d.reason)}`,
  ].join('\n');
}

const EXIT_TITLE: Record<string, string> = {
  stop_loss: '🛑 Stop-loss hit',
  take_profit: '🎯 Take-profit hit',
  trailing_stop: '🛑 Trailing stop hit',
  break_even: '🛑 Break-even stop hit',
};

function formatClosed(d: TradeClosedData, tz: string): string {
  void tz;
  const t = d.trade;
  const title = EXIT_TITLE[t.exitReason] ?? (t.pnl >= 0 ? '✅ Closed' : '🔻 Closed');
  return [
    `<b>${title}: ${sideWord(t.side)} ${esc(t.symbol)}</b>`,
    `qty ${esc(num(t.qty))}  ${esc(num(t.entryPrice))} → ${esc(num(t.exitPrice))}`,
    `P&amp;L <b>${esc(signed(t.pnl))}</b> (${esc(pct(t.pnlPct))})`,
    `strategy <code>${esc(t.strategy)}</code>`,
    `reason: ${esc(d.reason)}`,
  ].join('\n');
}

export function formatTradeLine(t: ClosedTrade, tz: string): string {
  return `${esc(localTime(t.exitTime, tz))} ${esc(t.symbol)} ${t.side === 'long' ? '▲' : '▼'} ${esc(signed(t.pnl))} (${esc(pct(t.pnlPct))}) ${esc(t.exitReason)}`;
}

export function formatPositionLine(p: Position): string {
  const dir = p.side === 'long' ? 1 : -1;
  const u = (p.lastPrice - p.entryPrice) * p.qty * dir;
  const upct = p.entryPrice > 0 ? ((p.lastPrice - p.entryPrice) / p.entryPrice) * 100 * dir : 0;
  return `${esc(p.symbol)} ${p.side === 'long' ? 'LONG ▲' : 'SHORT ▼'} ${esc(num(p.qty))} @ ${esc(num(p.entryPrice))} → ${esc(num(p.lastPrice))}  ${esc(signed(u))} (${esc(pct(upct))})`;
}

export function formatSummary(s: DailySummary, tz: string): string {
  const lines = [
    `📊 <b>Daily summary</b> ${esc(localTime(s.time, tz))}`,
    `equity <b>${esc(money(s.equity))}</b>`,
    `day ${esc(signed(s.dayPnl))} (${esc(pct(s.dayPnlPct))})  week ${esc(signed(s.weekPnl))} (${esc(pct(s.weekPnlPct))})`,
    `trades today: ${s.tradesToday}${s.tradesToday > 0 ? ` (${s.winsToday} won), realised ${esc(signed(s.realisedToday))}` : ''}`,
  ];
  if (s.best) lines.push(`best: ${formatTradeLine(s.best, tz)}`);
  if (s.worst && s.worst.id !== s.best?.id) lines.push(`worst: ${formatTradeLine(s.worst, tz)}`);
  lines.push(`open positions: ${s.positions.length}`);
  for (const p of s.positions) lines.push(`• ${formatPositionLine(p)}`);
  return lines.join('\n');
}
