// A small EngineApi for Telegram tests: a real EventBus, a snapshot the test edits, recorded commands with
// scripted results, and canned trades / daily equity / candles. It computes nothing itself.
import type { CandleSeries, MarketKey } from '../../src/core/candle.js';
import { emptySeries } from '../../src/core/candle.js';
import type { Command, CommandResult, InstanceInfo } from '../../src/core/events.js';
import type { ClosedTrade, Position } from '../../src/core/trading.js';
import { EventBus } from '../../src/engine/bus.js';
import type { EngineApi, EngineSnapshot } from '../../src/engine/ports.js';

export const T0 = Date.UTC(2024, 4, 1, 12, 0);

export function instance(id: string, over: Partial<InstanceInfo & { trades: number; pnl: number }> = {}): InstanceInfo & { trades: number; pnl: number } {
  const [strategy, rest] = id.split('@') as [string, string];
  const [, symbol, timeframe] = (rest ?? 'binance:BTC/USDT:1h').split(':') as [string, string, string];
  return { id, strategy, symbol, timeframe, params: { fast: 10, slow: 30 }, running: true, trades: 3, pnl: 12.5, ...over };
}

export function position(symbol: string, over: Partial<Position> = {}): Position {
  return {
    id: `p-${symbol}`,
    instanceId: `ma-cross@binance:${symbol}:1h`,
    symbol,
    side: 'long',
    qty: 0.1,
    entryPrice: 60_000,
    entryTime: T0 - 3_600_000,
    entryFee: 6,
    protection: { stop: 58_000 },
    bestPrice: 61_000,
    candlesHeld: 1,
    lastPrice: 61_000,
    ...over,
  };
}

export function trade(id: string, pnl: number, over: Partial<ClosedTrade> = {}): ClosedTrade {
  return {
    id,
    instanceId: 'ma-cross@binance:BTC/USDT:1h',
    strategy: 'ma-cross',
    symbol: 'BTC/USDT',
    side: 'long',
    qty: 0.1,
    entryTime: T0 - 7_200_000,
    exitTime: T0 - 3_600_000,
    entryPrice: 60_000,
    exitPrice: 60_000 + pnl * 10,
    pnl,
    pnlPct: pnl / 60,
    fees: 12,
    exitReason: 'signal',
    ...over,
  };
}

export class FakeEngine implements EngineApi {
  readonly bus = new EventBus();
  readonly commands: Command[] = [];
  /** What send() answers; default: ok with a message naming the command. */
  respond: (c: Command) => CommandResult | Promise<CommandResult> = (c) => ({ ok: true, message: `${c.type} done` });
  closedTrades: ClosedTrade[] = [];
  equityDays: Array<{ day: number; equity: number }> = [];
  series = new Map<string, CandleSeries>();
  snap: EngineSnapshot = {
    signals: [],
    orders: [],
    mode: 'paper',
    feed: { source: 'binance', status: 'connected', detail: '', lastCandleTime: T0, lastCandleClose: T0 + 3_600_000, speed: null },
    state: 'running',
    time: T0,
    cash: 9_000,
    equity: 10_100,
    dayStartEquity: 10_000,
    exposure: 1_100,
    positions: [],
    instances: [],
    protections: [],
    recentTrades: [],
    alerts: [],
  };

  async send(command: Command): Promise<CommandResult> {
    this.commands.push(command);
    return this.respond(command);
  }

  snapshot(): EngineSnapshot {
    return this.snap;
  }

  candles(key: MarketKey, limit: number): CandleSeries {
    const s = this.series.get(`${key.exchange}:${key.symbol}:${key.timeframe}`);
    if (!s) return emptySeries(0);
    const from = Math.max(0, s.length - limit);
    const out = emptySeries(s.length - from);
    for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) out[f].set(s[f].subarray(from, s.length));
    out.length = s.length - from;
    return out;
  }

  indicators(): Record<string, Float64Array> {
    return {};
  }

  trades(opts: { since?: number; limit?: number } = {}): ClosedTrade[] {
    const all = [...this.closedTrades].sort((a, b) => b.exitTime - a.exitTime).filter((t) => opts.since === undefined || t.exitTime >= opts.since);
    return opts.limit !== undefined ? all.slice(0, opts.limit) : all;
  }

  dailyEquity(days: number): Array<{ day: number; equity: number }> {
    return this.equityDays.slice(-(days + 1));
  }
}
