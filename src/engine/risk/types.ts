// The contract between the kernel and the risk layer. Every entry a strategy decides passes vetEntry
// before any broker sees it, in every mode; the verdict and its reason become a `risk` event.
import type { CandleSeries } from '../../core/candle.js';
import type { ProtectionEvent } from '../../core/events.js';
import type { ClosedTrade, Decision, Position, PositionSide, Protection } from '../../core/trading.js';
import type { StrategyRiskHints } from '../../strategy/contract.js';
import type { RiskOverride } from './schema.js';
import type { ProtectionSetState } from './protections.js';

/** The risk layer's whole state, plain JSON: the account's protections and each instance's own set. */
export interface RiskState {
  version: 1;
  account: ProtectionSetState;
  instances: Record<string, ProtectionSetState>;
}

export interface EntryIntent {
  instanceId: string;
  strategy: string;
  symbol: string;
  side: PositionSide;
  decision: Decision;
  /** Open time of the decision candle, and its close (the reference price for sizing). */
  time: number;
  price: number;
  /** Series from RiskLayer.compute over the instance's candles, read at `index` (the decision candle). */
  series: Record<string, Float64Array>;
  index: number;
  equity: number;
  cash: number;
  positions: readonly Position[];
  /**
   * Entries submitted and not yet done (kernel's execution layer): they count in the exposure limits and
   * the open-positions count until they fill or end. Cash already excludes what the long ones hold.
   */
  reserved?: readonly Reservation[];
  hints: StrategyRiskHints | undefined;
  /** Closed trades of this instance so far (Kelly sizing). */
  instanceTrades: readonly ClosedTrade[];
  /**
   * False when no one reads an accepted verdict's reason (no `risk` listener: a backtest), so the sizing and
   * exit texts are not built. Refusals always say why. True or absent otherwise.
   */
  explain?: boolean;
}

/** What a working entry order still holds: the quote it has not spent yet. */
export interface Reservation {
  instanceId: string;
  symbol: string;
  side: PositionSide;
  quote: number;
}

export interface RiskVerdict {
  verdict: 'accepted' | 'resized' | 'rejected';
  reason: string;
  /** Quote to spend, fees included (qty derived at fill), or an exact base quantity. */
  quote?: number;
  qty?: number;
  protection: Protection;
  /** Quote amount asked for before clipping, and granted after (for the signals pane). */
  requested?: number;
  granted?: number;
}

export interface RiskLayer {
  /** Series the layer reads (ATR, ADX …), computed once per candle buffer like the strategy's. */
  compute(candles: CandleSeries): Record<string, Float64Array>;
  vetEntry(intent: EntryIntent): RiskVerdict;
  /** After each closed candle of `symbol` (exits applied, before decisions): time-based protections. */
  onCandle(symbol: string, time: number, equity: number): void;
  onTradeClosed(trade: ClosedTrade, time: number): void;
  /** Every protection trigger/release so far, oldest first. */
  history(): readonly ProtectionEvent[];
  /** Protections in force now. */
  active(): readonly ProtectionEvent[];
  /** A person resumes entries after a halt (max drawdown guard, kill switch, pause). */
  resume(time: number): void;
  /** Kill switch: entries stay refused until resume (the kernel's `kill` command calls this). */
  halt?(reason: string, time: number): void;
  /** Its whole state (protections in force with their ends, the histories behind them, day start, peak). */
  snapshot?(): RiskState;
  /** Restores a snapshot() taken before a restart; call after the instances' overrides are set. */
  restoreState?(state: RiskState): void;
  /** Saves the whole in-memory state (history included) and returns how to put it back (a rolled-back step). */
  checkpoint?(): () => void;
  /** Sets (or clears, with undefined) a strategy instance's partial override of the account's risk section. */
  setInstanceRisk?(instanceId: string, override: RiskOverride | undefined): void;
}
