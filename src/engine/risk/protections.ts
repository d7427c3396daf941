// Protections (circuit breakers): small independent rules that pause new entries. Each trigger and each
// release is a ProtectionEvent. Windows are measured in candle time (UTC ms) handed in by the kernel,
// never the wall clock, so a backtest gives the same protections every time.
//
//   stoplossGuard   N losing stop-outs within a lookback → pause entries (global or the symbol) for a period
//   cooldown        after any exit on a symbol → no entry on it for a period
//   dailyLossLimit  equity at −X% of the UTC day's start → no entries until the next UTC day
//   maxDrawdown     equity at −Y% from its peak → halt until a person resumes
//   lowProfit       a symbol's recent trades sum to a loss beyond Z% → lock the symbol for a period
//   killSwitch      the kernel's kill command → halt until a person resumes
import type { ProtectionName, ProtectionsConfig } from './schema.js';
import type { ProtectionEvent } from '../../core/events.js';
import { DAY_MS, iso } from '../../core/time.js';
import type { ClosedTrade } from '../../core/trading.js';
import { fmt } from './sizing.js';

export type RuleName = ProtectionName | 'killSwitch';

/** An occurrence: the record history() returns, with when it ends (null = until resumed). */
interface Occurrence {
  event: ProtectionEvent;
  until: number | null;
}

const MINUTE = 60_000;

/**
 * Everything a ProtectionSet knows, as plain JSON (NaN as null): stored after every engine step so a restart
 * resumes the same cooldowns, guards, histories, day start and drawdown peak, and so makes the same trades.
 */
export interface ProtectionSetState {
  active: Array<{ event: ProtectionEvent; until: number | null }>;
  stopOuts: Array<{ time: number; symbol: string }>;
  closed: Array<{ time: number; symbol: string; pnlPct: number }>;
  lastTrigger: Array<[string, number]>;
  day: number | null;
  dayStartEquity: number | null;
  lastEquity: number | null;
  peak: number | null;
}

const toJson = (x: number): number | null => (Number.isNaN(x) ? null : x);
const fromJson = (x: number | null | undefined): number => (x === null || x === undefined ? NaN : x);

export interface ProtectionSink {
  /** A trigger was recorded (appended to history) or an occurrence released. */
  triggered(e: ProtectionEvent): void;
  released(e: ProtectionEvent): void;
}

/**
 * One set of rules with its state. The account has one; a strategy instance whose `risk` override changes
 * some protections has its own set running just those, over its own trades, scoped to the instance.
 */
export class ProtectionSet {
  private readonly active: Occurrence[] = [];
  private stopOuts: Array<{ time: number; symbol: string }> = [];
  private closed: Array<{ time: number; symbol: string; pnlPct: number }> = [];
  /** Time of the last trigger per rule+scope: a rule counts only what happened after it fired. */
  private readonly lastTrigger = new Map<string, number>();
  private day = NaN;
  private dayStartEquity = NaN;
  private lastEquity = NaN;
  private peak = NaN;

  constructor(
    private cfg: ProtectionsConfig,
    private readonly sink: ProtectionSink,
    /** For an instance's own set: every scope is the instance id. */
    private readonly instanceScope?: string,
  ) {}

  configure(cfg: ProtectionsConfig): void {
    this.cfg = cfg;
  }

  /** Active occurrences now (copies). */
  current(): ProtectionEvent[] {
    return this.active.map((o) => ({ ...o.event }));
  }

  /** The occurrence that refuses an entry on `symbol` at `time`, among rules `names` (all when omitted). */
  blocking(symbol: string, time: number, names?: ReadonlySet<RuleName>): ProtectionEvent | null {
    this.releaseDue(time);
    for (const o of this.active) {
      if (names && !names.has(o.event.name as RuleName)) continue;
      const s = o.event.scope;
      if (s === 'global' || s === symbol || s === this.instanceScope) return o.event;
    }
    return null;
  }

  onCandle(time: number, equity: number): void {
    this.releaseDue(time);
    const day = Math.floor(time / DAY_MS);
    if (day !== this.day) {
      this.dayStartEquity = Number.isNaN(this.lastEquity) ? equity : this.lastEquity;
      this.day = day;
    }
    this.lastEquity = equity;
    if (!(equity <= this.peak)) this.peak = equity;

    const dl = this.cfg.dailyLossLimit;
    if (dl && this.dayStartEquity > 0) {
      const loss = (1 - equity / this.dayStartEquity) * 100;
      if (loss >= dl.pct - 1e-9 && !this.isActive('dailyLossLimit', this.scope('global'))) {
        const until = (day + 1) * DAY_MS;
        this.trigger('dailyLossLimit', 'global', time, until, `equity ${fmt(equity)} is −${fmt(loss)}% from the day's start ${fmt(this.dayStartEquity)} (limit ${fmt(dl.pct)}%); no entries until ${iso(until)}`);
      }
    }
    const dd = this.cfg.maxDrawdown;
    if (dd && this.peak > 0) {
      const draw = (1 - equity / this.peak) * 100;
      if (draw >= dd.pct - 1e-9 && !this.isActive('maxDrawdown', this.scope('global'))) {
        this.trigger('maxDrawdown', 'global', time, null, `drawdown ${fmt(draw)}% from the peak ${fmt(this.peak)} (limit ${fmt(dd.pct)}%); entries halted until resumed`);
      }
    }
  }

  onTradeClosed(t: ClosedTrade, time: number): void {
    this.releaseDue(time);
    const cd = this.cfg.cooldown;
    if (cd) {
      const until = time + cd.minutes * MINUTE;
      const existing = this.find('cooldown', this.scope(t.symbol));
      if (existing) existing.until = Math.max(existing.until ?? until, until);
      else this.trigger('cooldown', t.symbol, time, until, `${t.symbol} closed (${t.exitReason.replace('_', ' ')}); cooldown ${fmt(cd.minutes)} min until ${iso(until)}`);
    }

    const sg = this.cfg.stoplossGuard;
    const stopOut = (t.exitReason === 'stop_loss' || t.exitReason === 'trailing_stop') && t.pnl < 0;
    if (sg && stopOut) {
      this.stopOuts.push({ time, symbol: t.symbol });
      const scope = sg.perSymbol ? t.symbol : 'global';
      const after = this.lastTrigger.get(`stoplossGuard|${this.scope(scope)}`) ?? -Infinity;
      const since = time - sg.lookbackMinutes * MINUTE;
      let n = 0;
      for (const s of this.stopOuts) if (s.time >= since && s.time > after && (!sg.perSymbol || s.symbol === t.symbol)) n++;
      if (n >= sg.trades && !this.isActive('stoplossGuard', this.scope(scope))) {
        const until = time + sg.stopMinutes * MINUTE;
        this.trigger('stoplossGuard', scope, time, until, `${n} stop-outs${sg.perSymbol ? ` on ${t.symbol}` : ''} within ${fmt(sg.lookbackMinutes)} min; entries paused until ${iso(until)}`);
      }
    }

    const lp = this.cfg.lowProfit;
    if (lp) {
      this.closed.push({ time, symbol: t.symbol, pnlPct: t.pnlPct });
      const after = this.lastTrigger.get(`lowProfit|${this.scope(t.symbol)}`) ?? -Infinity;
      const since = time - lp.lookbackMinutes * MINUTE;
      let n = 0;
      let sum = 0;
      for (const c of this.closed) {
        if (c.symbol !== t.symbol || c.time < since || c.time <= after) continue;
        n++;
        sum += c.pnlPct;
      }
      if (n >= lp.trades && sum < -lp.pct && !this.isActive('lowProfit', this.scope(t.symbol))) {
        const until = time + lp.stopMinutes * MINUTE;
        this.trigger('lowProfit', t.symbol, time, until, `${t.symbol}: ${n} trades within ${fmt(lp.lookbackMinutes)} min sum to ${fmt(sum)}% (limit −${fmt(lp.pct)}%); locked until ${iso(until)}`);
      }
    }
    this.prune(time);
  }

  /** Kill switch: halts like the drawdown guard, until resume. */
  halt(reason: string, time: number): void {
    if (!this.isActive('killSwitch', this.scope('global'))) this.trigger('killSwitch', 'global', time, null, reason);
  }

  /**
   * A person resumes: every active protection ends now (halts, and windowed pauses such as a cooldown or the
   * daily loss limit: the trader overrides them); the drawdown peak and the day's loss restart from here.
   */
  resume(time: number): void {
    for (const o of [...this.active]) this.release(o, time);
    if (!Number.isNaN(this.lastEquity)) this.peak = this.dayStartEquity = this.lastEquity;
  }

  snapshot(): ProtectionSetState {
    return {
      active: this.active.map((o) => ({ event: { ...o.event }, until: o.until })),
      stopOuts: this.stopOuts.map((x) => ({ ...x })),
      closed: this.closed.map((x) => ({ ...x })),
      lastTrigger: [...this.lastTrigger],
      day: toJson(this.day),
      dayStartEquity: toJson(this.dayStartEquity),
      lastEquity: toJson(this.lastEquity),
      peak: toJson(this.peak),
    };
  }

  /**
   * Saves the in-memory state and returns how to put it back (a step whose transaction rolled back). Unlike
   * snapshot(), the occurrences keep their event objects, which the layer's history shares.
   */
  checkpoint(): () => void {
    const active = this.active.map((o) => ({ o, until: o.until, event: { ...o.event } }));
    const { stopOuts, closed, day, dayStartEquity, lastEquity, peak } = this;
    const stopOutsLength = stopOuts.length;
    const closedLength = closed.length;
    const lastTrigger = [...this.lastTrigger];
    return () => {
      this.active.length = 0;
      for (const a of active) {
        Object.assign(a.o.event, a.event);
        a.o.until = a.until;
        this.active.push(a.o);
      }
      // Arrays only grow in place or are replaced when pruned: the saved array cut to its length is the old one.
      this.stopOuts = stopOuts;
      this.stopOuts.length = stopOutsLength;
      this.closed = closed;
      this.closed.length = closedLength;
      this.lastTrigger.clear();
      for (const [k, v] of lastTrigger) this.lastTrigger.set(k, v);
      this.day = day;
      this.dayStartEquity = dayStartEquity;
      this.lastEquity = lastEquity;
      this.peak = peak;
    };
  }

  /** Replaces the whole state with one from snapshot(); returns the active occurrences' events (now owned here). */
  restoreSnapshot(s: ProtectionSetState): ProtectionEvent[] {
    this.active.length = 0;
    for (const o of s.active) this.active.push({ event: { ...o.event }, until: o.until });
    this.stopOuts = s.stopOuts.map((x) => ({ ...x }));
    this.closed = s.closed.map((x) => ({ ...x }));
    this.lastTrigger.clear();
    for (const [k, v] of s.lastTrigger) this.lastTrigger.set(k, v);
    this.day = fromJson(s.day);
    this.dayStartEquity = fromJson(s.dayStartEquity);
    this.lastEquity = fromJson(s.lastEquity);
    this.peak = fromJson(s.peak);
    return this.active.map((o) => o.event);
  }

  /** Re-arms an occurrence stored before a restart (still active at `now`). */
  restore(e: ProtectionEvent, until: number | null): void {
    const occ: Occurrence = { event: { ...e, state: 'triggered', releasedAt: null }, until };
    this.active.push(occ);
    this.lastTrigger.set(`${e.name}|${e.scope}`, e.triggeredAt);
  }

  private scope(s: string): string {
    return this.instanceScope ?? s;
  }

  private find(name: RuleName, scope: string): Occurrence | undefined {
    return this.active.find((o) => o.event.name === name && o.event.scope === scope);
  }

  private isActive(name: RuleName, scope: string): boolean {
    return this.find(name, scope) !== undefined;
  }

  private trigger(name: RuleName, scope: string, time: number, until: number | null, reason: string): void {
    const s = this.scope(scope);
    const event: ProtectionEvent = { name, scope: s, state: 'triggered', triggeredAt: time, releasedAt: null, reason };
    this.active.push({ event, until });
    this.lastTrigger.set(`${name}|${s}`, time);
    this.sink.triggered(event);
  }

  private releaseDue(time: number): void {
    if (this.active.length === 0) return;
    for (const o of [...this.active]) if (o.until !== null && time >= o.until) this.release(o, o.until);
  }

  private release(o: Occurrence, at: number): void {
    this.active.splice(this.active.indexOf(o), 1);
    o.event.state = 'released';
    o.event.releasedAt = at;
    this.sink.released(o.event);
  }

  /** Forget stop-outs and trades older than any lookback can reach. */
  private prune(time: number): void {
    const keep = Math.max(this.cfg.stoplossGuard?.lookbackMinutes ?? 0, this.cfg.lowProfit?.lookbackMinutes ?? 0) * MINUTE;
    if (this.stopOuts.length > 256) this.stopOuts = this.stopOuts.filter((s) => s.time >= time - keep);
    if (this.closed.length > 256) this.closed = this.closed.filter((c) => c.time >= time - keep);
  }
}
