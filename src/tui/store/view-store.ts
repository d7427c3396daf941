// Engine events → one immutable view snapshot, flushed at most maxFps times a second and only when something
// changed. Panes read this snapshot only, so a burst of events costs one frame, and an idle engine costs nothing
// but the once-a-minute clock cell.
import type { Alert, EngineEvent } from '../../core/events.js';
import type { EngineSnapshot, SignalRecord } from '../../engine/ports.js';
import type { TuiApi } from '../../engine/viewer-api.js';

/** A signals-pane row: the engine's signal record plus a stable id for React keys. */
export type SignalRow = SignalRecord & { id: number };

export interface Marker {
  time: number;
  price: number;
  symbol: string;
  instanceId: string;
  side: 'buy' | 'sell';
  purpose: 'entry' | 'exit';
}

export interface ViewSnapshot {
  /** Increases with every flush. */
  version: number;
  engine: EngineSnapshot;
  /** Newest first. */
  signals: SignalRow[];
  /** Newest first. */
  alerts: Alert[];
  markers: Marker[];
  /** Bumped when a candle of `symbol|timeframe` closes, so the chart re-reads candles only then. */
  marketVersion: Record<string, number>;
  /** Wall clock, advanced once a minute (the status bar shows HH:MM). */
  now: number;
  /** The Telegram bot, when one is configured. */
  telegram: { state: string; queue: number } | null;
}

const MAX_ROWS = 300;
const MAX_MARKERS = 1000;

/**
 * marketVersion's key bumped for every market when an instance restarts (new params or reloaded code), is added or
 * removed, or the feed reports (a restart's warm-up): indicators change without a new candle.
 */
export const EVERY_MARKET = '*';

export function marketId(symbol: string, timeframe: string): string {
  return `${symbol}|${timeframe}`;
}

export interface ViewStoreOptions {
  maxFps: number;
  now?: () => number;
  /** Tests flush by hand. */
  manual?: boolean;
}

export class ViewStore {
  private snap: ViewSnapshot;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private clockTimer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;
  private signals: SignalRow[];
  private alerts: Alert[];
  private markers: Marker[];
  private marketVersion: Record<string, number> = {};
  private seq = 0;
  private readonly frameMs: number;
  private readonly now: () => number;

  constructor(
    private readonly api: TuiApi,
    private readonly opts: ViewStoreOptions,
  ) {
    this.frameMs = Math.max(1, Math.round(1000 / Math.max(1, opts.maxFps)));
    this.now = opts.now ?? Date.now;
    const engine = api.snapshot();
    this.alerts = [...engine.alerts].sort((a, b) => b.time - a.time).slice(0, MAX_ROWS);
    // Signals from before a restart, so the pane is not blank on start.
    this.signals = (engine.signals ?? []).slice(0, MAX_ROWS).map((r) => ({ id: ++this.seq, ...r }));
    this.markers = seedMarkers(api);
    this.snap = this.build(engine, 0);
    const unlisten = api.bus.onAny((e) => this.apply(e));
    const unreset = api.onReset?.(() => this.reset());
    this.unsubscribe = () => {
      unlisten();
      unreset?.();
    };
    if (!opts.manual) this.scheduleClock();
  }

  get = (): ViewSnapshot => this.snap;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** Mark the view stale (e.g. after a command) so the next frame re-reads the engine snapshot. */
  touch(): void {
    this.markDirty();
  }

  dispose(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    if (this.clockTimer) clearTimeout(this.clockTimer);
    this.timer = this.clockTimer = null;
    this.listeners.clear();
  }

  /** Builds the next snapshot now if anything changed; returns whether it did. */
  flush(): boolean {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.dirty) return false;
    this.dirty = false;
    this.lastFlush = this.now();
    this.snap = this.build(this.api.snapshot(), this.snap.version + 1);
    for (const l of this.listeners) l();
    return true;
  }

  /** The engine replaced its account (a replay restart): forget the old one's alerts, signals and markers. */
  private reset(): void {
    const engine = this.api.snapshot();
    this.alerts = [...engine.alerts].sort((a, b) => b.time - a.time).slice(0, MAX_ROWS);
    this.signals = (engine.signals ?? []).slice(0, MAX_ROWS).map((r) => ({ id: ++this.seq, ...r }));
    this.markers = seedMarkers(this.api);
    this.marketVersion = { ...this.marketVersion, [EVERY_MARKET]: (this.marketVersion[EVERY_MARKET] ?? 0) + 1 };
    this.markDirty();
  }

  private build(engine: EngineSnapshot, version: number): ViewSnapshot {
    return {
      version,
      engine,
      signals: this.signals,
      alerts: this.alerts,
      markers: this.markers,
      marketVersion: this.marketVersion,
      telegram: telegramOf(this.api),
      now: this.now(),
    };
  }

  private apply(e: EngineEvent): void {
    switch (e.type) {
      case 'candle': {
        const id = marketId(e.symbol, e.timeframe);
        this.marketVersion = { ...this.marketVersion, [id]: (this.marketVersion[id] ?? 0) + 1 };
        break;
      }
      case 'instance':
      case 'feed':
        this.marketVersion = { ...this.marketVersion, [EVERY_MARKET]: (this.marketVersion[EVERY_MARKET] ?? 0) + 1 };
        break;
      case 'decision':
        this.pushSignal({ time: e.time, instanceId: e.instanceId, strategy: e.strategy, symbol: e.symbol, kind: 'decision', action: e.action, reason: e.reason });
        break;
      case 'risk': {
        if (e.verdict === 'accepted') return;
        const inst = this.snap.engine.instances.find((i) => i.id === e.instanceId);
        const sizes = e.requested !== undefined && e.granted !== undefined ? ` (requested ${fmtNum(e.requested)}, granted ${fmtNum(e.granted)})` : '';
        this.pushSignal({
          time: e.time,
          instanceId: e.instanceId,
          strategy: inst?.strategy ?? e.instanceId.split('@')[0]!,
          symbol: e.symbol,
          kind: 'risk',
          action: e.verdict,
          reason: e.reason + sizes,
        });
        break;
      }
      case 'alert':
        if (this.alerts.some((a) => a.id === e.alert.id)) return;
        this.alerts = [e.alert, ...this.alerts].slice(0, MAX_ROWS);
        break;
      case 'fill': {
        const f = e.fill;
        const m: Marker = { time: f.time, price: f.price, symbol: f.symbol, instanceId: f.instanceId, side: f.side, purpose: f.purpose };
        this.markers = this.markers.length >= MAX_MARKERS ? [...this.markers.slice(1), m] : [...this.markers, m];
        break;
      }
      default:
        break;
    }
    this.markDirty();
  }

  private pushSignal(row: Omit<SignalRow, 'id'>): void {
    this.signals = [{ id: ++this.seq, ...row }, ...this.signals].slice(0, MAX_ROWS);
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.opts.manual || this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.frameMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
    this.timer.unref?.();
  }

  /** One shared clock: wakes at each minute boundary, the only timer that runs while nothing happens. */
  private scheduleClock(): void {
    const t = this.now();
    this.clockTimer = setTimeout(() => {
      this.dirty = true;
      this.flush();
      this.scheduleClock();
    }, 60_000 - (t % 60_000) + 5);
    this.clockTimer.unref?.();
  }
}

function fmtNum(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** Entry and exit markers of trades closed before the TUI started, so the chart keeps them across restarts. */
function seedMarkers(api: TuiApi): Marker[] {
  const out: Marker[] = [];
  let trades: ReturnType<TuiApi['trades']>;
  try {
    trades = api.trades({ limit: 200 });
  } catch {
    trades = [];
  }
  for (const t of trades) {
    const entrySide = t.side === 'long' ? 'buy' : 'sell';
    const exitSide = t.side === 'long' ? 'sell' : 'buy';
    out.push({ time: t.entryTime, price: t.entryPrice, symbol: t.symbol, instanceId: t.instanceId, side: entrySide, purpose: 'entry' });
    out.push({ time: t.exitTime, price: t.exitPrice, symbol: t.symbol, instanceId: t.instanceId, side: exitSide, purpose: 'exit' });
  }
  return out.sort((a, b) => a.time - b.time);
}

function telegramOf(api: TuiApi): ViewSnapshot['telegram'] {
  const t = api.telegramStatus?.();
  return t && t.state !== 'disabled' ? { state: t.state, queue: t.queue } : null;
}
