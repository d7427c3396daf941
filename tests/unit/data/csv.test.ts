import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { parseCandleCsv, readCandleCsv } from '../../../src/data/csv.js';

const HEADER = 'timestamp,open,high,low,close,volume';
const H = 3_600_000;
const T0 = 1_704_067_200_000; // 2024-01-01T00:00:00Z

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

async function failure(text: string, opts = {}): Promise<UserError> {
  try {
    await parseCandleCsv(text, 'c.csv', { timeframe: '1h', ...opts });
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('candle CSV parsing', () => {
  it('reads valid rows into columns, in ms UTC', async () => {
    const r = await parseCandleCsv(csv(`${T0},1,2,0.5,1.5,3`, `${T0 + H},1.5,2.5,1.25,2,0`), 'c.csv', { timeframe: '1h' });
    expect(r.rows).toBe(2);
    expect(r.series.length).toBe(2);
    expect([...r.series.time]).toEqual([T0, T0 + H]);
    expect([...r.series.close]).toEqual([1.5, 2]);
    expect([...r.series.volume]).toEqual([3, 0]);
    expect(r.skipped).toEqual([]);
  });

  it('accepts ISO-8601 (with or without zone, "T" or space) and epoch seconds, all as UTC', async () => {
    const r = await parseCandleCsv(
      csv('2024-01-01T00:00:00Z,1,2,0.5,1.5,3', '2024-01-01 01:00:00,1,2,0.5,1.5,3', '2024-01-01T02:00,1,2,0.5,1.5,3', `${(T0 + 3 * H) / 1000},1,2,0.5,1.5,3`),
      'c.csv',
      { timeframe: '1h' },
    );
    expect([...r.series.time]).toEqual([T0, T0 + H, T0 + 2 * H, T0 + 3 * H]);
  });

  it('accepts Windows line endings, a byte-order mark and blank lines', async () => {
    const text = `\ufeff${HEADER}\r\n${T0},1,2,0.5,1.5,3\r\n\r\n${T0 + H},1,2,0.5,1.5,3\r\n`;
    const r = await parseCandleCsv(text, 'c.csv', { timeframe: '1h' });
    expect([...r.series.time]).toEqual([T0, T0 + H]);
  });

  it('numbers the lines as an editor does, blank lines included', async () => {
    const e = await failure(`${HEADER}\n${T0},1,2,0.5,1.5,3\n\n${T0 + H},1,2,0.5,1.5,x\n`);
    expect(e.where).toBe('c.csv:4');
  });

  it('requires the exact header, naming the file and line 1', async () => {
    const e = await failure('time,open,high,low,close,volume\n1,1,1,1,1,1\n');
    expect(e.where).toBe('c.csv:1');
    expect(e.message).toContain(HEADER);
    expect((await failure('')).message).toMatch(/empty file/);
  });

  it.each([
    ['a non-number', `${T0},abc,2,0.5,1.5,3`, 'open', 'abc'],
    ['an empty field', `${T0},1,2,,1.5,3`, 'low', ''],
    ['low above min(open, close)', `${T0},1,2,1.2,1.5,3`, 'low', '1.2'],
    ['high below max(open, close)', `${T0},1,1.4,0.5,1.5,3`, 'high', '1.4'],
    ['negative volume', `${T0},1,2,0.5,1.5,-1`, 'volume', '-1'],
    ['infinite price', `${T0},Infinity,2,0.5,1.5,3`, 'open', 'Infinity'],
    ['zero price', `${T0},0,2,0.5,1.5,3`, 'open', '0'],
    ['a hexadecimal price', `${T0},0x1,2,0.5,1.5,3`, 'open', '0x1'],
    ['a binary price', `${T0},1,0b10,0.5,1.5,3`, 'high', '0b10'],
    ['an octal volume', `${T0},1,2,0.5,1.5,0o7`, 'volume', '0o7'],
    ['a timestamp off the timeframe', `${T0 + 60_000},1,2,0.5,1.5,3`, 'timestamp', String(T0 + 60_000)],
    ['a timestamp that is not a date', `yesterday,1,2,0.5,1.5,3`, 'timestamp', 'yesterday'],
    ['a missing field', `${T0},1,2,0.5,1.5`, 'volume', `${T0},1,2,0.5,1.5`],
  ])('rejects %s with FILE:LINE, the field and the value', async (_what, row, field, value) => {
    const e = await failure(csv(`${T0 - H},1,2,0.5,1.5,3`, row));
    expect(e.where).toBe('c.csv:3');
    expect(e.message.startsWith(`${field} "${value}"`)).toBe(true);
  });

  it('quotes at most ~100 characters of a huge bad field', async () => {
    const junk = 'z'.repeat(5_000_000);
    const e = await failure(csv(`${T0 - H},1,2,0.5,1.5,3`, `${T0},${junk},2,0.5,1.5,3`));
    expect(e.where).toBe('c.csv:3');
    expect(e.message.length).toBeLessThan(200);
    expect(e.message).toMatch(/^open "z{100}… \(5,000,000 characters\)" is not a number/);
  });

  it('rejects rows out of order', async () => {
    const e = await failure(csv(`${T0 + H},1,2,0.5,1.5,3`, `${T0},1,2,0.5,1.5,3`));
    expect(e.where).toBe('c.csv:3');
    expect(e.message).toMatch(/ascending/);
  });

  it('collapses exact duplicate rows and rejects conflicting ones naming both lines', async () => {
    const ok = await parseCandleCsv(csv(`${T0},1,2,0.5,1.5,3`, `${T0},1,2,0.5,1.5,3`, `${T0 + H},1,2,0.5,1.5,3`), 'c.csv', { timeframe: '1h' });
    expect(ok.series.length).toBe(2);
    expect(ok.duplicates).toBe(1);
    const e = await failure(csv(`${T0},1,2,0.5,1.5,3`, `${T0},1,2,0.5,1.6,3`));
    expect(e.where).toBe('c.csv:3');
    expect(e.message).toMatch(/line 2/);
  });

  it('with skipInvalid keeps the good rows and reports each skipped line with its reason', async () => {
    const r = await parseCandleCsv(
      csv(`${T0},1,2,0.5,1.5,3`, `${T0 + H},1,2,0.5,1.5,-3`, `x,1,1,1,1,1`, `${T0},9,9,9,9,9`, `${T0 + 2 * H},1,2,0.5,1.5,3`),
      'c.csv',
      { timeframe: '1h', skipInvalid: true },
    );
    expect([...r.series.time]).toEqual([T0, T0 + 2 * H]);
    expect(r.rows).toBe(5);
    expect(r.skipped.map((s) => [s.line, s.field, s.value])).toEqual([
      [3, 'volume', '-3'],
      [4, 'timestamp', 'x'],
      [5, 'timestamp', String(T0)],
    ]);
    expect(r.skipped.every((s) => s.reason.length > 0)).toBe(true);
  });

  it('reports gaps (runs and largest, in candles) without filling them', async () => {
    const rows = [0, 1, 4, 5, 6, 10].map((i) => `${T0 + i * H},1,2,0.5,1.5,3`);
    const r = await parseCandleCsv(csv(...rows), 'c.csv', { timeframe: '1h' });
    expect(r.series.length).toBe(6);
    expect(r.gaps).toMatchObject({ gaps: 2, missing: 5, largestGap: 3, largestGapAfter: T0 + 6 * H });
  });

  it('reads files, gzip included, and names missing or corrupt files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tradetui-csv-'));
    const text = csv(`${T0},1,2,0.5,1.5,3`, `${T0 + H},1,2,0.5,1.5,3`);
    writeFileSync(join(dir, 'a.csv'), text);
    writeFileSync(join(dir, 'a.csv.gz'), gzipSync(text));
    writeFileSync(join(dir, 'bad.csv.gz'), 'not gzip at all');
    expect((await readCandleCsv(join(dir, 'a.csv'), { timeframe: '1h' })).series.length).toBe(2);
    expect((await readCandleCsv(join(dir, 'a.csv.gz'), { timeframe: '1h' })).series.length).toBe(2);
    await expect(readCandleCsv(join(dir, 'nope.csv'), { timeframe: '1h' })).rejects.toThrow(UserError);
    await expect(readCandleCsv(join(dir, 'bad.csv.gz'), { timeframe: '1h' })).rejects.toThrow(/gzip/);
  });

  it('parses a real shipped file: BTC/USDT 1h with its 28 known gaps', async () => {
    const r = await readCandleCsv(join(import.meta.dirname, '../../../data/binance_BTCUSDT_1h.csv.gz'), { timeframe: '1h' });
    expect(r.rows).toBe(75444);
    expect(r.series.length).toBe(75444);
    expect(r.gaps).toMatchObject({ gaps: 28, missing: 128, largestGap: 33 });
  });
});
