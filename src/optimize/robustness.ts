// How much to trust an optimisation's winner, beyond PBO and DSR: the configurations around it in the space
// (a lone peak among poor neighbours is luck), and one verdict line that reads every figure together.
import type { Params, Strategy } from '../strategy/contract.js';
import { fullParams, isValid, paramsKey, type SearchSpace } from './space.js';

/** Steps of 20 across a continuous range: neighbours of a float without a grid step. */
const CONTINUOUS_STEPS = 20;
/** Beyond this many numeric parameters, only neighbours along each axis (2 per parameter) are used. */
const MAX_FULL_NEIGHBOURHOOD_DIMS = 4;

/**
 * The winner's neighbours: every valid configuration one grid step away in one or more numeric parameters
 * (a Chebyshev radius of 1), other parameters unchanged. Steps come from the space (its grid step, 1 for an
 * integer without one, a twentieth of the range for a continuous float).
 */
export function neighbours(strategy: Strategy, space: SearchSpace, winner: Params): Params[] {
  const numeric = space.dims.filter((d) => d.kind !== 'choice') as Array<Extract<SearchSpace['dims'][number], { min: number }>>;
  if (numeric.length === 0) return [];
  const options = numeric.map((d) => {
    const step = d.step ?? (d.kind === 'int' ? 1 : (d.max - d.min) / CONTINUOUS_STEPS);
    const v = Number(winner[d.name]);
    return [-step, 0, step].map((delta) => v + delta).filter((x) => x >= d.min - 1e-12 && x <= d.max + 1e-12).map((x) => Number(x.toFixed(10)));
  });
  const out: Params[] = [];
  const seen = new Set<string>([paramsKey(winner)]);
  const push = (point: Params): void => {
    const p = fullParams(strategy, space, point);
    const key = paramsKey(p);
    if (seen.has(key) || !isValid(strategy, p)) return;
    seen.add(key);
    out.push(p);
  };
  if (numeric.length > MAX_FULL_NEIGHBOURHOOD_DIMS) {
    numeric.forEach((d, k) => options[k]!.forEach((v) => push({ ...winner, [d.name]: v })));
    return out;
  }
  const idx = new Array<number>(numeric.length).fill(0);
  for (;;) {
    const point: Params = { ...winner };
    numeric.forEach((d, k) => (point[d.name] = options[k]![idx[k]!]!));
    push(point);
    let k = numeric.length - 1;
    while (k >= 0 && ++idx[k]! >= options[k]!.length) idx[k--] = 0;
    if (k < 0) break;
  }
  return out;
}

export interface NeighbourhoodScore {
  count: number;
  /** Mean neighbour score (neighbours scoring worst count as the worst finite score seen, or are excluded when none is finite). */
  meanScore: number | null;
  /** (mean neighbour score − winner score) / |winner score| in percent: −38 means neighbours do 38% worse. */
  changePct: number | null;
  /** Share of neighbours whose score is at least half the winner's. */
  holdingShare: number | null;
}

export function neighbourhoodScore(winnerScore: number, scores: readonly number[]): NeighbourhoodScore {
  const finite = scores.filter((s) => Number.isFinite(s));
  if (scores.length === 0 || !Number.isFinite(winnerScore)) return { count: scores.length, meanScore: null, changePct: null, holdingShare: null };
  // A neighbour that fails the objective (too few trades) is as bad as the worst neighbour that did not.
  const floor = finite.length > 0 ? Math.min(...finite, 0) : 0;
  const vals = scores.map((s) => (Number.isFinite(s) ? s : floor));
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  const denom = Math.abs(winnerScore);
  return {
    count: scores.length,
    meanScore: mean,
    changePct: denom > 0 ? ((mean - winnerScore) / denom) * 100 : null,
    holdingShare: vals.filter((v) => (winnerScore >= 0 ? v >= winnerScore / 2 : v >= winnerScore * 2)).length / vals.length,
  };
}

export interface VerdictInput {
  pbo: number | null;
  dsr: number | null;
  trialsOnRecord: number;
  neighboursChangePct: number | null;
  /** Total return with fees and slippage doubled, in percent. */
  doubledCostsReturnPct: number | null;
}

export type VerdictLevel = 'likely overfit' | 'fragile' | 'no evidence of overfitting';

/**
 * One line. Likely overfit: PBO above 0.5 (the in-sample best is below the out-of-sample median more often than
 * not) or DSR below 0.5. Fragile: PBO above 0.2, DSR below 0.95, neighbours more than 30% worse, or a loss once
 * costs double. Otherwise no evidence of overfitting (which is not proof of an edge).
 */
export function verdict(v: VerdictInput): { level: VerdictLevel; line: string } {
  const parts: string[] = [];
  if (v.pbo !== null) parts.push(`PBO ${v.pbo.toFixed(2)}`);
  if (v.dsr !== null) parts.push(`DSR ${v.dsr.toFixed(2)} (N=${v.trialsOnRecord.toLocaleString('en-US')})`);
  if (v.neighboursChangePct !== null) parts.push(`neighbours ${signedPct(v.neighboursChangePct)}`);
  if (v.doubledCostsReturnPct !== null) parts.push(`doubled costs ${signedPct(v.doubledCostsReturnPct)} return`);
  let level: VerdictLevel;
  if ((v.pbo !== null && v.pbo > 0.5) || (v.dsr !== null && v.dsr < 0.5)) level = 'likely overfit';
  else if (
    (v.pbo !== null && v.pbo > 0.2) ||
    (v.dsr !== null && v.dsr < 0.95) ||
    (v.neighboursChangePct !== null && v.neighboursChangePct < -30) ||
    (v.doubledCostsReturnPct !== null && v.doubledCostsReturnPct < 0) ||
    (v.pbo === null && v.dsr === null)
  ) {
    level = 'fragile';
  } else level = 'no evidence of overfitting';
  return { level, line: `${level}: ${parts.length > 0 ? parts.join(', ') : 'not enough trials or days for the statistics'}` };
}

/** "+12%" / "−38%" (a real minus sign, as the issue writes it). */
export function signedPct(x: number): string {
  const r = Math.round(x);
  return r > 0 ? `+${r}%` : r < 0 ? `\u2212${-r}%` : '0%';
}
