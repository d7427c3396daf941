// Headless mode: the same engine with no TUI, for a server or a systemd unit. One line per event on stdout
// (JSON lines with --json); SIGTERM/SIGINT stop the feed and flush everything before exit.
import type { EngineEvent } from '../core/events.js';
import { iso } from '../core/time.js';
import type { App } from './compose.js';

export function formatEventLine(e: EngineEvent): string | null {
  switch (e.type) {
    case 'candle':
      return `candle ${e.symbol} ${e.timeframe} ${iso(e.candle.time)} o=${e.candle.open} h=${e.candle.high} l=${e.candle.low} c=${e.candle.close}`;
    case 'decision':
      return `decision ${iso(e.time)} ${e.instanceId} ${e.action}: ${e.reason}`;
    case 'risk':
      return `risk ${iso(e.time)} ${e.instanceId} ${e.verdict}: ${e.reason}`;
    case 'order':
      return `order ${e.order.id} ${e.order.status} ${e.order.side} ${e.order.symbol} ${e.order.type} ${e.order.purpose}: ${e.order.statusReason ?? e.order.reason}`;
    case 'fill':
      return `fill ${iso(e.fill.time)} ${e.fill.side} ${e.fill.symbol} qty=${e.fill.qty} price=${e.fill.price} fee=${e.fill.fee}`;
    case 'position':
      return e.change === 'updated' ? null : `position ${e.change} ${e.position.side} ${e.position.symbol} qty=${e.position.qty} entry=${e.position.entryPrice}`;
    case 'trade':
      return `trade ${e.trade.symbol} ${e.trade.side} pnl=${e.trade.pnl.toFixed(2)} (${e.trade.pnlPct.toFixed(2)}%) ${e.trade.exitReason}`;
    case 'equity':
      return null;
    case 'alert':
      return `alert ${iso(e.alert.time)} ${e.alert.severity} ${e.alert.category}: ${e.alert.message}`;
    case 'protection':
      return `protection ${e.protection.name} ${e.protection.scope} ${e.protection.state}: ${e.protection.reason}`;
    case 'instance':
      return `instance ${e.instance.id} ${e.change} by ${e.by}`;
    case 'feed':
      return `feed ${e.status}: ${e.detail}`;
    case 'engine':
      return `engine ${e.state} by ${e.by}: ${e.reason}`;
  }
}

/**
 * Runs the engine without a screen until SIGTERM/SIGINT. When a replay ends the engine stays up (Telegram and
 * commands still answer) — nothing else may hold the event loop then, so a timer does: without it Node found
 * the pending `finished` promise unsettled and exited with code 13, which a systemd unit restarted in a loop.
 * `exitAtEnd` stops cleanly (exit 0) when the replay ends instead.
 */
export async function runHeadless(
  first: HeadlessApp,
  opts: {
    json: boolean;
    out?: NodeJS.WritableStream;
    exitAtEnd?: boolean;
    /** While a replay restart replaces the App (app/engine-host.ts): the new one, which this follows; else null. */
    next?: () => Promise<HeadlessApp> | null;
  },
): Promise<void> {
  const out = opts.out ?? process.stdout;
  let app = first;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void app.stop();
  };
  // Events are emitted inside the engine step's transaction: print them once it has committed, and never
  // when it rolled back (disk full: the step is held and made again later). A kill mid-step prints nothing,
  // so every id printed is the one the database holds, and no restart prints it again.
  const follow = (a: HeadlessApp): (() => void) => {
    let pending: string[] = [];
    const unsettle = a.onSettled((committed) => {
      if (committed && pending.length > 0) out.write(pending.join(''));
      pending = [];
    });
    const unlisten = a.bus.onAny((e) => {
      if (opts.exitAtEnd && e.type === 'feed' && e.status === 'ended') setImmediate(stop);
      let line: string | null;
      if (opts.json) line = e.type !== 'equity' && !(e.type === 'position' && e.change === 'updated') ? JSON.stringify(e) : null;
      else line = formatEventLine(e);
      if (line === null) return;
      if (a.db.open && a.db.inTransaction) pending.push(`${line}\n`);
      else out.write(`${line}\n`);
    });
    return () => {
      unsettle();
      unlisten();
    };
  };
  let unfollow = follow(app);
  const keepAlive = setInterval(() => {}, 1 << 30);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await app.start();
    for (;;) {
      await app.finished;
      // A replay restart ended this App's feed: carry on with the App that replaces it.
      const next = stopping ? null : opts.next?.();
      if (!next) break;
      const replacement = await next;
      unfollow();
      app = replacement;
      unfollow = follow(app);
    }
    await app.stop();
  } finally {
    unfollow();
    clearInterval(keepAlive);
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}

type HeadlessApp = Pick<App, 'bus' | 'db' | 'start' | 'stop' | 'finished' | 'onSettled'>;
