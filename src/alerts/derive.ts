// Turns engine events into Alerts: trade opened/closed, stop-loss/take-profit hits, protections, strategy
// start/stop (and by whom), engine pause/halt, and a feed that stays down longer than a threshold.
// Shared by the app (alerts pane + alerts table) and Telegram so both say the same thing about one
// happening. Pure apart from its small memory (last exit fill, feed outage); time comes from the events
// or from `tick(now)`.
import type { Alert, EngineEvent, Severity } from '../core/events.js';
import type { ClosedTrade, ExitReason, Fill } from '../core/trading.js';

/**
 * Categories this module produces from engine events. A consumer that also receives `alert` events
 * (Telegram) skips bus alerts of these categories, so one happening is never announced twice.
 */
export const DERIVED_CATEGORIES: ReadonlySet<string> = new Set(['trade', 'stop', 'protection', 'strategy', 'engine', 'feed']);

const STOP_REASONS: ReadonlySet<ExitReason> = new Set(['stop_loss', 'take_profit', 'trailing_stop', 'break_even']);

export interface TradeOpenedData {
  kind: 'opened';
  instanceId: string;
  strategy: string;
  symbol: string;
  side: 'long' | 'short';
  qty: number;
  price: number;
  fee: number;
  reason: string;
  positionId: string;
}

export interface TradeClosedData {
  kind: 'closed';
  trade: ClosedTrade;
  /** The exit fill's reason text ("stop loss at 101.2", the strategy's exit reason). */
  reason: string;
}

export interface DeriveOptions {
  /** The feed must stay down this long before a "feed down" alert (and only then a "feed back"). */
  feedDownMs: number;
  /** Strategy name of an instance (for entries; closed trades carry it). Default: the part before "@". */
  strategyOf?: (instanceId: string) => string | undefined;
  /** Alert ids; default a counter with a time prefix. */
  nextId?: () => string;
}

export class AlertDeriver {
  private readonly lastExitFill = new Map<string, Fill>();
  private feedDownSince: number | null = null;
  private feedDownDetail = '';
  private feedDownAlerted = false;
  private seq = 0;

  constructor(private readonly opts: DeriveOptions) {}

  /** Alerts for one event (usually none or one). */
  onEvent(e: EngineEvent, now: number): Alert[] {
    switch (e.type) {
      case 'fill':
        return this.onFill(e.fill);
      case 'trade':
        return [this.onTrade(e.trade)];
      case 'protection': {
        const p = e.protection;
        const on = p.state === 'triggered';
        return [
          this.alert(on ? p.triggeredAt : (p.releasedAt ?? now), on ? 'warn' : 'info', 'protection',
            `protection ${p.name} ${p.state} (${p.scope}): ${p.reason}`, { ...p }),
        ];
      }
      case 'instance': {
        // a hot reload raises one alert of its own, naming the file and the instances restarted
        if (e.change === 'added' || e.reload) return [];
        const i = e.instance;
        // 'updated': new params or risk overrides
        const what = e.change === 'removed' ? 'deleted' : e.change === 'updated' ? `restarted with ${Object.entries(i.params).map(([k, v]) => `${k}=${String(v)}`).join(' ') || 'its params'}` : e.change;
        return [
          this.alert(now, 'info', 'strategy', `strategy ${i.id} ${what} by ${e.by}`, {
            instanceId: i.id,
            strategy: i.strategy,
            symbol: i.symbol,
            timeframe: i.timeframe,
            change: e.change,
            by: e.by,
          }),
        ];
      }
      case 'engine': {
        if (e.state === 'stopped') return [];
        const sev: Severity = e.state === 'halted' ? 'critical' : e.state === 'paused' ? 'warn' : 'info';
        const what = e.state === 'running' ? 'entries resumed' : e.state === 'paused' ? 'new entries paused' : 'trading halted';
        return [this.alert(now, sev, 'engine', `${what} (${e.reason})`, { state: e.state, reason: e.reason, by: e.by })];
      }
      case 'feed':
        return this.onFeed(e, now);
      default:
        return [];
    }
  }

  /** When tick() next has something to say (the feed-down threshold), or null. */
  nextDeadline(): number | null {
    if (this.feedDownSince === null || this.feedDownAlerted) return null;
    return this.feedDownSince + this.opts.feedDownMs;
  }

  /** Alerts due by time (a feed down for longer than the threshold). */
  tick(now: number): Alert[] {
    if (this.feedDownSince === null || this.feedDownAlerted) return [];
    if (now - this.feedDownSince < this.opts.feedDownMs) return [];
    this.feedDownAlerted = true;
    const secs = Math.round((now - this.feedDownSince) / 1000);
    return [
      this.alert(now, 'error', 'feed', `market feed down for ${secs}s: ${this.feedDownDetail}`, {
        state: 'down',
        since: this.feedDownSince,
        detail: this.feedDownDetail,
      }),
    ];
  }

  private onFill(f: Fill): Alert[] {
    if (f.purpose === 'exit') {
      // The trade event follows this fill synchronously; keep its reason text for the closed-trade alert.
      this.lastExitFill.set(f.instanceId, f);
      return [];
    }
    const strategy = this.opts.strategyOf?.(f.instanceId) ?? f.instanceId.split('@')[0]!;
    const side = f.side === 'buy' ? 'long' : 'short';
    const data: TradeOpenedData = {
      kind: 'opened',
      instanceId: f.instanceId,
      strategy,
      symbol: f.symbol,
      side,
      qty: f.qty,
      price: f.price,
      fee: f.fee,
      reason: f.reason,
      positionId: f.positionId,
    };
    return [this.alert(f.time, 'info', 'trade', `opened ${side} ${f.qty} ${f.symbol} at ${f.price} (${strategy}): ${f.reason}`, { ...data })];
  }

  private onTrade(t: ClosedTrade): Alert {
    const fill = this.lastExitFill.get(t.instanceId);
    this.lastExitFill.delete(t.instanceId);
    const reason = fill?.reason ?? t.exitReason.replace(/_/g, ' ');
    const stop = STOP_REASONS.has(t.exitReason);
    const data: TradeClosedData = { kind: 'closed', trade: { ...t }, reason };
    const sev: Severity = t.exitReason === 'stop_loss' || t.exitReason === 'kill' ? 'warn' : 'info';
    const pnl = `${t.pnl >= 0 ? '+' : ''}${round(t.pnl, 2)} (${t.pnlPct >= 0 ? '+' : ''}${round(t.pnlPct, 2)}%)`;
    const what = stop ? `${t.exitReason.replace(/_/g, ' ')} hit` : 'closed';
    return this.alert(t.exitTime, sev, stop ? 'stop' : 'trade', `${what}: ${t.side} ${t.qty} ${t.symbol} at ${t.exitPrice}, P&L ${pnl} (${t.strategy}): ${reason}`, {
      ...data,
    });
  }

  private onFeed(e: Extract<EngineEvent, { type: 'feed' }>, now: number): Alert[] {
    if (e.status === 'down' || e.status === 'retrying') {
      if (this.feedDownSince === null) this.feedDownSince = now;
      this.feedDownDetail = e.detail;
      return this.tick(now);
    }
    if (e.status === 'connected' || e.status === 'replay') {
      const since = this.feedDownSince;
      const alerted = this.feedDownAlerted;
      this.feedDownSince = null;
      this.feedDownAlerted = false;
      if (since === null || !alerted) return [];
      const secs = Math.round((now - since) / 1000);
      return [this.alert(now, 'info', 'feed', `market feed back after ${secs}s down`, { state: 'back', since, detail: e.detail })];
    }
    return [];
  }

  private alert(time: number, severity: Severity, category: string, message: string, data: Record<string, unknown>): Alert {
    const id = this.opts.nextId ? this.opts.nextId() : `a${time.toString(36)}-${(this.seq++).toString(36)}`;
    return { id, time, severity, category, message, data };
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
