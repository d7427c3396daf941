// The self-contained HTML report of stored backtests (`backtest … --html FILE`, `backtest show RUN --html FILE`):
// header, metrics, the price chart with every trade's entry and exit marked, equity and drawdown, and the trades.
// One file of inline SVG and CSS, no script and no external resource (its Content-Security-Policy forbids any), so
// it opens offline, from an e-mail attachment, years later.
import { writeFileSync } from 'node:fs';
import type { CandleSeries } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import type { ClosedTrade } from '../core/trading.js';
import type { StoredRun } from '../backtest/runs.js';
import { drawdownSeries, fmtDuration, fmtMoney, fmtNum, fmtPct, fmtPrice, fmtTime, reportHeader, summaryPairs } from '../backtest/report.js';
import { type Frame, type Scale, area, esc, minMaxPoints, niceTicks, polyline, px, scale, timeTicks } from './svg.js';

export interface ReportRun {
  run: StoredRun;
  /**
   * Each market of the run (one, or several for a shared-account run) with its candles over the span, or null when
   * the cache no longer holds them (that price chart is left out).
   */
  prices: Array<{ symbol: string; candles: CandleSeries | null }>;
}

/** Points per line: finer than any screen needs, small enough that a year of 1m candles stays a few hundred KB. */
const BUCKETS = 1200;
/** Up to this many candles the price chart draws candlesticks; beyond, a close line. */
const MAX_CANDLESTICKS = 300;

const CSS = `
:root{color-scheme:light dark;--fg:#1d2430;--muted:#6b7380;--grid:#e3e6ea;--bg:#fff;--up:#16a34a;--down:#dc2626;--line:#2563eb;--dd:#dc2626}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ee;--muted:#9aa3af;--grid:#30363d;--bg:#0d1117;--line:#60a5fa}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:24px auto;max-width:1180px;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 6px}
pre.head{font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;color:var(--muted);margin:0 0 12px;white-space:pre-wrap}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{padding:3px 10px;border-bottom:1px solid var(--grid);text-align:right;white-space:nowrap}
th{color:var(--muted);font-weight:600}td.l,th.l{text-align:left}.pos{color:var(--up)}.neg{color:var(--down)}
.metrics{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start}.trades-wrap{max-height:480px;overflow:auto}
svg{display:block;width:100%;height:auto;font:11px system-ui,sans-serif}svg text{fill:var(--muted)}
.grid{stroke:var(--grid);stroke-width:1}.price{stroke:var(--line);stroke-width:1.2}.equity{stroke:var(--line);stroke-width:1.5}
.dd{fill:var(--dd);fill-opacity:.25;stroke:var(--dd);stroke-width:1}.wick{stroke-width:1}.up{stroke:var(--up);fill:var(--up)}.down{stroke:var(--down);fill:var(--down)}
.marker.buy{fill:var(--up)}.marker.sell{fill:var(--down)}.marker{stroke:var(--bg);stroke-width:.8}
.link{stroke-width:1;stroke-dasharray:3 2;fill:none}.link.win{stroke:var(--up)}.link.loss{stroke:var(--down)}
.legend{color:var(--muted);font-size:12px;margin:4px 0}
`;

const PRICE: Frame = { width: 1140, height: 380, left: 8, top: 10, right: 78, bottom: 24 };
const EQUITY: Frame = { width: 1140, height: 220, left: 8, top: 10, right: 78, bottom: 24 };
const DRAWDOWN: Frame = { width: 1140, height: 150, left: 8, top: 10, right: 78, bottom: 24 };

/** The whole document for one or more runs. */
export function htmlReport(runs: readonly ReportRun[], generatedAt: number): string {
  const title = runs.length === 1 ? `Backtest #${runs[0]!.run.id} ${runs[0]!.run.strategy} ${runs[0]!.run.symbol} ${runs[0]!.run.timeframe}` : `Backtests ${runs.map((r) => `#${r.run.id}`).join(', ')}`;
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p class="legend">tradetui report, generated ${esc(fmtTime(generatedAt))} UTC. Times are UTC.</p>`,
    runs.length > 1 ? comparison(runs.map((r) => r.run)) : '',
    ...runs.map((r) => runSection(r, runs.length > 1)),
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
${body}
</body></html>
`;
}

function signClass(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) || x === 0 ? '' : x > 0 ? ' pos' : ' neg';
}

function comparison(runs: readonly StoredRun[]): string {
  const rows = runs
    .map(
      (r) =>
        `<tr><td class="l"><a href="#run-${r.id}">#${r.id}</a></td><td class="l">${esc(r.strategy)}</td><td class="l">${esc(r.symbol)} ${esc(r.timeframe)}</td>` +
        `<td class="${signClass(r.metrics.totalReturnPct).trim()}">${fmtPct(r.metrics.totalReturnPct)}</td><td>${fmtPct(r.metrics.maxDrawdownPct)}</td>` +
        `<td>${fmtNum(r.metrics.sharpe)}</td><td>${r.metrics.trades}</td><td>${fmtPct(r.metrics.winRatePct)}</td></tr>`,
    )
    .join('');
  return `<h2>Comparison</h2><table class="comparison"><tr><th class="l">Run</th><th class="l">Strategy</th><th class="l">Market</th><th>Return</th><th>Max DD</th><th>Sharpe</th><th>Trades</th><th>Win rate</th></tr>${rows}</table>`;
}

function runSection({ run, prices }: ReportRun, many: boolean): string {
  const { left, right } = summaryPairs(run);
  const pairs = (list: Array<[string, string]>): string =>
    `<table>${list.map(([k, v]) => `<tr><th class="l">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
  const m = run.metrics;
  const reasons = Object.entries(m.perExitReason)
    .map(([k, v]) => `<tr><td class="l">${esc(k)}</td><td>${v.trades}</td><td class="${signClass(v.pnl).trim()}">${fmtMoney(v.pnl)}</td><td>${fmtPct(v.winRatePct, 1)}</td></tr>`)
    .join('');
  const price = prices
    .map(({ symbol, candles }) => {
      const title = prices.length > 1 ? `<h3>${esc(symbol)}</h3>` : '';
      const trades = prices.length > 1 ? run.trades.filter((t) => t.symbol === symbol) : run.trades;
      return candles && candles.length > 0
        ? `${title}${priceChart(candles, trades)}`
        : `${title}<p class="legend">The ${esc(symbol)} candles of this span are no longer in the cache: the price chart is left out.</p>`;
    })
    .join('\n');
  return `<section id="run-${run.id}" class="run" data-run="${run.id}">
${many ? `<h2>Backtest #${run.id} ${esc(run.strategy)} ${esc(run.symbol)} ${esc(run.timeframe)}</h2>` : ''}
<pre class="head">${esc(reportHeader(run))}</pre>
<h2>Metrics</h2>
<div class="metrics">${pairs(left)}${pairs(right)}
<table><tr><th class="l">Fees paid</th><td>${fmtMoney(m.feesPaid)}</td></tr><tr><th class="l">Deepest drawdown</th><td>${m.maxDrawdownStart !== null ? `${esc(fmtTime(m.maxDrawdownStart))} → ${esc(fmtTime(m.maxDrawdownEnd))}` : '—'}</td></tr>
<tr><th class="l">Risk decisions</th><td>${run.riskDecisions.accepted} accepted, ${run.riskDecisions.resized} resized, ${run.riskDecisions.rejected} rejected</td></tr></table>
${reasons ? `<table><tr><th class="l">Exit reason</th><th>Trades</th><th>P&amp;L</th><th>Win rate</th></tr>${reasons}</table>` : ''}</div>
<h2>Price and trades</h2>
<p class="legend">▲ buy · ▼ sell; a dashed line joins each trade's entry and exit (green won, red lost). Hover a marker for its trade.</p>
${price}
<h2>Equity</h2>
${equityChart(run)}
<h2>Drawdown</h2>
${drawdownChart(run)}
<h2>Trades (${run.trades.length})</h2>
${tradesTable(run.trades)}
</section>`;
}

/** An axis label with the decimals its tick step needs, grouped: 70,000 / 0.25 / 0.0015. */
function tickText(v: number, ticks: readonly number[], suffix = ''): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : Math.abs(v) || 1;
  let decimals = 0;
  while (decimals < 8 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals++;
  return `${v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}${suffix}`;
}

function axes(f: Frame, s: Scale, suffix: string, yTicks: number[]): string {
  const parts: string[] = [];
  const fmt = (v: number): string => tickText(v, yTicks, suffix);
  for (const v of yTicks) {
    const y = px(s.y(v));
    parts.push(`<line class="grid" x1="${f.left}" x2="${f.width - f.right}" y1="${y}" y2="${y}"/><text x="${f.width - f.right + 6}" y="${y}" dy="4">${esc(fmt(v))}</text>`);
  }
  for (const { t, label } of timeTicks(s.t0, s.t1)) {
    const x = px(s.x(t));
    // labels at the edges are anchored inside the chart, not cut in half
    const anchor = Number(x) - f.left < 40 ? 'start' : f.width - f.right - Number(x) < 40 ? 'end' : 'middle';
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${f.top}" y2="${f.height - f.bottom}"/><text x="${x}" y="${f.height - 6}" text-anchor="${anchor}">${esc(label)}</text>`);
  }
  return parts.join('');
}

function svg(f: Frame, cls: string, inner: string): string {
  return `<svg class="${cls}" viewBox="0 0 ${f.width} ${f.height}" role="img" xmlns="http://www.w3.org/2000/svg">${inner}</svg>`;
}

function priceChart(c: CandleSeries, trades: readonly ClosedTrade[]): string {
  const n = c.length;
  const t0 = c.time[0]!;
  const tf = n > 1 ? (c.time[n - 1]! - t0) / (n - 1) : 60_000;
  const t1 = c.time[n - 1]! + tf;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, c.low[i]!);
    hi = Math.max(hi, c.high[i]!);
  }
  for (const t of trades)
    for (const p of [t.entryPrice, t.exitPrice]) {
      lo = Math.min(lo, p);
      hi = Math.max(hi, p);
    }
  const pad = (hi - lo) * 0.04;
  const s = scale(PRICE, t0, t1, lo - pad, hi + pad);
  const parts = [axes(PRICE, s, '', niceTicks(s.lo, s.hi, 6))];
  if (n <= MAX_CANDLESTICKS) {
    const w = Math.max(1, ((PRICE.width - PRICE.left - PRICE.right) / n) * 0.7);
    for (let i = 0; i < n; i++) {
      const o = c.open[i]!;
      const cl = c.close[i]!;
      const cls = cl >= o ? 'up' : 'down';
      const x = s.x(c.time[i]! + tf / 2);
      const top = s.y(Math.max(o, cl));
      parts.push(
        `<g class="candle ${cls}"><line class="wick ${cls}" x1="${px(x)}" x2="${px(x)}" y1="${px(s.y(c.high[i]!))}" y2="${px(s.y(c.low[i]!))}"/>` +
          `<rect x="${px(x - w / 2)}" y="${px(top)}" width="${px(w)}" height="${px(Math.max(1, s.y(Math.min(o, cl)) - top))}"/></g>`,
      );
    }
  } else {
    // a close line: min and max per bucket keep the extremes a trader looks for
    parts.push(polyline(minMaxPoints(c.time, c.close, BUCKETS), s, 'price'));
  }
  trades.forEach((t, i) => {
    const won = t.pnl >= 0;
    const x1 = s.x(t.entryTime);
    const x2 = s.x(t.exitTime);
    parts.push(`<line class="link ${won ? 'win' : 'loss'}" x1="${px(x1)}" y1="${px(s.y(t.entryPrice))}" x2="${px(x2)}" y2="${px(s.y(t.exitPrice))}"/>`);
    const entrySide = t.side === 'long' ? 'buy' : 'sell';
    const exitSide = t.side === 'long' ? 'sell' : 'buy';
    parts.push(marker(x1, s.y(t.entryPrice), entrySide, 'entry', i, `#${i + 1} ${t.side} entry ${fmtTime(t.entryTime)} at ${fmtPrice(t.entryPrice)}, qty ${fmtPrice(t.qty)}`));
    parts.push(
      marker(x2, s.y(t.exitPrice), exitSide, 'exit', i, `#${i + 1} ${t.side} exit ${fmtTime(t.exitTime)} at ${fmtPrice(t.exitPrice)} (${t.exitReason}), P&L ${fmtMoney(t.pnl)} (${fmtPct(t.pnlPct)})`),
    );
  });
  return svg(PRICE, 'chart price-chart', parts.join(''));
}

/** A triangle pointing up (buy) or down (sell), with its trade as a tooltip. */
function marker(x: number, y: number, side: 'buy' | 'sell', purpose: 'entry' | 'exit', trade: number, text: string): string {
  const d = side === 'buy' ? `M${px(x)},${px(y)}l-5,9h10z` : `M${px(x)},${px(y)}l-5,-9h10z`;
  return `<path class="marker ${side} ${purpose}" data-trade="${trade + 1}" d="${d}"><title>${esc(text)}</title></path>`;
}

function equityChart(run: StoredRun): string {
  const e = run.equity;
  if (e.length === 0) return '<p class="legend">No equity points.</p>';
  const pts = minMaxPoints(run.equityTimes, e, BUCKETS);
  let lo = run.settings.initialBalance;
  let hi = lo;
  for (const [, v] of pts) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = (hi - lo) * 0.05;
  const t1 = run.equityTimes[e.length - 1]!;
  const s = scale(EQUITY, run.equityTimes[0]!, t1 > run.equityTimes[0]! ? t1 : t1 + 1, lo - pad, hi + pad);
  const base = px(s.y(run.settings.initialBalance));
  const start = `<line class="grid" stroke-dasharray="4 3" x1="${EQUITY.left}" x2="${EQUITY.width - EQUITY.right}" y1="${base}" y2="${base}"/>`;
  return svg(EQUITY, 'chart equity-chart', axes(EQUITY, s, '', niceTicks(s.lo, s.hi, 5)) + start + polyline(pts, s, 'equity'));
}

function drawdownChart(run: StoredRun): string {
  const e = run.equity;
  if (e.length === 0) return '';
  const dd = drawdownSeries(e, run.settings.initialBalance);
  const pts = minMaxPoints(run.equityTimes, dd, BUCKETS);
  let lo = 0;
  for (const [, v] of pts) lo = Math.min(lo, v);
  const t1 = run.equityTimes[e.length - 1]!;
  const s = scale(DRAWDOWN, run.equityTimes[0]!, t1 > run.equityTimes[0]! ? t1 : t1 + 1, lo * 1.05 - 0.01, 0);
  return svg(DRAWDOWN, 'chart drawdown-chart', axes(DRAWDOWN, s, '%', niceTicks(s.lo, 0, 4)) + area(pts, s, 0, 'dd'));
}

function tradesTable(trades: readonly ClosedTrade[]): string {
  if (trades.length === 0) return '<p class="legend">No trades.</p>';
  const head = ['#', 'Side', 'Entry (UTC)', 'Exit (UTC)', 'Entry', 'Exit', 'Qty', 'P&L', 'P&L %', 'Fees', 'Held', 'Exit reason'];
  const left = new Set([1, 2, 3, 11]);
  const rows = trades.map((t, i) => {
    const cls = signClass(t.pnl);
    const cells = [String(i + 1), t.side, fmtTime(t.entryTime), fmtTime(t.exitTime), fmtPrice(t.entryPrice), fmtPrice(t.exitPrice), fmtPrice(t.qty), fmtMoney(t.pnl), fmtPct(t.pnlPct), fmtMoney(t.fees), fmtDuration(t.exitTime - t.entryTime), t.exitReason];
    return `<tr>${cells.map((c, k) => `<td class="${left.has(k) ? 'l' : ''}${k === 7 || k === 8 ? cls : ''}">${esc(c)}</td>`).join('')}</tr>`;
  });
  return `<div class="trades-wrap"><table class="trades"><tr>${head.map((h, k) => `<th class="${left.has(k) ? 'l' : ''}">${esc(h)}</th>`).join('')}</tr>${rows.join('')}</table></div>`;
}

/** Writes the report; a file that cannot be written is a clear error naming it and the flag. */
export function writeHtmlReport(file: string, runs: readonly ReportRun[], generatedAt: number): void {
  try {
    writeFileSync(file, htmlReport(runs, generatedAt));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot write ${file}: ${code === 'ENOENT' ? 'its directory does not exist' : (code ?? (err as Error).message)}`, '--html');
  }
}
