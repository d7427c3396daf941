import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, tradesCsv, writeTradesCsv, TRADE_CSV_COLUMNS } from '../../../src/backtest/trades-csv.js';
import type { ClosedTrade } from '../../../src/core/trading.js';
import { UserError } from '../../../src/core/errors.js';

const trade: ClosedTrade = {
  id: 't1',
  instanceId: 'i',
  strategy: 'my "best", strat',
  symbol: 'BTC/USDT',
  side: 'long',
  qty: 0.123456789,
  entryTime: Date.UTC(2024, 0, 1, 10),
  exitTime: Date.UTC(2024, 0, 2, 11, 30),
  entryPrice: 42000.5,
  exitPrice: 41000.25,
  pnl: -123.4567,
  pnlPct: -2.5,
  fees: 8.3,
  exitReason: 'stop_loss',
};

describe('trades CSV', () => {
  it('quotes fields with commas, quotes or newlines and doubles inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rx')).toBe('"cr\rx"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('writes a header and one row per trade that a CSV reader parses back to the same values', () => {
    const reason = 'stop hit, then "gap" down\nnext line' as ClosedTrade['exitReason'];
    const text = tradesCsv([{ runId: 7, trades: [trade, { ...trade, exitReason: reason }] }]);
    expect(text.endsWith('\n')).toBe(true);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...TRADE_CSV_COLUMNS]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      run_id: '7',
      strategy: 'my "best", strat',
      symbol: 'BTC/USDT',
      side: 'long',
      entry_time: '2024-01-01T10:00:00.000Z',
      exit_time: '2024-01-02T11:30:00.000Z',
      entry_price: '42000.5',
      exit_price: '41000.25',
      qty: '0.123456789',
      pnl: '-123.4567',
      pnl_pct: '-2.5',
      fees: '8.3',
      exit_reason: 'stop_loss',
    });
    expect(rows[1]!.exit_reason).toBe(reason);
  });

  it('writes only the header when there are no trades', () => {
    expect(tradesCsv([{ runId: 1, trades: [] }])).toBe(`${TRADE_CSV_COLUMNS.join(',')}\n`);
  });

  it('writes the file, and names --trades-csv when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tradetui-csv-'));
    const file = join(dir, 'trades.csv');
    writeTradesCsv(file, [{ runId: 1, trades: [trade] }]);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    let err: unknown;
    try {
      writeTradesCsv(join(dir, 'missing', 'x.csv'), []);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).where).toBe('--trades-csv');
  });
});
