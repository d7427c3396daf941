// The risk layer the engine uses in every mode (backtest, paper, live): one implementation, built from
// the account's `risk:` section plus per-instance overrides. See layer.ts and docs/risk.md.
import type { ProtectionEvent } from '../../core/events.js';
import type { RiskConfig, RiskOverride } from './schema.js';
import { ta as defaultTa, type Indicators } from '../../strategy/indicators.js';
import { DefaultRiskLayer, type MarketRules } from './layer.js';
import type { RiskLayer } from './types.js';

export interface CreateRiskOptions {
  /** --stake-pct P: P% of equity per entry (whatever the sizing mode); lifts the max position and per-symbol clips to P. */
  stakePct?: number;
  /** Protection events go out through this (the bus). */
  emit?: (event: { type: 'protection'; protection: ProtectionEvent }) => void;
  /** Partial `risk` overrides by strategy instance id (paper.instances[].risk). */
  instances?: Record<string, RiskOverride | undefined>;
  /** The exchange's minimum notional and amount step per symbol (live: from ccxt markets). */
  markets?: (symbol: string) => MarketRules | undefined;
  /** Stored protection events; active halts (max drawdown, kill switch) are re-armed. */
  restore?: readonly ProtectionEvent[];
  ta?: Indicators;
}

export function createRiskLayer(config: RiskConfig, opts: CreateRiskOptions = {}): RiskLayer {
  return new DefaultRiskLayer(config, { ...opts, ta: opts.ta ?? defaultTa });
}

export { DefaultRiskLayer };
export type { MarketRules };
export type { RiskLayer, EntryIntent, RiskVerdict } from './types.js';
