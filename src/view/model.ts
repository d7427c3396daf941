// An ML instance's model in words, for the TUI's instance window and Telegram's /strategies: which model, the
// span it learned from, its out-of-sample figures beside the baselines, and the newest prediction with its
// probability (or forecast return).
import type { ModelSummary } from '../core/events.js';

const f3 = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const day = (iso: string): string => iso.slice(0, 10);

/** "up 47.2%" / "forecast +0.31% over 4 candles", or null before the first prediction. */
export function latestPrediction(m: ModelSummary): string | null {
  const v = m.latest?.values;
  if (!v) return null;
  if ('forecast' in v) return `forecast ${v.forecast! >= 0 ? '+' : ''}${(v.forecast! * 100).toFixed(2)}% over ${m.horizon} candles`;
  const classes: [string, number][] = [
    ['up', v.pUp ?? NaN],
    ['flat', v.pFlat ?? NaN],
    ['down', v.pDown ?? NaN],
  ];
  const best = classes.reduce((a, b) => (b[1] > a[1] ? b : a));
  return `${best[0]} ${pct(best[1])} (up ${pct(classes[0]![1])}, flat ${pct(classes[1]![1])}, down ${pct(classes[2]![1])})`;
}

function figureText(metrics: Record<string, number>): string {
  if ('accuracy' in metrics) return `bal.acc ${f3(metrics.balancedAccuracy)}  MCC ${f3(metrics.mcc)}  acc ${f3(metrics.accuracy)}`;
  return `MAE ${metrics.mae !== undefined ? metrics.mae.toFixed(5) : '—'}  dir.acc ${f3(metrics.directionalAccuracy)}`;
}

/** Lines for a detail window: model, spans, figures against the baselines, newest prediction. */
export function modelLines(m: ModelSummary): string[] {
  const w = Math.max(...m.figures.map((f) => f.name.length));
  const latest = latestPrediction(m);
  return [
    `model      ${m.id} (${m.kind})`,
    `trained    ${day(m.train.from)} → ${day(m.train.to)}, validated ${day(m.valid.from)} → ${day(m.valid.to)}`,
    'out of sample (validation):',
    ...m.figures.map((f) => `  ${f.name.padEnd(w)}  ${figureText(f.metrics)}`),
    `prediction ${latest ?? 'none yet (warming up)'}${latest && m.latest ? ` at ${new Date(m.latest.time).toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}`,
  ];
}

/** One short line for a list (Telegram): "model ID · up 47.2%". */
export function modelShort(m: ModelSummary): string {
  const latest = latestPrediction(m);
  return `model ${m.id}${latest ? ` · ${latest.replace(/ \(.*\)$/, '')}` : ''}`;
}
