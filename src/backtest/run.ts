// Backtest = the kernel over a history feed, the simulated broker and a simulated clock, as fast as the
// machine allows: candles are preloaded so indicator series are computed once, the loop reuses one
// candle object, and no event is built unless someone listens.
import type { CandleSeries, MarketKey } from '../core/candle.js';
import type { ProtectionEvent } from '../core/events.js';
import type { ClosedTrade } from '../core/trading.js';
import type { RiskConfig } from '../engine/risk/schema.js';
import type { SlippageModel, SlippageSettings } from '../core/slippage.js';
import { SimulatedBroker } from '../adapters/broker/simulated.js';
import { EventBus } from '../engine/bus.js';
import { Kernel, instanceId, type KernelDeps } from '../engine/kernel.js';
import type { Broker } from '../engine/ports.js';
import { Portfolio } from '../engine/portfolio.js';
import { createRiskLayer } from '../engine/risk/index.js';
import type { Params, Strategy } from '../strategy/contract.js';
import { ta, type Indicators } from '../strategy/indicators.js';

export interface AccountSettings {
  balance: number;
  fee: number;
  slippage: number;
  allowShort: boolean;
  /** Slippage model (default fixed: `slippage` on every fill); sqrt-impact adds k × σ × √(qty ÷ volume). */
  slippageModel?: SlippageModel;
  /** Impact coefficient k and the cap on the total rate (sqrt-impact). */
  impactK?: number;
  maxSlippage?: number;
}

/** The simulated broker's slippage settings of an account. */
export function slippageSettings(a: AccountSettings): SlippageSettings {
  return { model: a.slippageModel ?? 'fixed', rate: a.slippage, k: a.impactK ?? 1, maxRate: a.maxSlippage ?? 0.05 };
}

/**
 * The account with every trading cost multiplied by `factor` (the optimiser's doubled-costs re-run): fee,
 * slippage, and under sqrt-impact the impact coefficient and its cap too, so the whole slippage rate scales.
 */
export function scaledCosts(a: AccountSettings, factor: number): AccountSettings {
  const s = slippageSettings(a);
  return { ...a, fee: a.fee * factor, slippage: a.slippage * factor, impactK: s.k * factor, maxSlippage: s.maxRate * factor };
}

export interface BacktestSpec {
  strategy: Strategy;
  params: Params;
  key: MarketKey;
  /** Includes warm-up candles before the span. */
  candles: CandleSeries;
  /** Index of the first candle of the requested span; decisions before it are not taken. */
  tradeFrom: number;
  account: AccountSettings;
  stakePct?: number;
  risk: RiskConfig;
  /** Listen to every event of the run (tests, parity checks); slows the loop. */
  bus?: EventBus;
  /** Indicator implementation; optimisation trials pass one that caches series shared between trials. */
  ta?: Indicators;
  /**
   * Memory for the per-candle curves, reused run after run (optimisation trials: fresh arrays for each of
   * thousands of runs cost more than the runs' arithmetic). The result's curves are then views into it, valid
   * until its next use. Fresh arrays when omitted.
   */
  curves?: CurveMemory;
}

/** One reusable allocation for a run's four per-candle curves. */
export class CurveMemory {
  private memory = new Float64Array(0);

  /** Four views of `n` values each (previous contents; the run writes every value). */
  take(n: number): [Float64Array, Float64Array, Float64Array, Float64Array] {
    if (this.memory.length < 4 * n) this.memory = new Float64Array(4 * n);
    const m = this.memory;
    return [m.subarray(0, n), m.subarray(n, 2 * n), m.subarray(2 * n, 3 * n), m.subarray(3 * n, 4 * n)];
  }
}

export interface BacktestResult {
  trades: ClosedTrade[];
  /** Candle open times from tradeFrom to the end, and equity at each candle's close. */
  equityTimes: Float64Array;
  equity: Float64Array;
  /** Cash and gross exposure (notional of open positions at the close) at each of those candles. */
  cash: Float64Array;
  exposure: Float64Array;
  exposureCandles: number;
  feesPaid: number;
  riskDecisions: { accepted: number; resized: number; rejected: number };
  protections: ProtectionEvent[];
  decisions: number;
}

export function createSimulatedKernel(opts: {
  account: AccountSettings;
  risk: RiskConfig;
  stakePct?: number;
  bus?: EventBus;
  now?: () => number;
  idPrefix?: string;
  /** Protection events stored before a restart; halts still in force are re-armed. */
  restoreProtections?: readonly ProtectionEvent[];
  ta?: Indicators;
  atomic?: KernelDeps['atomic'];
  /** The broker (live trading); the simulated one by default. */
  broker?: (ctx: { portfolio: Portfolio; nextId: (prefix: string) => string }) => Broker;
  /** live.maxCapital: the most quote currency entries are sized from. */
  capitalCap?: number | null;
  /** Live without exchange-resting stops: check stops on every polled price too (Kernel stopsOnTicks). */
  stopsOnTicks?: boolean;
}): Kernel {
  const bus = opts.bus ?? new EventBus();
  const portfolio = new Portfolio(opts.account.balance);
  let seq = 0;
  const prefix = opts.idPrefix ?? '';
  const nextId = (p: string): string => `${prefix}${p}${++seq}`;
  const broker = opts.broker?.({ portfolio, nextId }) ?? new SimulatedBroker({ fee: opts.account.fee, slippage: opts.account.slippage, slippageModel: slippageSettings(opts.account), cash: () => portfolio.cash, nextId });
  const risk = createRiskLayer(opts.risk, { stakePct: opts.stakePct, emit: (e) => bus.emit(e), restore: opts.restoreProtections });
  const checkpointIds = (): (() => void) => {
    const saved = seq;
    return () => {
      seq = saved;
    };
  };
  return new Kernel({ bus, broker, portfolio, risk, ta: opts.ta ?? ta, clock: { now: opts.now ?? Date.now }, nextId, allowShort: opts.account.allowShort, atomic: opts.atomic, checkpointIds, capitalCap: opts.capitalCap, stopsOnTicks: opts.stopsOnTicks });
}

export function runBacktest(spec: BacktestSpec): BacktestResult {
  const { candles: s, key } = spec;
  const kernel = createSimulatedKernel({ account: spec.account, risk: spec.risk, stakePct: spec.stakePct, bus: spec.bus, now: () => 0, ta: spec.ta });
  const runner = kernel.addInstance({
    id: instanceId(spec.strategy.name, key),
    strategy: spec.strategy,
    params: spec.params,
    key,
    running: true,
    tradeFrom: s.length > spec.tradeFrom ? s.time[spec.tradeFrom]! : Infinity,
  });
  runner.preload(s);
  const n = Math.max(0, s.length - spec.tradeFrom);
  // Without reusable memory the time curve is a view of the candles' own times (the values it would copy): a year
  // of 1m is 4 MB less memory touched for the first time, which costs more than the copy on a loaded machine.
  const [equityTimes, equity, cash, exposure] = spec.curves?.take(n) ?? [s.time.subarray(spec.tradeFrom, spec.tradeFrom + n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const copyTimes = spec.curves !== undefined;
  const portfolio = kernel.portfolio;
  let exposureCandles = 0;
  const c = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < s.length; i++) {
    c.time = s.time[i]!;
    c.open = s.open[i]!;
    c.high = s.high[i]!;
    c.low = s.low[i]!;
    c.close = s.close[i]!;
    c.volume = s.volume[i]!;
    kernel.onCandle(key, c);
    const j = i - spec.tradeFrom;
    if (j >= 0) {
      if (i === s.length - 1) kernel.finish();
      if (copyTimes) equityTimes[j] = c.time;
      equity[j] = portfolio.equity();
      cash[j] = portfolio.cash;
      exposure[j] = portfolio.exposure();
      if (portfolio.positions.size > 0) exposureCandles++;
    }
  }
  return {
    trades: kernel.closedTrades,
    equityTimes,
    equity,
    cash,
    exposure,
    exposureCandles,
    feesPaid: portfolio.feesPaid,
    riskDecisions: { ...kernel.riskCounts },
    protections: [...kernel.risk.history()],
    decisions: kernel.decisions,
  };
}
