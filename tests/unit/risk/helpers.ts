// Builders for risk-layer tests: a config from partial settings, an entry intent with hand-set equity,
// positions and series, and a layer that records the protection events it emits.
import { mergeRisk, defaultRisk, type RiskConfig, type RiskOverride } from '../../../src/engine/risk/schema.js';
import type { ProtectionEvent } from '../../../src/core/events.js';
import type { ClosedTrade, Position } from '../../../src/core/trading.js';
import { createRiskLayer, type CreateRiskOptions } from '../../../src/engine/risk/index.js';
import type { EntryIntent } from '../../../src/engine/risk/types.js';

export const H = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

export function cfg(over: RiskOverride = {}): RiskConfig {
  return mergeRisk(defaultRisk(), over);
}

export function intent(over: Partial<EntryIntent> = {}): EntryIntent {
  return {
    instanceId: 'i1',
    strategy: 's',
    symbol: 'BTC/USDT',
    side: 'long',
    decision: { action: 'enter-long', reason: 'test' },
    time: T0,
    price: 100,
    series: {},
    index: 0,
    equity: 10_000,
    cash: 10_000,
    positions: [],
    hints: undefined,
    instanceTrades: [],
    ...over,
  };
}

export function position(symbol: string, value: number, instanceId = 'other'): Position {
  return {
    id: `p-${symbol}-${value}-${instanceId}`,
    instanceId,
    symbol,
    side: 'long',
    qty: value / 100,
    entryPrice: 100,
    entryTime: T0,
    entryFee: 0,
    protection: {},
    bestPrice: 100,
    candlesHeld: 0,
    lastPrice: 100,
  };
}

export function trade(over: Partial<ClosedTrade> = {}): ClosedTrade {
  return {
    id: 't',
    instanceId: 'i1',
    strategy: 's',
    symbol: 'BTC/USDT',
    side: 'long',
    qty: 1,
    entryTime: T0,
    exitTime: T0 + H,
    entryPrice: 100,
    exitPrice: 95,
    pnl: -5,
    pnlPct: -5,
    fees: 0,
    exitReason: 'stop_loss',
    ...over,
  };
}

export function recorded(config: RiskConfig, opts: Omit<CreateRiskOptions, 'emit'> = {}) {
  const events: ProtectionEvent[] = [];
  const layer = createRiskLayer(config, { ...opts, emit: (e) => events.push(e.protection) });
  return { layer, events };
}

/** A series record with `key` holding `value` at index 0. */
export function at0(key: string, value: number): Record<string, Float64Array> {
  return { [key]: Float64Array.of(value) };
}
