// How the parity meter's figures read, the same in the TUI's parity window and `tradetui slippage`: signed
// basis points (positive is a cost to the trader), delays, and a row's outcome when one side did not fill.
import type { ParityRow } from '../engine/ports.js';

/** Signed basis points with one decimal: +20.0 / −3.5 (a real minus sign); '-' when unknown. */
export function bps(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  const r = Math.round(x * 10) / 10;
  return `${r > 0 ? '+' : r < 0 ? '−' : ''}${Math.abs(r).toFixed(1)}`;
}

/** A delay: 250 ms / 1.4 s / 2.0 min. */
export function delay(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  if (Math.abs(ms) < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** What a row's live side shows when it has no price: still working, how it ended, or no live order. */
export function liveOutcome(r: ParityRow): string {
  if (r.livePrice !== null) return 'filled';
  if (r.liveStatus) return r.liveStatus;
  return r.simPrice !== null ? 'no live order' : 'working';
}

export function simOutcome(r: ParityRow): string {
  if (r.simPrice !== null) return 'filled';
  if (r.simStatus) return r.simStatus;
  return r.livePrice !== null ? 'waiting for the next open' : 'working';
}
