// A scripted EngineApi for TUI tests: a real EventBus, a mutable snapshot, deterministic candles and indicators,
// and a record of every command sent. Start/stop/kill/close/set-speed change the snapshot and emit the events a
// real engine would, so the TUI can be driven end to end without the kernel.
import type { CandleSeries, MarketKey } from '../../src/core/candle.js';
import { emptySeries } from '../../src/core/candle.js';
import type { Alert, Command, CommandResult, EngineEvent } from '../../src/core/events.js';
import type { ClosedTrade, Position } from '../../src/core/trading.js';
import { EventBus } from '../../src/engine/bus.js';
import type { EngineSnapshot } from '../../src/engine/ports.js';
import type { BacktestSummary, StrategyListing, SymbolListing, TuiApi } from '../../src/engine/viewer-api.js';
import { type Timeframe, timeframeMs } from '../../src/core/time.js';
import type { ParamValue } from '../../src/strategy/contract.js';
import { typedParams } from '../../src/strategy/params.js';
import { UserError } from '../../src/core/errors.js';

export const T0 = Date.UTC(2024, 2, 1, 0, 0); // 2024-03-01 00:00 UTC
const HOUR = 3_600_000;

/** Deterministic OHLC around `base`: a slow wave plus a trend, no randomness. */
export function makeSeries(n: number, base: number, tfMs: number, start = T0): CandleSeries {
  const s = emptySeries(n);
  let prev = base;
  for (let i = 0; i < n; i++) {
    const close = base * (1 + 0.03 * Math.sin(i / 9) + 0.0004 * i);
    const open = prev;
    const hi = Math.max(open, close) * (1 + 0.002 + 0.001 * ((i * 7) % 3));
    const lo = Math.min(open, close) * (1 - 0.002 - 0.001 * ((i * 5) % 3));
    s.time[i] = start + i * tfMs;
    s.open[i] = open;
    s.high[i] = hi;
    s.low[i] = lo;
    s.close[i] = close;
    s.volume[i] = 10 + (i % 7);
    prev = close;
  }
  s.length = n;
  return s;
}

function sma(v: Float64Array, n: number, len: number): Float64Array {
  const out = new Float64Array(len).fill(NaN);
  let sum = 0;
  for (let i = 0; i < len; i++) {
    sum += v[i]!;
    if (i >= n) sum -= v[i - n]!;
    if (i >= n - 1) out[i] = sum / n;
  }
  return out;
}

function tail(s: CandleSeries, limit: number): CandleSeries {
  const start = Math.max(0, s.length - limit);
  const n = s.length - start;
  return {
    length: n,
    time: s.time.subarray(start, s.length),
    open: s.open.subarray(start, s.length),
    high: s.high.subarray(start, s.length),
    low: s.low.subarray(start, s.length),
    close: s.close.subarray(start, s.length),
    volume: s.volume.subarray(start, s.length),
  };
}

export const MA_CROSS: StrategyListing = {
  name: 'ma-cross',
  description: 'Moving-average crossover',
  timeframe: '1h',
  params: [
    { name: 'fast', type: 'int', default: 10, min: 2, max: 200, step: 1, description: 'fast MA period' },
    { name: 'slow', type: 'int', default: 30, min: 3, max: 400, step: 1, description: 'slow MA period' },
    { name: 'type', type: 'enum', default: 'sma', values: ['sma', 'ema', 'wma'], description: 'MA kind' },
    { name: 'short', type: 'bool', default: false, description: 'allow shorts' },
  ],
  overlays: ['fast', 'slow'],
  validate: (p) => (Number(p.fast) < Number(p.slow) ? null : `fast (${p.fast}) must be below slow (${p.slow})`),
};

export const RSI_MACD: StrategyListing = {
  name: 'rsi-macd',
  description: 'MACD momentum filtered by RSI',
  timeframe: '1h',
  params: [{ name: 'rsiPeriod', type: 'int', default: 14, min: 2, max: 100, description: 'RSI period' }],
};

/** An ETH position of the rsi-macd instance, for tests with several positions. */
export const ETH_POS: Position = {
  id: 'p2',
  instanceId: 'rsi-macd@binance:ETH/USDT:1h',
  symbol: 'ETH/USDT',
  side: 'long',
  qty: 1,
  entryPrice: 2_300,
  entryTime: T0 + 100 * HOUR,
  entryFee: 1.15,
  protection: {},
  bestPrice: 2_400,
  candlesHeld: 5,
  lastPrice: 2_400,
};

export interface FakeOptions {
  /** Leave out the optional app methods (strategies, symbols, backtest). */
  bare?: boolean;
  positions?: boolean;
  mode?: EngineSnapshot['mode'];
  backtest?: (id: string) => Promise<BacktestSummary>;
  /** Signals the engine already had (e.g. from before a restart). */
  signals?: EngineSnapshot['signals'];
  /** Open positions besides the default BTC one. */
  extraPositions?: Position[];
}

export class FakeEngine implements TuiApi {
  readonly bus = new EventBus();
  readonly sent: Command[] = [];
  readonly snap: EngineSnapshot;
  readonly markets = new Map<string, CandleSeries>();
  readonly closed: ClosedTrade[] = [];
  stopped = false;
  strategies?: () => StrategyListing[];
  symbols?: () => SymbolListing[];
  backtest?: (instanceId: string) => Promise<BacktestSummary>;
  validateParams?: (strategy: string, params: Record<string, ParamValue>) => Promise<string | null>;
  /** Replies to commands; default mirrors the kernel's behaviour. */
  reply: (cmd: Command) => CommandResult = (cmd) => this.apply(cmd);

  constructor(opts: FakeOptions = {}) {
    this.markets.set('BTC/USDT|1h', makeSeries(300, 42_000, HOUR));
    this.markets.set('BTC/USDT|4h', makeSeries(200, 41_000, 4 * HOUR));
    this.markets.set('ETH/USDT|1h', makeSeries(300, 2_300, HOUR));
    const btc = this.markets.get('BTC/USDT|1h')!;
    const last = btc.close[btc.length - 1]!;
    const lastTime = btc.time[btc.length - 1]!;
    const positions: Position[] =
      opts.positions === false
        ? []
        : [
            {
              id: 'p1',
              instanceId: 'ma-cross@binance:BTC/USDT:1h',
              symbol: 'BTC/USDT',
              side: 'long',
              qty: 0.05,
              entryPrice: 41_800,
              entryTime: lastTime - 10 * HOUR,
              entryFee: 2.09,
              protection: { stop: 40_964, takeProfit: 44_726 },
              bestPrice: last,
              candlesHeld: 10,
              lastPrice: last,
            },
          ];
    positions.push(...(opts.extraPositions ?? []));
    const alerts: Alert[] = [
      { id: 'a1', time: lastTime - 10 * HOUR, severity: 'info', category: 'trade', message: 'opened long 0.05 BTC/USDT at 41,800' },
      { id: 'a2', time: lastTime - 2 * HOUR, severity: 'warn', category: 'feed', message: 'feed retrying: HTTP 502' },
    ];
    this.snap = {
      signals: opts.signals ?? [],
      mode: opts.mode ?? 'paper',
      feed: { source: 'replay', status: 'replay', detail: 'REPLAY 2/s', lastCandleTime: lastTime, lastCandleClose: lastTime + HOUR, speed: 2, paused: false },
      state: 'running',
      time: lastTime,
      cash: 8_000,
      equity: 10_123.45,
      dayStartEquity: 10_000,
      exposure: positions.reduce((a, p) => a + p.qty * p.lastPrice, 0),
      positions,
      orders: [],
      instances: [
        { id: 'ma-cross@binance:BTC/USDT:1h', strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 10, slow: 30, type: 'sma', short: false }, running: true, trades: 3, pnl: 123.45 },
        { id: 'rsi-macd@binance:ETH/USDT:1h', strategy: 'rsi-macd', symbol: 'ETH/USDT', timeframe: '1h', params: { rsiPeriod: 14 }, running: false, trades: 1, pnl: -20.5 },
      ],
      protections: [],
      recentTrades: [],
      alerts,
    };
    this.closed.push({
      id: 't1',
      instanceId: 'ma-cross@binance:BTC/USDT:1h',
      strategy: 'ma-cross',
      symbol: 'BTC/USDT',
      side: 'long',
      qty: 0.05,
      entryTime: lastTime - 60 * HOUR,
      exitTime: lastTime - 40 * HOUR,
      entryPrice: 41_000,
      exitPrice: 41_500,
      pnl: 20.8,
      pnlPct: 1.01,
      fees: 4.1,
      exitReason: 'signal',
    });
    if (!opts.bare) {
      this.strategies = () => [MA_CROSS, RSI_MACD];
      // as the app: unknown strategy refused; a value off its spec or the strategy's rule answered with its message
      this.validateParams = async (name, params) => {
        const s = [MA_CROSS, RSI_MACD].find((x) => x.name === name);
        if (!s) throw new UserError(`unknown strategy "${name}"; available: ma-cross, rsi-macd`, 'strategy');
        try {
          return s.validate?.(typedParams(s, params, 'params')) ?? null;
        } catch (err) {
          if (err instanceof UserError) return err.message;
          throw err;
        }
      };
      this.symbols = () => [
        { symbol: 'BTC/USDT', timeframes: ['1h', '4h'] },
        { symbol: 'ETH/USDT', timeframes: ['1h'] },
      ];
      this.backtest =
        opts.backtest ??
        (async () => ({
          runId: 7,
          metrics: { totalReturnPct: 12.5, sharpe: 1.42, maxDrawdownPct: -6.1, trades: 18, winRatePct: 55.6, profitFactor: 1.8 },
          equity: Array.from({ length: 120 }, (_, i) => 10_000 + i * 10 + 150 * Math.sin(i / 8)),
        }));
    }
  }

  private readonly resetListeners = new Set<() => void>();
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  send(command: Command): Promise<CommandResult> {
    this.sent.push(command);
    return Promise.resolve(this.reply(command));
  }

  snapshot(): EngineSnapshot {
    return { ...this.snap, positions: [...this.snap.positions], instances: [...this.snap.instances], alerts: [...this.snap.alerts] };
  }

  candles(key: MarketKey, limit: number): CandleSeries {
    const s = this.markets.get(`${key.symbol}|${key.timeframe}`);
    if (key.exchange !== 'binance' || !s) return emptySeries(0);
    return tail(s, limit);
  }

  indicators(instanceId: string, limit: number): Record<string, Float64Array> {
    const inst = this.snap.instances.find((i) => i.id === instanceId);
    if (!inst) return {};
    const s = this.markets.get(`${inst.symbol}|${inst.timeframe}`);
    if (!s) return {};
    const fast = sma(s.close, 10, s.length);
    const slow = sma(s.close, 30, s.length);
    const rsi = new Float64Array(s.length).fill(55);
    const start = Math.max(0, s.length - limit);
    return { fast: fast.subarray(start), slow: slow.subarray(start), rsi: rsi.subarray(start) };
  }

  trades(opts?: { since?: number; limit?: number }): ClosedTrade[] {
    return this.closed.filter((t) => opts?.since === undefined || t.exitTime >= opts.since).slice(0, opts?.limit);
  }

  dailyEquity(): Array<{ day: number; equity: number }> {
    return [];
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  /** Emits an event and applies what a real engine would have changed in its snapshot. */
  emit(e: EngineEvent): void {
    if (e.type === 'candle') {
      const id = `${e.symbol}|${e.timeframe}`;
      const s = this.markets.get(id);
      if (s) {
        const bigger = makeSeries(0, 1, 1);
        const n = s.length + 1;
        for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
          const a = new Float64Array(n);
          a.set(s[f].subarray(0, s.length));
          a[n - 1] = e.candle[f];
          bigger[f] = a;
        }
        bigger.length = n;
        this.markets.set(id, bigger);
      }
      this.snap.feed = { ...this.snap.feed, lastCandleTime: e.candle.time, lastCandleClose: e.candle.time + timeframeMs(e.timeframe as Timeframe) };
    }
    if (e.type === 'alert') this.snap.alerts = [...this.snap.alerts, e.alert];
    if (e.type === 'equity') {
      this.snap.equity = e.equity;
      this.snap.cash = e.cash;
      this.snap.exposure = e.exposure;
    }
    this.bus.emit(e);
  }

  private setRunning(id: string, running: boolean): void {
    const i = this.snap.instances.findIndex((x) => x.id === id);
    const inst = { ...this.snap.instances[i]!, running };
    this.snap.instances = this.snap.instances.map((x, k) => (k === i ? inst : x));
    const { trades: _t, pnl: _p, ...info } = inst;
    this.bus.emit({ type: 'instance', instance: info, change: running ? 'started' : 'stopped', by: 'keyboard' });
  }

  private apply(cmd: Command): CommandResult {
    switch (cmd.type) {
      case 'start':
      case 'stop': {
        const inst = this.snap.instances.find((i) => i.id === cmd.instanceId);
        if (!inst) return { ok: false, message: `no strategy instance "${cmd.instanceId}"` };
        this.setRunning(inst.id, cmd.type === 'start');
        return { ok: true, message: `${inst.id} ${cmd.type === 'start' ? 'started' : 'stopped'}` };
      }
      case 'close': {
        const hit = (p: Position): boolean => p.symbol === cmd.symbol && (cmd.positionId === undefined || p.id === cmd.positionId);
        const n = this.snap.positions.filter(hit).length;
        if (n === 0) return { ok: false, message: cmd.positionId ? `position ${cmd.positionId} on ${cmd.symbol} is no longer open` : `no open position on ${cmd.symbol}` };
        this.snap.positions = this.snap.positions.filter((p) => !hit(p));
        this.snap.exposure = this.snap.positions.reduce((a, p) => a + p.qty * p.lastPrice, 0);
        return { ok: true, message: cmd.positionId ? `closing position ${cmd.positionId} on ${cmd.symbol}` : `closing ${n} position(s) on ${cmd.symbol}` };
      }
      case 'kill': {
        for (const i of this.snap.instances) if (i.running) this.setRunning(i.id, false);
        const n = this.snap.positions.length;
        this.snap.positions = [];
        this.snap.exposure = 0;
        this.snap.state = 'halted';
        this.bus.emit({ type: 'engine', state: 'halted', reason: 'kill switch by keyboard', by: 'keyboard' });
        return { ok: true, message: `kill switch: all strategies stopped, ${n} position(s) closed` };
      }
      case 'pause':
      case 'resume': {
        this.snap.state = cmd.type === 'pause' ? 'paused' : 'running';
        if (cmd.type === 'resume') this.snap.protections = [];
        this.bus.emit({ type: 'engine', state: this.snap.state, reason: `${cmd.type}d by keyboard`, by: 'keyboard' });
        return { ok: true, message: cmd.type === 'pause' ? 'new entries paused; open positions keep their stops' : 'entries resumed' };
      }
      case 'set-speed':
        this.snap.feed = { ...this.snap.feed, speed: cmd.candlesPerSecond };
        this.bus.emit({ type: 'feed', status: 'replay', detail: `REPLAY ${cmd.candlesPerSecond}/s`, lastCandleTime: this.snap.feed.lastCandleTime });
        return { ok: true, message: `replay speed ${cmd.candlesPerSecond} candles/s` };
      case 'add-instance': {
        // Like the engine (app/instances.ts uniqueId): the same strategy on the same market again gets "#2", "#3"…
        const base = `${cmd.strategy}@binance:${cmd.symbol}:${cmd.timeframe}`;
        let id = base;
        for (let n = 2; this.snap.instances.some((i) => i.id === id); n++) id = `${base}#${n}`;
        const info = { id, strategy: cmd.strategy, symbol: cmd.symbol, timeframe: cmd.timeframe, params: cmd.params, running: false };
        this.snap.instances = [...this.snap.instances, { ...info, trades: 0, pnl: 0 }];
        this.bus.emit({ type: 'instance', instance: info, change: 'added', by: 'keyboard' });
        return { ok: true, message: `added ${id} (stopped; press s to start)` };
      }
      case 'replay': {
        if (cmd.action === 'restart') {
          // Like the engine process (app/engine-host.ts): a new account at the date, viewers told to drop the old one.
          const r = this.snap.replay;
          if (!r) return { ok: false, message: 'restarting the replay needs the engine process (tradetui, or tradetui --headless)' };
          Object.assign(this.snap, { positions: [], orders: [], recentTrades: [], alerts: [], signals: [], cash: r.startingBalance, equity: r.startingBalance, dayStartEquity: r.startingBalance, exposure: 0 });
          this.snap.replay = { ...r, trades: 0, archives: r.archives + 1 };
          this.snap.instances = this.snap.instances.map((i) => ({ ...i, trades: 0, pnl: 0 }));
          this.snap.feed = { ...this.snap.feed, paused: true, lastCandleTime: cmd.to ?? null };
          this.closed.length = 0;
          for (const l of this.resetListeners) l();
          return { ok: true, message: `replay restarted from ${new Date(cmd.to!).toISOString()}: a new paper account with ${r.startingBalance.toFixed(2)} ${r.currency}` };
        }
        if (cmd.action === 'jump') {
          if (cmd.to === undefined || cmd.to <= (this.snap.feed.lastCandleTime ?? 0)) return { ok: false, message: 'the replay can only run forward' };
          this.snap.feed = { ...this.snap.feed, paused: true };
          return { ok: true, message: `replay running to ${new Date(cmd.to).toISOString()}, then paused` };
        }
        this.snap.feed = { ...this.snap.feed, paused: cmd.action !== 'resume' };
        this.bus.emit({ type: 'feed', status: 'replay', detail: this.snap.feed.paused ? 'REPLAY paused' : 'REPLAY 2/s', lastCandleTime: this.snap.feed.lastCandleTime });
        return { ok: true, message: `replay ${cmd.action}` };
      }
      case 'cancel-order': {
        const o = this.snap.orders.find((x) => x.id === cmd.orderId);
        if (!o) return { ok: false, message: `order ${cmd.orderId} is no longer waiting` };
        this.snap.orders = this.snap.orders.filter((x) => x.id !== cmd.orderId);
        this.bus.emit({ type: 'order', order: { ...o, status: 'cancelled', statusReason: `cancelled by ${cmd.by}` } });
        return { ok: true, message: `cancelling order ${o.id} (${o.side} ${o.symbol})` };
      }
      case 'reconcile': {
        const live = this.snap.live;
        if (!live) return { ok: false, message: 'a paper engine has no exchange account to reconcile' };
        // Like the live engine (app/live.ts): a difference resolved by one of its actions leaves the list.
        if (cmd.differenceId === undefined) return { ok: true, message: `checked ${live.exchange}: 0 new difference(s), ${live.differences.length} waiting` };
        const d = live.differences.find((x) => x.id === cmd.differenceId);
        if (!d) return { ok: false, message: `no unresolved difference #${cmd.differenceId}` };
        if (!cmd.action || !d.actions.includes(cmd.action)) return { ok: false, message: `difference #${d.id} (${d.kind}) can be resolved by ${d.actions.join(', ')}, not ${cmd.action}` };
        this.snap.live = { ...live, differences: live.differences.filter((x) => x !== d) };
        const left = this.snap.live.differences.length;
        return { ok: true, message: `#${d.id}: ${cmd.action === 'ignore' ? 'ignored' : `${cmd.action}ed`}${left ? `; ${left} difference(s) still waiting` : '; no differences left'}` };
      }
      case 'delete-instance': {
        const inst = this.snap.instances.find((i) => i.id === cmd.instanceId);
        if (!inst) return { ok: false, message: `no strategy instance "${cmd.instanceId}"` };
        if (this.snap.positions.some((p) => p.instanceId === inst.id)) return { ok: false, message: `${inst.id} holds an open position: close it first, then delete` };
        if (this.snap.orders.some((o) => o.instanceId === inst.id)) return { ok: false, message: `${inst.id} has waiting orders: cancel them first, then delete` };
        this.snap.instances = this.snap.instances.filter((i) => i.id !== inst.id);
        const { trades: _t, pnl: _p, ...info } = inst;
        this.bus.emit({ type: 'instance', instance: { ...info, running: false }, change: 'removed', by: cmd.by });
        return { ok: true, message: `deleted ${inst.id}; its ${inst.trades} trade(s) and decisions stay in the history (t)` };
      }
      case 'edit-instance': {
        const i = this.snap.instances.findIndex((x) => x.id === cmd.instanceId);
        if (i < 0) return { ok: false, message: `no strategy instance "${cmd.instanceId}"` };
        const params = { ...this.snap.instances[i]!.params, ...cmd.params };
        // The built-in MA cross's rule, as the engine checks it.
        if (typeof params.fast === 'number' && typeof params.slow === 'number' && params.fast >= params.slow) return { ok: false, message: 'params: ma-cross: fast must be below slow' };
        const inst = { ...this.snap.instances[i]!, params };
        this.snap.instances = this.snap.instances.map((x, k) => (k === i ? inst : x));
        const { trades: _t, pnl: _p, ...info } = inst;
        this.bus.emit({ type: 'instance', instance: info, change: 'updated', by: cmd.by });
        return { ok: true, message: `${inst.id} restarted with ${Object.entries(cmd.params ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ')}` };
      }
      case 'reload-strategies':
        return { ok: false, message: 'no strategies folder (config strategiesDir): nothing to reload' };
    }
  }
}
