// Imports a candle CSV file into the cache: parse and validate everything first, then one transaction that
// writes the candles and records the file in candle_sources. An error leaves the cache untouched; importing
// the same file again inserts nothing.
import { resolve } from 'node:path';
import type { MarketKey } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import type { CandleCache } from '../adapters/store/sqlite/candle-cache.js';
import { readCandleCsv, type SkippedRow } from './csv.js';

export interface ImportOptions {
  skipInvalid?: boolean;
  /** What candle_sources records; default: the file's absolute path. */
  source?: string;
}

export interface ImportReport {
  file: string;
  /** Data rows in the file. */
  rows: number;
  /** Distinct valid candles (after exact duplicates collapsed). */
  candles: number;
  inserted: number;
  unchanged: number;
  duplicates: number;
  skipped: SkippedRow[];
  /** Open times of the file's first and last valid candle (UTC ms), null when it has none. */
  first: number | null;
  last: number | null;
  /** Runs of missing candles in the file and the longest run, in candles; reported, never filled. */
  gaps: number;
  missing: number;
  largestGap: number;
}

export async function importCsv(store: CandleCache, file: string, key: MarketKey, opts: ImportOptions = {}): Promise<ImportReport> {
  const parsed = await readCandleCsv(file, { timeframe: key.timeframe, skipInvalid: opts.skipInvalid });
  const s = parsed.series;
  let written;
  try {
    written = store.transaction(() => {
      const result = store.write(key, s);
      store.recordSource(key, opts.source ?? resolve(file), s.length);
      return result;
    });
  } catch (err) {
    // The cache names the market; the user needs the file too.
    if (err instanceof UserError) throw new UserError(`${err.message} (cache ${err.where ?? ''})`, file);
    throw err;
  }
  return {
    file,
    rows: parsed.rows,
    candles: s.length,
    inserted: written.inserted,
    unchanged: written.unchanged,
    duplicates: parsed.duplicates,
    skipped: parsed.skipped,
    first: s.length > 0 ? s.time[0]! : null,
    last: s.length > 0 ? s.time[s.length - 1]! : null,
    gaps: parsed.gaps.gaps,
    missing: parsed.gaps.missing,
    largestGap: parsed.gaps.largestGap,
  };
}
