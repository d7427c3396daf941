// A viewer's EngineApi over the control socket, so the TUI runs unchanged against an engine in another process.
// The TUI reads synchronously (snapshot(), candles(), indicators(), trades() while drawing a frame): this client
// answers from what the engine last sent and refreshes stale reads in the background, telling its update
// listeners (the TUI redraws) when fresh data has arrived. Commands are asynchronous already and go straight through.
import fs from 'node:fs';
import net from 'node:net';
import type { CandleSeries, MarketKey } from '../core/candle.js';
import { emptySeries, marketKeyString } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import type { Command, CommandResult } from '../core/events.js';
import type { ClosedTrade } from '../core/trading.js';
import { EventBus } from '../engine/bus.js';
import type { EngineApi, EngineSnapshot } from '../engine/ports.js';
import type { BacktestSummary, LogEntry, StrategyListing, SymbolListing } from '../engine/viewer-api.js';
import {
  LineReader,
  MAX_REPLY_BYTES,
  PROTOCOL_VERSION,
  decodeIndicators,
  decodeSeries,
  type Method,
  type ServerMessage,
  type Welcome,
  type WireSeries,
} from './protocol.js';

export interface ConnectOptions {
  /** Who attaches (logged by the engine). */
  client: string;
  /** Frames wanted (false for status and stop, which only call). */
  events?: boolean;
  fps?: number;
  timeoutMs?: number;
}

/** No engine listens there (no socket file, or a stale one): the caller may start one. */
export class NoEngineError extends Error {
  constructor(readonly socketPath: string, reason: string) {
    super(`no engine is running (${reason})`);
  }
}

interface Cached<T> {
  value: T;
  /** A newer candle (or trade) exists than the value shows. */
  stale: boolean;
  loading: boolean;
}

export class RemoteEngine implements EngineApi {
  readonly bus = new EventBus();
  readonly info: Omit<Welcome, 'snapshot' | 'strategies' | 'symbols' | 'telegram' | 'type'>;
  /** Resolves with the reason when the connection ends (detach, engine stopped, engine died). */
  readonly closed: Promise<string>;
  private snap: EngineSnapshot;
  private tg: Welcome['telegram'];
  private readonly strategyList: StrategyListing[];
  private readonly symbolList: SymbolListing[];
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly candleCache = new Map<string, Cached<CandleSeries> & { market: string }>();
  private readonly indicatorCache = new Map<string, Cached<Record<string, Float64Array>> & { instanceId: string }>();
  private readonly tradeCache = new Map<string, Cached<ClosedTrade[]>>();
  private readonly equityCache = new Map<number, Cached<Array<{ day: number; equity: number }>>>();
  /** The engine's log tail; refreshed after each frame while read, asking only for lines newer than held. */
  private readonly logCache: Cached<LogEntry[]> = { value: [], stale: true, loading: false };
  private readonly updateListeners = new Set<() => void>();
  private readonly resetListeners = new Set<() => void>();
  /** Chart windows emptied by a reset and not yet read again from the new account. */
  private readonly reloadingAfterReset = new Set<Cached<unknown>>();
  /** Candle windows to load whole again (after a resync: what was missed is unknown). */
  private readonly fullReload = new Set<string>();
  private closeReason: string | null = null;
  private saidBye = false;
  private resolveClosed!: (reason: string) => void;

  private constructor(
    private readonly socket: net.Socket,
    welcome: Welcome,
  ) {
    const { snapshot, strategies, symbols, telegram, type: _t, ...info } = welcome;
    void _t;
    this.info = info;
    this.snap = snapshot;
    this.tg = telegram;
    this.strategyList = strategies as StrategyListing[];
    this.symbolList = symbols;
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  /** Connects, checks the socket is the user's own, says hello; rejects with NoEngineError when nobody listens. */
  static async connect(socketPath: string, opts: ConnectOptions): Promise<RemoteEngine> {
    let st: fs.Stats;
    try {
      st = fs.statSync(socketPath);
    } catch {
      throw new NoEngineError(socketPath, `no socket at ${socketPath}`);
    }
    // Node cannot read the peer's credentials (no SO_PEERCRED): check the socket file instead. A socket someone
    // else owns, or that others may open, is not this user's engine; talking to it could leak commands.
    const uid = typeof process.getuid === 'function' ? process.getuid() : null;
    if (uid !== null && st.uid !== uid) throw new UserError(`${socketPath} belongs to uid ${st.uid}, not to you (uid ${uid}); refusing to attach`, 'socket');
    if (!st.isSocket()) throw new UserError(`${socketPath} is not a socket; move it away`, 'socket');
    if ((st.mode & 0o077) !== 0) throw new UserError(`${socketPath} is open to other users (mode ${(st.mode & 0o777).toString(8)}); refusing to attach`, 'socket');

    const socket = net.createConnection(socketPath);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? new NoEngineError(socketPath, `stale socket ${socketPath}`) : err),
      );
    });
    socket.setNoDelay(true);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    let pendingWelcome: { resolve: (w: Welcome) => void; reject: (e: Error) => void } | null = null;
    let engine: RemoteEngine | null = null;
    const early: ServerMessage[] = [];
    const reader = new LineReader(
      MAX_REPLY_BYTES,
      (line) => {
        let msg: ServerMessage;
        try {
          msg = JSON.parse(line) as ServerMessage;
        } catch {
          return;
        }
        if (engine) return engine.onMessage(msg);
        if (msg.type === 'welcome') pendingWelcome?.resolve(msg);
        else if (msg.type === 'refused') pendingWelcome?.reject(new UserError(msg.message, 'engine'));
        else if (msg.type === 'error') pendingWelcome?.reject(new Error(`the engine refused the hello: ${msg.message}`));
        else early.push(msg);
      },
      () => undefined,
    );
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    const welcome = await new Promise<Welcome>((resolve, reject) => {
      pendingWelcome = { resolve, reject };
      const timer = setTimeout(() => reject(new Error(`the engine at ${socketPath} did not answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      socket.once('close', () => reject(new Error('the engine closed the connection before greeting')));
      socket.write(`${JSON.stringify({ type: 'hello', version: PROTOCOL_VERSION, client: opts.client, events: opts.events !== false, ...(opts.fps ? { fps: opts.fps } : {}) })}\n`);
    }).catch((err: unknown) => {
      socket.destroy();
      throw err;
    });
    engine = new RemoteEngine(socket, welcome);
    const e = engine;
    socket.on('close', () => e.onClose(e.closeReason ?? 'the engine went away'));
    socket.on('error', () => undefined);
    for (const m of early) e.onMessage(m);
    return e;
  }

  /** The engine said it was stopping (tradetui stop, another viewer's q → S), as opposed to dying or a detach. */
  get engineStopped(): boolean {
    return this.saidBye;
  }

  /** Called when the engine replaced its account (a replay restart), before the new account's alerts are replayed. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Called after fresh data arrived for a read that had returned stale data: redraw. */
  onUpdate(listener: () => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  /** Calls an engine method; rejects when the engine answers with an error or the connection ends. */
  call<T>(method: Method, ...args: unknown[]): Promise<T> {
    if (this.closeReason !== null) return Promise.reject(new Error(`not connected to the engine: ${this.closeReason}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(`${JSON.stringify({ type: 'call', id, method, args })}\n`);
    });
  }

  send(command: Command): Promise<CommandResult> {
    return this.call<CommandResult>('send', command);
  }

  snapshot(): EngineSnapshot {
    return this.snap;
  }

  candles(key: MarketKey, limit: number): CandleSeries {
    const market = marketKeyString(key);
    const id = `${market}|${limit}`;
    let c = this.candleCache.get(id);
    if (!c) {
      // until the window arrives, a window of the same market already held (another width) beats a blank chart
      const other = [...this.candleCache.values()].find((x) => x.market === market);
      c = { value: other?.value ?? emptySeries(), stale: true, loading: false, market };
      this.candleCache.set(id, c);
    }
    const held = c.value;
    const full = held.length === 0 || this.fullReload.has(id);
    this.fullReload.delete(id);
    // a window already held only needs the candles after its last one
    this.refresh(c, () =>
      full
        ? this.call<WireSeries>('candles', key, limit).then(decodeSeries)
        : this.call<WireSeries>('candles', key, limit, held.time[held.length - 1]!).then((w) => appendWindow(held, decodeSeries(w), limit)),
    );
    return c.value;
  }

  indicators(instanceId: string, limit: number): Record<string, Float64Array> {
    const id = `${instanceId}|${limit}`;
    let c = this.indicatorCache.get(id);
    if (!c) this.indicatorCache.set(id, (c = { value: {}, stale: true, loading: false, instanceId }));
    this.refresh(c, () => this.call<Record<string, Array<number | null>>>('indicators', instanceId, limit).then(decodeIndicators));
    return c.value;
  }

  trades(opts: { since?: number; limit?: number } = {}): ClosedTrade[] {
    const id = JSON.stringify(opts);
    let c = this.tradeCache.get(id);
    if (!c) this.tradeCache.set(id, (c = { value: [], stale: true, loading: false }));
    this.refresh(c, () => this.call<ClosedTrade[]>('trades', opts));
    return c.value;
  }

  dailyEquity(days: number): Array<{ day: number; equity: number }> {
    let c = this.equityCache.get(days);
    if (!c) this.equityCache.set(days, (c = { value: [], stale: true, loading: false }));
    this.refresh(c, () => this.call<Array<{ day: number; equity: number }>>('dailyEquity', days));
    return c.value;
  }

  logs(opts: { limit?: number } = {}): LogEntry[] {
    const c = this.logCache;
    const limit = opts.limit ?? 500;
    const held = c.value;
    const after = held.length > 0 ? held[held.length - 1]!.seq : undefined;
    this.refresh(c, () => this.call<LogEntry[]>('logs', { limit, ...(after !== undefined ? { after } : {}) }).then((newer) => (newer.length === 0 ? held : [...held, ...newer].slice(-limit))));
    return c.value;
  }

  /** Loads the reads a TUI needs before its first frame (trade markers), so it does not start blank. */
  async prefetch(): Promise<void> {
    const trades = await this.call<ClosedTrade[]>('trades', { limit: 200 });
    this.tradeCache.set(JSON.stringify({ limit: 200 }), { value: trades, stale: false, loading: false });
  }

  strategies(): StrategyListing[] {
    return this.strategyList;
  }

  symbols(): SymbolListing[] {
    return this.symbolList;
  }

  telegramStatus(): { state: string; queue: number } {
    return this.tg ?? { state: 'disabled', queue: 0 };
  }

  get exchange(): string {
    return this.info.exchange;
  }

  backtest(instanceId: string): Promise<BacktestSummary> {
    return this.call<BacktestSummary>('backtest', instanceId);
  }

  /** The strategy's cross-parameter rule (validate()) cannot cross the socket: the engine answers it. */
  async validateParams(strategy: string, params: Record<string, string | number | boolean>): Promise<string | null> {
    return (await this.call<{ error: string | null }>('validate-params', strategy, params)).error;
  }

  /** Asks the engine process to stop cleanly; resolves when it has acknowledged. */
  async stopEngine(): Promise<void> {
    await this.call('stop-engine');
    this.closeReason ??= 'the engine stopped';
  }

  /** Detaches: the engine keeps running. Named stop() because the TUI stops its api when it quits. */
  async stop(): Promise<void> {
    if (this.closeReason === null) this.closeReason = 'detached';
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 1000);
    timer.unref();
    await this.closed;
  }

  private refresh<T>(c: Cached<T>, load: () => Promise<T>): void {
    if (!c.stale || c.loading || this.closeReason !== null) return;
    c.loading = true;
    c.stale = false;
    load().then(
      (value) => {
        c.value = value;
        c.loading = false;
        if (this.reloadingAfterReset.delete(c as Cached<unknown>)) {
          const f = this.snap.feed;
          this.bus.emit({ type: 'feed', status: f.status, detail: f.detail, lastCandleTime: f.lastCandleTime });
        }
        this.notify();
      },
      () => {
        // the connection is gone or the engine refused (an instance removed): keep what was shown
        c.loading = false;
      },
    );
  }

  private notify(): void {
    for (const l of this.updateListeners) l();
  }

  private onMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case 'result': {
        const call = this.calls.get(msg.id);
        if (!call) return;
        this.calls.delete(msg.id);
        if (msg.ok) call.resolve(msg.value);
        else call.reject(new Error(msg.error));
        return;
      }
      case 'frame': {
        if (msg.snapshot) this.snap = msg.snapshot;
        else if (msg.patch) this.snap = { ...this.snap, ...msg.patch };
        this.tg = msg.telegram;
        // any frame may follow new log lines; the log is asked for only while a window reads it
        this.logCache.stale = true;
        if (msg.resync) {
          for (const m of [this.candleCache, this.indicatorCache, this.tradeCache, this.equityCache] as Array<Map<unknown, Cached<unknown>>>) for (const c of m.values()) c.stale = true;
          for (const id of this.candleCache.keys()) this.fullReload.add(id);
          if (msg.reset) {
            // A new account: nothing held from the old one may show, not even until the reads come back.
            for (const c of this.candleCache.values()) c.value = emptySeries();
            for (const c of this.tradeCache.values()) c.value = [];
            for (const c of this.equityCache.values()) c.value = [];
            for (const c of this.indicatorCache.values()) c.value = {};
            // a chart draws again only on a market's event: say when the new account's windows have arrived
            for (const m of [this.candleCache, this.indicatorCache] as Array<Map<unknown, Cached<unknown>>>) for (const c of m.values()) this.reloadingAfterReset.add(c);
            for (const l of this.resetListeners) l();
          }
          // alerts the dropped events carried: the view keeps alerts by id, so replaying the snapshot's is safe
          for (const alert of [...this.snap.alerts].reverse()) this.bus.emit({ type: 'alert', alert });
          this.notify();
          return;
        }
        for (const e of msg.events) {
          if (e.type === 'candle') {
            for (const c of this.candleCache.values()) if (c.market.endsWith(`:${e.symbol}:${e.timeframe}`)) c.stale = true;
            for (const c of this.indicatorCache.values()) if (c.instanceId === e.instanceId) c.stale = true;
            for (const c of this.equityCache.values()) c.stale = true;
          } else if (e.type === 'trade') {
            for (const c of this.tradeCache.values()) c.stale = true;
          }
          this.bus.emit(e);
        }
        return;
      }
      case 'bye':
        this.saidBye = true;
        this.closeReason = msg.reason;
        return;
      case 'error':
        return;
      default:
        return;
    }
  }

  private onClose(reason: string): void {
    if (this.closeReason === null) this.closeReason = reason;
    for (const c of this.calls.values()) c.reject(new Error(`not connected to the engine: ${this.closeReason}`));
    this.calls.clear();
    this.resolveClosed(this.closeReason);
  }
}

/** The last `limit` candles of `held` followed by `newer` (all later than held's last). */
export function appendWindow(held: CandleSeries, newer: CandleSeries, limit: number): CandleSeries {
  if (newer.length === 0) return held;
  const n = Math.min(limit, held.length + newer.length);
  const keep = n - Math.min(n, newer.length);
  const out = emptySeries(n);
  for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    out[f].set(held[f].subarray(held.length - keep, held.length), 0);
    out[f].set(newer[f].subarray(newer.length - (n - keep), newer.length), keep);
  }
  out.length = n;
  return out;
}
