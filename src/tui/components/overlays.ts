// Overlay bodies (help, confirmation, details, pickers, backtest result) as lines; the App frames them.
import type { BacktestSummary } from '../../engine/viewer-api.js';
import type { AddForm } from '../store/add-form.js';
import { confirmEditInstance, instanceHoldings } from '../../view/confirm.js';
import type { EngineSnapshot } from '../../engine/ports.js';
import { parseRiskText } from '../../view/risk-text.js';
import { CROSS, REFUSED, RISK, formStrategy, formSymbol, formTimeframes } from '../store/add-form.js';
import type { Theme } from '../theme/theme.js';
import { renderLineChart } from './chart.js';
import { type Line, fit, seg, wrapText } from './line.js';
import { scrollStart } from './table.js';
import { money } from '../format.js';

/** Splits text into lines of at most `width` cells at spaces. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let cur = '';
    for (const word of para.split(' ')) {
      if (cur && [...cur].length + 1 + [...word].length > width) {
        out.push(cur);
        cur = word;
      } else cur = cur ? `${cur} ${word}` : word;
      while ([...cur].length > width) {
        out.push([...cur].slice(0, width).join(''));
        cur = [...cur].slice(width).join('');
      }
    }
    out.push(cur);
  }
  return out;
}

export function confirmBody(lines: string[], width: number, theme: Theme): Line[] {
  const out: Line[] = [];
  for (const l of lines) for (const w of wrap(l, width - 2)) out.push(fit([seg(` ${w}`)], width));
  out.push([]);
  out.push(fit([seg(' Press '), seg(' y ', 'warn', { bold: true, inverse: true }), seg(' to confirm, '), seg('n', undefined, { bold: true }), seg(' or '), seg('Esc', undefined, { bold: true }), seg(' to cancel. Enter does nothing here.')], width));
  void theme;
  return out;
}

export function infoBody(lines: string[], width: number): Line[] {
  const out: Line[] = [];
  for (const l of lines) for (const w of wrap(l, width - 2)) out.push(fit([seg(` ${w}`)], width));
  return out;
}

export function listBody(items: string[], index: number, width: number, height: number, theme: Theme, hint?: string): Line[] {
  const out: Line[] = [];
  const rows = Math.max(1, height - (hint ? 2 : 0));
  const start = scrollStart(items.length, index, rows);
  for (let i = start; i < Math.min(items.length, start + rows); i++) {
    const on = i === index;
    out.push(fit([seg(on ? ` ${theme.g.focus} ` : '   '), seg(items[i]!, on ? 'focus' : undefined, { inverse: on })], width));
  }
  if (items.length === 0) out.push(fit([seg(' nothing to choose from', 'muted')], width));
  if (hint) {
    while (out.length < height - 1) out.push([]);
    out.push(fit([seg(` ${hint}`, 'muted')], width));
  }
  return out;
}

const METRIC_ORDER = ['totalReturnPct', 'cagrPct', 'sharpe', 'sortino', 'maxDrawdownPct', 'trades', 'winRatePct', 'profitFactor', 'expectancy', 'finalEquity'];
const METRIC_LABELS: Record<string, string> = {
  totalReturnPct: 'Total return %',
  buyHoldReturnPct: 'Buy & hold %',
  cagrPct: 'CAGR %',
  maxDrawdownPct: 'Max drawdown %',
  sharpe: 'Sharpe',
  sortino: 'Sortino',
  calmar: 'Calmar',
  trades: 'Trades',
  winRatePct: 'Win rate %',
  profitFactor: 'Profit factor',
  expectancy: 'Expectancy',
  exposurePct: 'Exposure %',
  feesPaid: 'Fees paid',
  finalEquity: 'Final equity',
};

export function backtestBody(instanceId: string, status: 'running' | 'done' | 'error', result: BacktestSummary | undefined, error: string | undefined, width: number, height: number, theme: Theme): Line[] {
  if (status === 'running') return [fit([seg(` Backtesting ${instanceId} on the cached candles${theme.g.ellipsis}`)], width)];
  if (status === 'error' || !result) return infoBody([`Backtest of ${instanceId} failed:`, error ?? 'unknown error'], width);
  const out: Line[] = [fit([seg(` ${instanceId}`, undefined, { bold: true }), seg(`  run #${result.runId}`, 'muted')], width)];
  const keys = [...METRIC_ORDER.filter((k) => k in result.metrics), ...Object.keys(result.metrics).filter((k) => !METRIC_ORDER.includes(k))];
  const colW = 30;
  const perRow = Math.max(1, Math.floor((width - 1) / colW));
  const metricRows = Math.ceil(keys.length / perRow);
  for (let r = 0; r < metricRows; r++) {
    const line: Line = [seg(' ')];
    for (let c = 0; c < perRow; c++) {
      const k = keys[r * perRow + c];
      if (!k) break;
      const v = result.metrics[k];
      const text = v === null || v === undefined ? '-' : Number.isInteger(v) ? v.toLocaleString('en-US') : Math.abs(v) >= 1000 ? money(v) : v.toFixed(2);
      line.push(seg((METRIC_LABELS[k] ?? k).padEnd(17).slice(0, 17), 'muted'), seg(text.padStart(colW - 18).slice(0, colW - 18) + ' '));
    }
    out.push(fit(line, width));
  }
  const chartH = height - out.length - 2;
  if (chartH >= 3 && result.equity.length >= 2) {
    out.push(fit([seg(' equity', 'accent', { bold: true })], width));
    // downsample to the width: one point per column
    const w = width - 2;
    const eq = result.equity;
    const pts: number[] = [];
    const n = Math.min(eq.length, Math.max(2, w - 14));
    for (let i = 0; i < n; i++) pts.push(eq[Math.round((i * (eq.length - 1)) / (n - 1))]!);
    for (const l of renderLineChart(pts, w, chartH, theme)) out.push(fit([seg(' '), ...l], width));
  }
  return out;
}

/** `engine`: the newest view, so the edit review's line on what the instance holds follows fills and closes live. */
export function addFormBody(f: AddForm, width: number, height: number, theme: Theme, engine: Pick<EngineSnapshot, 'positions' | 'orders'>): Line[] {
  const s = formStrategy(f);
  const sym = formSymbol(f);
  const crumbs = [s?.name ?? '?', f.step === 'strategy' ? '' : sym?.symbol ?? '?', ['params', 'review'].includes(f.step) ? formTimeframes(f)[f.ti] ?? '?' : ''].filter(Boolean).join(' / ');
  const head: Line = f.edit
    ? fit([seg(' Edit: ', 'accent', { bold: true }), seg(f.step === 'review' ? 'review' : 'params and risk'), seg(`   ${f.edit.instanceId}`, 'muted')], width)
    : fit([seg(` Step ${['strategy', 'symbol', 'timeframe', 'params', 'review'].indexOf(f.step) + 1}/5: `, 'accent', { bold: true }), seg(f.step), seg(`   ${crumbs}`, 'muted')], width);
  const rest = height - 2;
  switch (f.step) {
    case 'strategy':
      return [head, [], ...listBody(f.strategies.map((x) => `${x.name.padEnd(14)} ${x.description}`), f.si, width, rest, theme, 'Enter choose  Esc cancel')];
    case 'symbol':
      return [head, [], ...listBody(f.symbols.map((x) => x.symbol), f.yi, width, rest, theme, 'Enter choose  Esc back')];
    case 'timeframe':
      return [head, [], ...listBody(formTimeframes(f), f.ti, width, rest, theme, 'Enter choose  Esc back')];
    case 'params': {
      const out: Line[] = [head, []];
      s!.params.forEach((p, i) => {
        const on = i === f.pi;
        const v = f.values[p.name] ?? '';
        const range = p.type === 'int' || p.type === 'float' ? `${p.min}..${p.max}` : p.type === 'enum' ? p.values.join('|') : 'true|false';
        out.push(
          fit(
            [
              seg(on ? ` ${theme.g.focus} ` : '   '),
              seg(p.name.padEnd(12)),
              seg(` ${v.padEnd(10)} `, on ? 'focus' : undefined, { inverse: on }),
              seg(` ${range}`, 'muted'),
              seg(f.errors[p.name] ? `  ! ${f.errors[p.name]}` : `  ${p.description ?? ''}`, f.errors[p.name] ? 'error' : 'muted'),
            ],
            width,
          ),
        );
      });
      if (s!.params.length === 0) out.push(fit([seg('   no parameters', 'muted')], width));
      if (f.edit) {
        const on = f.pi === s!.params.length;
        const v = f.values[RISK] ?? '';
        const err = f.errors[RISK];
        out.push([]);
        out.push(fit([seg(on ? ` ${theme.g.focus} ` : '   '), seg('risk'.padEnd(12)), seg(err ? `! ${err}` : 'overrides of the risk section: path=value …, empty for none', err ? 'error' : 'muted')], width));
        // the line wraps rather than scrolls, so all of it stays in view while typed
        for (const t of wrapText(`${v}${on ? '_' : ''}` || ' ', width - 6)) out.push(fit([seg('     '), seg(t, on ? 'focus' : undefined, { inverse: on })], width));
      }
      for (const k of [CROSS, REFUSED]) {
        const e = f.errors[k];
        if (!e) continue;
        out.push([]);
        for (const t of wrapText(`! ${k === REFUSED ? 'the engine refused: ' : ''}${e}`, width - 3)) out.push(fit([seg(`   ${t}`, 'error', { bold: true })], width));
      }
      while (out.length < height - 1) out.push([]);
      out.push(fit([seg((f.edit ? ' ↑↓ choose  type / ←→ change  Enter review  Esc cancel' : ' ↑↓ choose  type digits / ←→ change  Enter review  Esc back').replace('↑↓', theme.unicode ? '↑↓' : 'Up/Down').replace('←→', theme.unicode ? '←→' : 'Left/Right'), 'muted')], width));
      return out;
    }
    case 'review': {
      const params = s!.params.map((p) => `${p.name}=${f.values[p.name]}`).join(' ');
      if (f.edit) {
        const risk = (f.values[RISK] ?? '').trim();
        const riskValue = parseRiskText(risk);
        const q = confirmEditInstance(
          f.edit.instanceId,
          Object.fromEntries(s!.params.map((p) => [p.name, f.values[p.name] ?? ''])),
          risk === f.edit.initialRisk.trim() ? undefined : { text: risk, value: riskValue.ok ? riskValue.value : null },
          instanceHoldings(engine, f.edit.instanceId),
          'keyboard',
        );
        return [
          head,
          [],
          ...confirmBody(
            [
              q.title,
              ...q.lines,
              ...(f.sending ? ['Restarting... waiting for the engine.'] : []),
            ],
            width,
            theme,
          ),
        ];
      }
      return [
        head,
        [],
        ...confirmBody(
          [
            `Add ${s!.name} on ${sym!.symbol} ${formTimeframes(f)[f.ti]} with ${params || 'no parameters'}?`,
            'Once it runs it opens and closes positions on its signals, sized and vetted by the risk layer.',
            ...(f.sending ? ['Adding... waiting for the engine.'] : []),
          ],
          width,
          theme,
        ),
      ];
    }
  }
}
