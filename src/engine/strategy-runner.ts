// One strategy instance over one market: holds the instance's candles, computes its indicator series
// (strategy's and risk layer's) over every candle it knows, and asks for a decision at each closed candle.
// A history feed preloads all candles, so series are computed once; a live or replay feed appends one
// candle at a time and series are recomputed over the grown buffer. Both give the same values because
// strategies are causal (proven by the lookahead check), which is what makes backtest predict paper.
import { SeriesBuffer, seriesPrefix, type Candle, type CandleSeries, type MarketKey } from '../core/candle.js';
import type { ClosedTrade, Decision, PositionSide } from '../core/trading.js';
import type { Params, Strategy, StrategyInput } from '../strategy/contract.js';
import type { Indicators } from '../strategy/indicators.js';
import type { RiskLayer } from './risk/types.js';

export interface InstanceSpec {
  id: string;
  strategy: Strategy;
  params: Params;
  key: MarketKey;
  running: boolean;
  /** No decisions for candles opening before this time (warm-up history). */
  tradeFrom?: number;
}

export class StrategyRunner {
  readonly id: string;
  readonly strategy: Strategy;
  readonly params: Params;
  readonly key: MarketKey;
  running: boolean;
  tradeFrom: number;
  readonly trades: ClosedTrade[] = [];
  private readonly buffer = new SeriesBuffer(256);
  private ind: Record<string, Float64Array> = {};
  private riskInd: Record<string, Float64Array> = {};
  private computedLength = -1;
  /** The buffer trimmed to its length (typed-array views, no copy), as strategies see it. */
  private view: CandleSeries = seriesPrefix(this.buffer.series, 0);
  /**
   * What decide() is given, one object per computation rather than one per candle: a year of 1m candles made
   * 525,600 of them, ~21 MB of garbage a run.
   */
  private input: StrategyInput;
  private readonly warmup: number;
  /** Index of the last closed candle processed. */
  cursor = -1;

  constructor(
    spec: InstanceSpec,
    private readonly ta: Indicators,
    private readonly risk: RiskLayer,
  ) {
    this.id = spec.id;
    this.strategy = spec.strategy;
    this.params = spec.params;
    this.key = spec.key;
    this.running = spec.running;
    this.tradeFrom = spec.tradeFrom ?? -Infinity;
    this.warmup = spec.strategy.warmup(spec.params);
    this.input = { candles: this.view, ind: this.ind, params: this.params, explain: true };
  }

  /** All candles the instance knows (capacity may exceed length: read up to .length). */
  get candles(): CandleSeries {
    return this.buffer.series;
  }

  get pnl(): number {
    let s = 0;
    for (const t of this.trades) s += t.pnl;
    return s;
  }

  /**
   * Candles known ahead of processing (history feed) or before the feed starts (warm-up). The first preload
   * reads them in place, without a copy (a year of 1m candles is 25 MB; an optimisation runs thousands of
   * backtests over the same candles): they must not change afterwards. Later candles are copied.
   */
  preload(series: CandleSeries): void {
    if (this.buffer.length === 0) {
      if (series.length > 0) this.buffer.adopt(series);
      return;
    }
    const last = this.candles.time[this.buffer.length - 1]!;
    let start = 0;
    while (start < series.length && series.time[start]! <= last) start++;
    this.buffer.append(series, start);
  }

  /** Marks warm-up candles as processed without deciding (their time is before any trading). */
  skipTo(time: number): void {
    const s = this.candles;
    while (this.cursor + 1 < s.length && s.time[this.cursor + 1]! < time) this.cursor++;
  }

  /**
   * Moves to closed candle `c` and returns its index, or -1 for a candle at or before the cursor
   * (a repeat after a restart), which must not be processed twice.
   */
  advance(c: Candle): number {
    const s = this.candles;
    if (this.cursor >= 0 && c.time <= s.time[this.cursor]!) return -1;
    const next = this.cursor + 1;
    if (next < s.length) {
      if (s.time[next] !== c.time) {
        throw new Error(`${this.id}: candle ${new Date(c.time).toISOString()} does not follow the preloaded candles`);
      }
    } else {
      this.buffer.push(c);
    }
    this.cursor = next;
    return next;
  }

  /**
   * The strategy's decision at the cursor, or null (not running, warm-up, before tradeFrom, nothing). `explain`
   * false: nothing will read the decision's reason (the strategy may skip building it).
   */
  decide(position: PositionSide | null, explain = true): Decision | null {
    const i = this.cursor;
    if (i < 0 || i + 1 < this.warmup || this.candles.time[i]! < this.tradeFrom) return null;
    this.ensureComputed();
    this.input.explain = explain;
    return this.strategy.decide(i, this.input, position);
  }

  /** Strategy series (for charts and reasons) and the risk layer's series, current to the buffer. */
  series(): { ind: Record<string, Float64Array>; risk: Record<string, Float64Array> } {
    this.ensureComputed();
    return { ind: this.ind, risk: this.riskInd };
  }

  private ensureComputed(): void {
    const n = this.buffer.length;
    if (this.computedLength === n) return;
    this.view = seriesPrefix(this.buffer.series, n);
    // Strategies with an incremental step (ML models) extend their series instead of recomputing history.
    const grown = this.strategy.update && this.computedLength > 0 && n > this.computedLength;
    this.ind = grown
      ? this.strategy.update!(this.view, this.params, this.ta, this.ind, this.computedLength)
      : this.strategy.compute(this.view, this.params, this.ta);
    this.riskInd = this.risk.compute(this.view);
    this.input = { candles: this.view, ind: this.ind, params: this.params, explain: true };
    this.computedLength = n;
  }
}
