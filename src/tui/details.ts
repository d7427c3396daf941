// Detail windows (Enter on a row) as a pure function of the view and the row's key, so an open window is re-read
// from every new view: it follows a position's price and P&L, and says so when its subject is gone.
import { unrealisedPnl } from '../core/trading.js';
import { modelLines } from '../view/model.js';
import { holdsOn } from '../view/protections.js';
import { dateTime, money, paramsText, price, qty } from './format.js';
import { positionsOf } from './store/selectors.js';
import type { ListPane } from './store/ui-state.js';
import type { ViewSnapshot } from './store/view-store.js';

export interface Details {
  title: string;
  lines: string[];
}

export function detailsOf(view: ViewSnapshot, subject: { pane: ListPane; key: string }): Details | null {
  const { key } = subject;
  switch (subject.pane) {
    case 'strategies': {
      const i = view.engine.instances.find((x) => x.id === key);
      if (!i) return null;
      return {
        title: `Instance ${i.id}`,
        lines: [
          `strategy   ${i.strategy}`,
          `market     ${i.symbol} ${i.timeframe}`,
          `state      ${i.running ? 'running' : 'stopped'}`,
          ...holdsOn(view.engine, i).map((x) => `held       ${x.badge}: ${x.reason} (r lifts it)`),
          `params     ${paramsText(i.params) || '(defaults)'}`,
          `trades     ${i.trades}`,
          `P&L        ${money(i.pnl)}`,
          ...(i.model ? modelLines(i.model) : []),
        ],
      };
    }
    case 'positions': {
      const p = positionsOf(view).find((x) => x.id === key);
      if (!p) return null;
      const pnl = unrealisedPnl(p, p.lastPrice);
      const pr = p.protection;
      return {
        title: `Position ${p.symbol}`,
        lines: [
          `instance     ${p.instanceId}`,
          `side         ${p.side}`,
          `quantity     ${qty(p.qty)}`,
          `entry        ${price(p.entryPrice)} at ${dateTime(p.entryTime)} UTC (fee ${money(p.entryFee)})`,
          `last         ${price(p.lastPrice)}`,
          `unrealised   ${money(pnl)}`,
          `stop         ${pr.stop !== undefined ? price(pr.stop) : '-'}${pr.stopAtBreakEven ? ' (break-even)' : ''}`,
          ...(view.engine.live ? [`stop held    ${stopHeld(view, p.id, pr.stop !== undefined || pr.trailingPct !== undefined || pr.trailingDistance !== undefined)}`] : []),
          `take-profit  ${pr.takeProfit !== undefined ? price(pr.takeProfit) : '-'}`,
          `trailing     ${pr.trailingPct !== undefined ? `${(pr.trailingPct * 100).toFixed(2)}%` : pr.trailingDistance !== undefined ? price(pr.trailingDistance) : '-'}`,
          `held         ${p.candlesHeld} candles${pr.maxCandles !== undefined ? ` (max ${pr.maxCandles})` : ''}`,
        ],
      };
    }
    case 'signals': {
      const s = view.signals.find((x) => String(x.id) === key);
      if (!s) return null;
      return {
        title: `${s.kind === 'risk' ? 'Risk verdict' : 'Decision'} ${dateTime(s.time)} UTC`,
        lines: [`${s.strategy} on ${s.symbol} (${s.instanceId})`, `${s.kind === 'risk' ? 'verdict' : 'decision'}: ${s.action}`, `why: ${s.reason}`],
      };
    }
    case 'alerts': {
      const a = view.alerts.find((x) => x.id === key);
      if (!a) return null;
      return { title: `Alert ${dateTime(a.time)} UTC`, lines: [`${a.severity.toUpperCase()} ${a.category}`, a.message, ...(a.data ? [JSON.stringify(a.data)] : [])] };
    }
  }
}

/** What a detail window says once its subject is gone; the last values stay below. */
/** Live: where a position's stop is held — resting on the exchange (which order), or checked by tradetui. */
function stopHeld(view: ViewSnapshot, positionId: string, hasStop: boolean): string {
  const live = view.engine.live!;
  const resting = view.engine.orders.find((o) => o.resting === true && o.positionId === positionId);
  if (resting) return `on ${live.exchange}: stop-limit at ${price(resting.price ?? NaN)}, ${resting.status.replace('_', ' ')} (${resting.clientId})`;
  if (!hasStop) return '-';
  return live.stops === 'exchange' ? `by tradetui on every polled price (no stop resting on ${live.exchange} now)` : `by tradetui on every polled price (${live.exchange} takes no stop order here)`;
}

export function goneText(pane: ListPane): string {
  switch (pane) {
    case 'positions':
      return 'This position is closed. Values below are from when this window opened.';
    case 'strategies':
      return 'This instance was removed. Values below are from when this window opened.';
    default:
      return 'This row is no longer listed. Values below are from when this window opened.';
  }
}
