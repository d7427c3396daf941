// `tradetui ml evaluate`: a saved model's figures on any cached candles, beside the baselines on the same
// rows, flagged in-sample when the rows overlap the span it was trained on.
import type { CandleSeries } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { timeframeMs } from '../core/time.js';
import { usableRows } from './dataset.js';
import { computeFeatures, type ExternalSeries } from './features.js';
import { computeLabels } from './labels.js';
import { loadScorer } from './predictor.js';
import type { Evaluation, ModelEntry } from './registry.js';
import { evaluateRows } from './train.js';

export async function evaluateModel(entry: ModelEntry, candles: CandleSeries, external: Map<string, ExternalSeries>, start: number, dataDir: string): Promise<{ evaluation: Evaluation; inSample: boolean }> {
  const m = entry.meta;
  const n = candles.length;
  const features = computeFeatures(candles, m.featureSpec.features, { timeframeMs: timeframeMs(m.market.timeframe), external });
  const labels = computeLabels(candles, m.label);
  const env = { dataDir, externalSeries: (name: string) => external.get(name) ?? null };
  const rows = usableRows(features, labels, m.featureSpec.lookback, n).filter((i) => candles.time[i]! >= start);
  if (rows.length === 0) throw new UserError(`no candles with a known outcome to evaluate on from ${new Date(start).toISOString()} (the last ${m.label.horizon} candles have no label yet)`, '--from');
  const scorer = await loadScorer(entry, env, m.market.timeframe);
  try {
    const want = new Set(rows);
    const scored = scorer.score(candles, (i) => want.has(i));
    if (scored.rows.length !== rows.length) throw new Error(`model ${m.id} predicted ${scored.rows.length} of ${rows.length} rows`);
    const out = scored.out;
    // The majority-class baseline uses the class most frequent over the model's own training span.
    const trainFrom = Date.parse(m.train.from);
    const trainTo = Date.parse(m.train.to);
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) if (candles.time[i]! >= trainFrom && candles.time[i]! <= trainTo && Number.isFinite(labels[i]!)) counts[labels[i]!]!++;
    const majority = counts.some((c) => c > 0) ? counts.indexOf(Math.max(...counts)) : 1;
    const evaluation = evaluateRows(m.task, candles, labels, rows, out, { majority, horizon: m.label.horizon, targetScale: m.targetScale });
    const firstEval = candles.time[rows[0]!]!;
    // A row is in-sample when it or its label window overlaps the training span.
    const inSample = firstEval <= trainTo + m.label.horizon * timeframeMs(m.market.timeframe) && candles.time[rows.at(-1)!]! >= trainFrom;
    return { evaluation, inSample };
  } finally {
    scorer.dispose();
  }
}
