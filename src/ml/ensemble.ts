// Ensembles (`ml train --model ensemble --members ID,ID,…`): a weighted average of classifiers' class
// probabilities. The weights are learned on validation candles only — the span every member held out from its
// own training (the intersection of their validation spans) — and nothing after it: the candles are cut at the
// end of that span before labels are computed, so no later candle, and no label reaching past the span, can
// move a weight. Weights maximise the likelihood of the true classes under the mixture (EM updates: monotone,
// deterministic, no learning rate), start equal and sum to 1.
import { createHash } from 'node:crypto';
import { seriesPrefix, type CandleSeries } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { iso, type Timeframe } from '../core/time.js';
import type { PrepareEnv } from '../strategy/contract.js';
import { FEATURE_VERSION, featureWarmup } from './features.js';
import { computeLabels } from './labels.js';
import { classifierMetrics } from './metrics.js';
import { loadScorer, type Scorer } from './predictor.js';
import { findModel, registryDirs, saveModelFolder, type Evaluation, type ModelEntry, type ModelMeta, type RegistryDirs } from './registry.js';
import { argmax3 } from './train.js';

const EM_ITERATIONS = 200;

/** Members that can be combined: classifiers on one market predicting the same label. Returns the shared span. */
export function checkMembers(members: readonly ModelEntry[]): { from: number; to: number } {
  if (members.length < 2) throw new UserError('an ensemble needs at least two members', '--members');
  const ids = members.map((m) => m.id);
  const twice = ids.find((id, k) => ids.indexOf(id) !== k);
  if (twice) throw new UserError(`member ${twice} is listed twice`, '--members');
  const first = members[0]!.meta;
  for (const e of members) {
    const m = e.meta;
    if (m.kind === 'ensemble') throw new UserError(`member ${e.id} is itself an ensemble; list its members instead`, '--members');
    if (m.task !== 'classify') throw new UserError(`member ${e.id} is a forecaster (${m.kind}); an ensemble combines classifiers' probabilities`, '--members');
    const market = (x: ModelMeta): string => `${x.market.exchange} ${x.market.symbol} ${x.market.timeframe}`;
    if (market(m) !== market(first)) throw new UserError(`member ${e.id} was trained on ${market(m)}, member ${members[0]!.id} on ${market(first)}`, '--members');
    if (JSON.stringify(m.label) !== JSON.stringify(first.label)) {
      throw new UserError(`member ${e.id} predicts ${JSON.stringify(m.label)}, member ${members[0]!.id} ${JSON.stringify(first.label)}: members must share the label`, '--members');
    }
  }
  const from = Math.max(...members.map((e) => Date.parse(e.meta.valid.from)));
  const to = Math.min(...members.map((e) => Date.parse(e.meta.valid.to)));
  if (!(from < to)) {
    throw new UserError(
      `the members' validation spans do not overlap (${members.map((e) => `${e.id}: ${e.meta.valid.from} → ${e.meta.valid.to}`).join('; ')}): train them on the same candles`,
      '--members',
    );
  }
  return { from, to };
}

/** Candles each member needs before the first validation row. */
export function ensembleWarmup(members: readonly ModelEntry[]): number {
  return Math.max(...members.map((e) => featureWarmup(e.meta.featureSpec.features) + e.meta.featureSpec.lookback));
}

/** Mixture weights maximising Σ log Σ_m w_m·p_m(y_i); `p[m][k]` is member m's probability of row k's true class. */
export function learnWeights(p: readonly Float64Array[], iterations = EM_ITERATIONS): number[] {
  const M = p.length;
  const K = p[0]?.length ?? 0;
  let w = new Array<number>(M).fill(1 / M);
  if (K === 0) return w;
  for (let it = 0; it < iterations; it++) {
    const next = new Array<number>(M).fill(0);
    for (let k = 0; k < K; k++) {
      let mix = 0;
      for (let m = 0; m < M; m++) mix += w[m]! * p[m]![k]!;
      if (mix <= 0) continue;
      for (let m = 0; m < M; m++) next[m]! += (w[m]! * p[m]![k]!) / mix;
    }
    const total = next.reduce((a, b) => a + b, 0);
    w = total > 0 ? next.map((x) => x / total) : w;
  }
  return w;
}

/** Weighted class probabilities of the members, on the rows every member predicts. */
export class EnsembleScorer implements Scorer {
  constructor(
    readonly meta: ModelMeta,
    private readonly members: readonly Scorer[],
    private readonly weights: readonly number[],
  ) {}

  get warmup(): number {
    return Math.max(...this.members.map((m) => m.warmup));
  }

  /** Each member's probabilities on the rows all of them predict (ascending). */
  memberScores(candles: CandleSeries, want: (i: number) => boolean): { rows: number[]; outs: Float32Array[] } {
    const parts = this.members.map((m) => m.score(candles, want));
    let common = parts[0]?.rows ?? [];
    for (const p of parts.slice(1)) {
      const has = new Set(p.rows);
      common = common.filter((i) => has.has(i));
    }
    const keep = new Set(common);
    const outs = parts.map((p) => {
      const o = new Float32Array(common.length * 3);
      let j = 0;
      p.rows.forEach((i, k) => {
        if (keep.has(i)) o.set(p.out.subarray(k * 3, k * 3 + 3), 3 * j++);
      });
      return o;
    });
    return { rows: common, outs };
  }

  score(candles: CandleSeries, want: (i: number) => boolean): { rows: number[]; out: Float32Array } {
    const { rows, outs } = this.memberScores(candles, want);
    const out = new Float32Array(rows.length * 3);
    outs.forEach((o, m) => {
      const w = this.weights[m]!;
      for (let j = 0; j < o.length; j++) out[j]! += w * o[j]!;
    });
    return { rows, out };
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}

/** Loads an ensemble's members (from the same registry) as one scorer. */
export async function loadEnsemble(entry: ModelEntry, env: Pick<PrepareEnv, 'dataDir' | 'externalSeries'>, timeframe: Timeframe): Promise<EnsembleScorer> {
  const spec = entry.meta.ensemble;
  if (!spec || spec.members.length === 0) throw new UserError(`ensemble ${entry.id} lists no members in meta.json`, entry.dir);
  const dirs = registryDirs(env.dataDir);
  const scorers: Scorer[] = [];
  try {
    for (const m of spec.members) {
      let member: ModelEntry;
      try {
        member = findModel(dirs, m.id, 'model');
      } catch (err) {
        throw new UserError(`ensemble ${entry.id} needs member ${m.id}: ${(err as Error).message}`, entry.dir);
      }
      scorers.push(await loadScorer(member, env, timeframe));
    }
  } catch (err) {
    for (const s of scorers) s.dispose();
    throw err;
  }
  return new EnsembleScorer(entry.meta, scorers, spec.members.map((m) => m.weight));
}

export interface FitEnsembleInput {
  dirs: RegistryDirs;
  env: Pick<PrepareEnv, 'dataDir' | 'externalSeries'>;
  members: ModelEntry[];
  /** Candles from before the validation span (warm-up) on; anything after the span is cut off here. */
  candles: CandleSeries;
  target: { root: string; id: string };
}

/** Learns the weights on the members' shared validation span and saves the ensemble (meta.json only). */
export async function fitEnsemble(input: FitEnsembleInput): Promise<{ meta: ModelMeta; dir: string }> {
  const started = Date.now();
  const { members } = input;
  const span = checkMembers(members);
  // Cut at the end of the validation span: labels, weights and figures cannot see a later candle.
  let end = input.candles.length;
  while (end > 0 && input.candles.time[end - 1]! > span.to) end--;
  const candles = seriesPrefix(input.candles, end);
  const first = members[0]!.meta;
  const timeframe = first.market.timeframe;
  const labels = computeLabels(candles, first.label);
  const scorers: Scorer[] = [];
  try {
    for (const m of members) scorers.push(await loadScorer(m, input.env, timeframe));
    const probe = new EnsembleScorer(first, scorers, members.map(() => 1 / members.length));
    const { rows, outs } = probe.memberScores(candles, (i) => candles.time[i]! >= span.from && Number.isFinite(labels[i]!));
    if (rows.length < 20) {
      throw new UserError(`only ${rows.length} validation candles with a known outcome in ${iso(span.from)} → ${iso(span.to)}; the cache must hold the members' validation candles`, '--members');
    }
    const truth = rows.map((i) => labels[i]!);
    const pTrue = outs.map((o) => Float64Array.from(truth, (y, k) => o[k * 3 + y]!));
    const weights = learnWeights(pTrue);
    const mixed = new Float32Array(rows.length * 3);
    outs.forEach((o, m) => o.forEach((v, j) => (mixed[j]! += weights[m]! * v)));
    const counts = [0, 0, 0];
    for (const y of truth) counts[y]!++;
    const majority = counts.indexOf(Math.max(...counts));
    const pred = (out: Float32Array): number[] => rows.map((_, k) => argmax3(out, k));
    const validation: Evaluation = {
      rows: rows.length,
      from: iso(candles.time[rows[0]!]!),
      to: iso(candles.time[rows.at(-1)!]!),
      model: classifierMetrics(truth, pred(mixed)),
      baselines: {
        'majority class': classifierMetrics(truth, rows.map(() => majority)),
        ...Object.fromEntries(members.map((m, k) => [`member ${m.id}`, classifierMetrics(truth, pred(outs[k]!))])),
      },
    };
    const features = [...new Set(members.flatMap((m) => m.meta.featureSpec.features))];
    const hash = createHash('sha256');
    for (const m of members) hash.update(m.meta.dataHash);
    hash.update(JSON.stringify(weights));
    const meta: ModelMeta = {
      id: input.target.id,
      createdAt: new Date().toISOString(),
      kind: 'ensemble',
      task: 'classify',
      market: first.market,
      featureSpec: { version: FEATURE_VERSION, features, lookback: Math.max(...members.map((m) => m.meta.featureSpec.lookback)) },
      label: first.label,
      targetScale: 1,
      units: 0,
      epochs: { max: EM_ITERATIONS, run: EM_ITERATIONS, best: EM_ITERATIONS },
      // The ensemble has seen every member's training span and, through its weights, the validation span.
      train: { from: members.map((m) => m.meta.train.from).sort()[0]!, to: members.map((m) => m.meta.train.to).sort().at(-1)!, rows: Math.max(...members.map((m) => m.meta.train.rows)) },
      valid: { from: validation.from, to: validation.to, rows: rows.length },
      purge: first.label.horizon,
      embargo: Math.max(...members.map((m) => m.meta.embargo)),
      scaler: { mean: [], std: [] },
      seed: 0,
      dataHash: hash.digest('hex'),
      tfjsVersion: [...new Set(members.map((m) => m.meta.tfjsVersion).filter((v) => v))].join(', '),
      backend: [...new Set(members.map((m) => m.meta.backend))].join(', '),
      trainSeconds: (Date.now() - started) / 1000,
      validation,
      notes: [
        `weights ${members.map((m, k) => `${m.id} ${weights[k]!.toFixed(3)}`).join(', ')}, learned on the members' validation candles only`,
        'its validation figures are in-sample for the weights (out of sample for the members): "tradetui ml evaluate" on later candles is its test',
      ],
      ensemble: { members: members.map((m, k) => ({ id: m.id, weight: weights[k]! })) },
    };
    const dir = await saveModelFolder(input.target.root, meta, async () => undefined);
    return { meta, dir };
  } finally {
    for (const s of scorers) s.dispose();
  }
}
