// External series (sentiment and the like) for ML features: `tradetui data import-series FILE --name NAME`
// reads a (timestamp, value) CSV into SQLite. Each value is stored with the time it became known: a value
// for a period (a day) counts from the end of that period, so a candle never reads a value published after
// it closed. Re-importing replaces the series whole, in one transaction.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { Db } from '../adapters/store/sqlite/db.js';
import { UserError } from '../core/errors.js';
import { iso, parseDate, parseTimeframe, timeframeMs } from '../core/time.js';
import type { ExternalSeriesData } from '../strategy/contract.js';

export interface SeriesImportReport {
  name: string;
  file: string;
  rows: number;
  periodMs: number;
  first: number;
  last: number;
  min: number;
  max: number;
  gaps: number;
}

export function checkSeriesName(name: string, where = '--name'): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(name)) throw new UserError(`"${name}" is not a series name (letters, digits, _ and -), e.g. fear_greed`, where);
  return name;
}

/**
 * Parses a CSV with a header holding `timestamp` (or `time`/`date`) and `value` columns (others ignored).
 * Timestamps: epoch ms, epoch seconds or ISO dates (UTC). `period` is how long each value covers (default:
 * the smallest spacing between rows).
 */
export function parseSeriesCsv(file: string, opts: { period?: string } = {}): { time: number[]; value: number[]; periodMs: number } {
  let text: string;
  try {
    const raw = readFileSync(file);
    text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`, file);
  }
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new UserError(`invalid CSV: ${(err as Error).message}`, file);
  }
  if (records.length < 2) throw new UserError('no data rows (expected a header with timestamp and value, then rows)', file);
  const header = records[0]!.map((h) => h.toLowerCase());
  const ti = header.findIndex((h) => h === 'timestamp' || h === 'time' || h === 'date');
  const vi = header.indexOf('value');
  if (ti < 0 || vi < 0) throw new UserError(`header must name a timestamp column and a value column, found "${records[0]!.join(',')}"`, `${file}:1`);
  const time: number[] = [];
  const value: number[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    const where = `${file}:${r + 1}`;
    const rawT = rec[ti] ?? '';
    let t: number;
    try {
      // A bare date means that UTC day.
      t = parseDate(/^\d{4}-\d\d-\d\d$/.test(rawT) ? `${rawT}T00:00:00Z` : rawT, 'timestamp');
    } catch {
      throw new UserError(`timestamp "${rawT}" is not epoch ms, epoch seconds or an ISO date`, where);
    }
    const v = Number(rec[vi]);
    if (rec[vi] === undefined || rec[vi] === '' || !Number.isFinite(v)) throw new UserError(`value "${rec[vi] ?? ''}" is not a number`, where);
    if (time.length > 0) {
      const prev = time[time.length - 1]!;
      if (t === prev) throw new UserError(`timestamp ${iso(t)} appears twice`, where);
      if (t < prev) throw new UserError(`timestamp ${iso(t)} comes before ${iso(prev)}; rows must be ascending`, where);
    }
    time.push(t);
    value.push(v);
  }
  let periodMs: number;
  if (opts.period !== undefined) periodMs = timeframeMs(parseTimeframe(opts.period, '--period'));
  else {
    periodMs = Infinity;
    for (let k = 1; k < time.length; k++) periodMs = Math.min(periodMs, time[k]! - time[k - 1]!);
    if (!Number.isFinite(periodMs)) throw new UserError('one row only: give --period (e.g. 1d) to say how long a value covers', '--period');
  }
  return { time, value, periodMs };
}

export function importSeries(db: Db, file: string, name: string, opts: { period?: string } = {}): SeriesImportReport {
  checkSeriesName(name);
  const { time, value, periodMs } = parseSeriesCsv(file, opts);
  db.transaction(() => {
    db.prepare('DELETE FROM external_series WHERE name = ?').run(name);
    const ins = db.prepare('INSERT INTO external_series (name, time, available_from, value) VALUES (?, ?, ?, ?)');
    for (let k = 0; k < time.length; k++) ins.run(name, time[k]!, time[k]! + periodMs, value[k]!);
    db.prepare(
      'INSERT INTO external_series_sources (name, file, period_ms, imported_at, rows) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET file = excluded.file, period_ms = excluded.period_ms, imported_at = excluded.imported_at, rows = excluded.rows',
    ).run(name, file, periodMs, Date.now(), time.length);
  })();
  let gaps = 0;
  for (let k = 1; k < time.length; k++) if (time[k]! - time[k - 1]! > periodMs) gaps++;
  return { name, file, rows: time.length, periodMs, first: time[0]!, last: time.at(-1)!, min: Math.min(...value), max: Math.max(...value), gaps };
}

/** The imported series `name`, or null. */
export function readSeries(db: Db, name: string): ExternalSeriesData | null {
  const rows = db.prepare('SELECT available_from, value FROM external_series WHERE name = ? ORDER BY time').raw().all(name) as [number, number][];
  if (rows.length === 0) return null;
  const availableFrom = new Float64Array(rows.length);
  const value = new Float64Array(rows.length);
  rows.forEach(([a, v], k) => {
    availableFrom[k] = a;
    value[k] = v;
  });
  return { name, availableFrom, value };
}

export function listSeries(db: Db): { name: string; file: string; periodMs: number; rows: number; importedAt: number }[] {
  return (db.prepare('SELECT name, file, period_ms AS periodMs, rows, imported_at AS importedAt FROM external_series_sources ORDER BY name').all() as { name: string; file: string; periodMs: number; rows: number; importedAt: number }[]);
}
