// Trades as CSV (RFC 4180): one header row, one row per trade, times as ISO-8601 UTC, numbers in
// JavaScript's shortest exact form. A field is quoted when it holds a comma, a double quote, CR or LF,
// with inner quotes doubled, so any CSV reader (csv-parse, spreadsheets, pandas) gets the values back.
import { writeFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { iso } from '../core/time.js';
import type { ClosedTrade } from '../core/trading.js';

export const TRADE_CSV_COLUMNS = [
  'run_id',
  'strategy',
  'symbol',
  'side',
  'entry_time',
  'exit_time',
  'entry_price',
  'exit_price',
  'qty',
  'pnl',
  'pnl_pct',
  'fees',
  'exit_reason',
] as const;

export type CsvValue = string | number | null | undefined;

export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '';
    return String(v);
  }
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',');
}

export interface RunTrades {
  runId: number;
  trades: readonly ClosedTrade[];
}

/** The CSV text (lines end in \n, including the last) for the trades of one or more runs. */
export function tradesCsv(runs: readonly RunTrades[]): string {
  const lines = [csvRow(TRADE_CSV_COLUMNS)];
  for (const { runId, trades } of runs) {
    for (const t of trades) {
      lines.push(
        csvRow([
          runId,
          t.strategy,
          t.symbol,
          t.side,
          iso(t.entryTime),
          iso(t.exitTime),
          t.entryPrice,
          t.exitPrice,
          t.qty,
          t.pnl,
          t.pnlPct,
          t.fees,
          t.exitReason,
        ]),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function writeTradesCsv(file: string, runs: readonly RunTrades[]): void {
  try {
    writeFileSync(file, tradesCsv(runs));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot write ${file}: ${code ?? (err as Error).message}`, '--trades-csv');
  }
}

/** Closed trades of the paper/live account (the TUI's trade history export): one row per trade with its instance. */
export function accountTradesCsv(trades: readonly ClosedTrade[]): string {
  const lines = [csvRow(['instance', ...TRADE_CSV_COLUMNS.slice(1)])];
  for (const t of trades)
    lines.push(csvRow([t.instanceId, t.strategy, t.symbol, t.side, iso(t.entryTime), iso(t.exitTime), t.entryPrice, t.exitPrice, t.qty, t.pnl, t.pnlPct, t.fees, t.exitReason]));
  return `${lines.join('\n')}\n`;
}
