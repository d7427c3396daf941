// Loads real candles from the shared CSV files (/work/shared/data, header timestamp,open,high,low,close,volume)
// into a columnar CandleSeries for tests. Plain split: the files are machine-written and checked (PROVENANCE.md).
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { emptySeries, type CandleSeries } from '../../src/core/candle.js';

/** Where the shared candle files live; TRADETUI_TEST_DATA overrides it. */
export const DATA_DIR = process.env.TRADETUI_TEST_DATA ?? '/work/shared/data';

const cache = new Map<string, CandleSeries>();

/**
 * Reads `file` (a name in DATA_DIR or a path) into a CandleSeries; `limit` keeps the first `limit` candles.
 * Results are cached per file and limit; treat them as read-only.
 */
export function loadCsvSeries(file: string, limit?: number): CandleSeries {
  const path = isAbsolute(file) || file.includes('/') ? file : join(DATA_DIR, file);
  const key = `${path}#${limit ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[0]?.trim() !== 'timestamp,open,high,low,close,volume') throw new Error(`${path}: unexpected header "${lines[0]}"`);
  const rows = lines.length - 1;
  const cap = limit === undefined ? rows : Math.min(limit, rows);
  const s = emptySeries(cap);
  let n = 0;
  for (let li = 1; li < lines.length && n < cap; li++) {
    const line = lines[li]!;
    if (line.length === 0) continue;
    const f = line.split(',');
    if (f.length !== 6) throw new Error(`${path}:${li + 1}: expected 6 fields, got ${f.length}`);
    s.time[n] = Number(f[0]);
    s.open[n] = Number(f[1]);
    s.high[n] = Number(f[2]);
    s.low[n] = Number(f[3]);
    s.close[n] = Number(f[4]);
    s.volume[n] = Number(f[5]);
    n++;
  }
  s.length = n;
  const out: CandleSeries =
    n === cap
      ? s
      : { length: n, time: s.time.subarray(0, n), open: s.open.subarray(0, n), high: s.high.subarray(0, n), low: s.low.subarray(0, n), close: s.close.subarray(0, n), volume: s.volume.subarray(0, n) };
  cache.set(key, out);
  return out;
}
