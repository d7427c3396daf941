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

export async function runHeadless(app: App, opts: { json: boolean; out?: NodeJS.WritableStream }): Promise<void> {
  const out = opts.out ?? process.stdout;
  app.bus.onAny((e) => {
    if (opts.json) {
      if (e.type !== 'equity' && !(e.type === 'position' && e.change === 'updated')) out.write(`${JSON.stringify(e)}\n`);
      return;
    }
    const line = formatEventLine(e);
    if (line) out.write(`${line}\n`);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void app.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await app.start();
  await app.finished;
  await app.stop();
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
}
