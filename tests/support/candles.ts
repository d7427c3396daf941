// Loads real candles from the shared CSV files (../shared/data beside the repo, header
// timestamp,open,high,low,close,volume) into a columnar CandleSeries for tests, falling back to the gzipped
// copies shipped in data/. Plain split: the files are machine-written and checked (PROVENANCE.md).
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { emptySeries, type CandleSeries } from '../../src/core/candle.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** Where the shared candle files live; TRADETUI_TEST_DATA overrides it. */
export const DATA_DIR = process.env.TRADETUI_TEST_DATA ?? resolve(ROOT, '../shared/data');

function readCsv(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8');
  const shipped = join(ROOT, 'data', `${basename(path)}.gz`);
  if (existsSync(shipped)) return gunzipSync(readFileSync(shipped)).toString('utf8');
  throw new Error(`${path}: no such candle file (nor ${shipped})`);
}

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
  const lines = readCsv(path).split('\n');
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
