// Candle CSV files (`timestamp,open,high,low,close,volume`, optionally gzip-compressed): parsed with
// csv-parse, every row validated, straight into columnar arrays. A bad row is a UserError naming FILE:LINE,
// the field and the value, unless skipInvalid asks to keep the good rows and report the bad ones.
import { parse, CsvError } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { emptySeries, seriesPrefix, type CandleSeries } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { iso, parseDate, timeframeMs, type Timeframe } from '../core/time.js';
import { findGaps, type GapReport } from './gaps.js';
import { CANDLE_FIELDS, checkCandle, type CandleProblem } from './validate.js';

export const CSV_HEADER = CANDLE_FIELDS.join(',');

export interface SkippedRow {
  line: number;
  field: string;
  value: string;
  reason: string;
}

export interface CsvOptions {
  timeframe: Timeframe;
  /** Keep the valid rows and report the others instead of failing on the first bad row. */
  skipInvalid?: boolean;
}

export interface ParsedCandles {
  series: CandleSeries;
  /** Data rows in the file (the header and blank lines excluded). */
  rows: number;
  /** Rows identical to the row before them, collapsed into one candle. */
  duplicates: number;
  skipped: SkippedRow[];
  gaps: GapReport;
}

/** Reads a candle CSV file; `.gz` files are decompressed on the fly. */
export async function readCandleCsv(file: string, opts: CsvOptions): Promise<ParsedCandles> {
  const input = createReadStream(file);
  const stages: NodeJS.ReadWriteStream[] = file.endsWith('.gz') ? [createGunzip()] : [];
  try {
    return await parseStream(input, stages, file, opts);
  } catch (err) {
    throw asUserError(err, file);
  }
}

/** Parses CSV text or bytes; `name` stands for the file in error messages. */
export async function parseCandleCsv(text: string | Buffer, name: string, opts: CsvOptions): Promise<ParsedCandles> {
  try {
    return await parseStream(Readable.from([text]), [], name, opts);
  } catch (err) {
    throw asUserError(err, name);
  }
}

function asUserError(err: unknown, name: string): unknown {
  if (err instanceof UserError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return new UserError('file not found', name);
  if (e?.code === 'EISDIR') return new UserError('is a directory, not a CSV file', name);
  if (e?.code === 'EACCES') return new UserError('permission denied', name);
  if (e?.code === 'Z_DATA_ERROR' || e?.code === 'Z_BUF_ERROR') return new UserError(`not a valid gzip file (${e.message})`, name);
  if (err instanceof CsvError) {
    const line = (err as CsvError & { lines?: number }).lines;
    return new UserError(`invalid CSV: ${clip(err.message, 300)}`, line ? `${name}:${line}` : name);
  }
  return err;
}

async function parseStream(input: Readable, stages: NodeJS.ReadWriteStream[], name: string, opts: CsvOptions): Promise<ParsedCandles> {
  const tf = opts.timeframe;
  const tfMs = timeframeMs(tf);
  let cols = emptySeries(4096);
  let n = 0;
  let rows = 0;
  let duplicates = 0;
  let header = false;
  let prevLine = 0;
  const skipped: SkippedRow[] = [];

  const reject = (line: number, p: CandleProblem | SkippedRow): void => {
    if (!opts.skipInvalid) throw new UserError(`${p.field} "${clip(p.value)}" ${p.reason}`, `${name}:${line}`);
    skipped.push({ line, field: p.field, value: clip(p.value), reason: p.reason });
  };

  const onRecord = (record: string[], line: number): void => {
    if (!header) {
      const got = record.map((f) => f.trim().toLowerCase()).join(',');
      if (got !== CSV_HEADER) throw new UserError(`header must be "${CSV_HEADER}", found "${clip(record.join(','))}"`, `${name}:${line}`);
      header = true;
      return;
    }
    rows++;
    if (record.length !== 6) {
      const field = CANDLE_FIELDS[Math.min(record.length, 5)]!;
      return reject(line, { field, value: record.join(','), reason: `row has ${record.length} fields, expected 6 (${CSV_HEADER})` });
    }
    const rawTime = record[0]!;
    let t: number;
    try {
      // core parseDate reads "YYYY-MM-DD hh:mm" as local time (Date.parse); a candle file means UTC.
      t = parseDate(rawTime.charCodeAt(4) === 45 ? rawTime.replace(SPACE_DATE, '$1T$2') : rawTime, 'timestamp');
    } catch {
      return reject(line, { field: 'timestamp', value: rawTime, reason: 'is not a timestamp (epoch ms, epoch seconds or ISO-8601)' });
    }
    const o = num(record[1]!);
    const h = num(record[2]!);
    const l = num(record[3]!);
    const c = num(record[4]!);
    const v = num(record[5]!);
    for (let k = 1; k < 6; k++) {
      const x = k === 1 ? o : k === 2 ? h : k === 3 ? l : k === 4 ? c : v;
      if (Number.isNaN(x)) return reject(line, { field: CANDLE_FIELDS[k]!, value: record[k]!, reason: 'is not a number' });
    }
    const problem = checkCandle(t, o, h, l, c, v, tf);
    if (problem) return reject(line, { ...problem, value: problem.field === 'timestamp' ? rawTime : record[CANDLE_FIELDS.indexOf(problem.field)]! });
    if (n > 0) {
      const prev = cols.time[n - 1]!;
      if (t === prev) {
        const i = n - 1;
        if (cols.open[i] === o && cols.high[i] === h && cols.low[i] === l && cols.close[i] === c && cols.volume[i] === v) {
          duplicates++;
          return;
        }
        return reject(line, { field: 'timestamp', value: rawTime, reason: `(${iso(t)}) is also on line ${prevLine} with different values` });
      }
      if (t < prev) {
        return reject(line, { field: 'timestamp', value: rawTime, reason: `(${iso(t)}) comes before ${iso(prev)} on line ${prevLine}; rows must be ascending` });
      }
    }
    if (n === cols.time.length) cols = grow(cols, n * 2);
    cols.time[n] = t;
    cols.open[n] = o;
    cols.high[n] = h;
    cols.low[n] = l;
    cols.close[n] = c;
    cols.volume[n] = v;
    n++;
    cols.length = n;
    prevLine = line;
  };

  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // Records go to onRecord as they are parsed; returning null keeps csv-parse from queueing them.
    on_record: (record: string[], context) => {
      onRecord(record, context.lines);
      return null;
    },
  });
  const sink = new Writable({ objectMode: true, write: (_chunk, _enc, done) => done() });
  const streams: Array<NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream> = [input, ...stages, parser, sink];
  await pipeline(streams);
  if (!header) throw new UserError(`empty file; expected the header "${CSV_HEADER}"`, name);
  const series = n === cols.time.length ? cols : seriesPrefix(cols, n);
  series.length = n;
  return { series, rows, duplicates, skipped, gaps: findGaps(series.time, n, tfMs) };
}

const BLANK = /^\s*$/;
const SPACE_DATE = /^(\d{4}-\d{2}-\d{2}) +(\d)/;

/** A bad value as quoted in an error: at most `max` characters (a 50 MB junk field must not become the message). */
export function clip(value: string, max = 100): string {
  return value.length <= max ? value : `${value.slice(0, max)}… (${value.length.toLocaleString('en-US')} characters)`;
}

/** Number() also reads 0x69, 0b1 and 0o7; a price is written in decimal. */
const NON_DECIMAL = /[xXbBoO]/;

/** A finite decimal field as a number; NaN when empty, not a number, non-decimal or infinite (Number('') would be 0). */
function num(s: string): number {
  const x = Number(s);
  if (!Number.isFinite(x) || NON_DECIMAL.test(s)) return NaN;
  return x === 0 && BLANK.test(s) ? NaN : x;
}

function grow(s: CandleSeries, capacity: number): CandleSeries {
  const next = emptySeries(capacity);
  next.time.set(s.time);
  next.open.set(s.open);
  next.high.set(s.high);
  next.low.set(s.low);
  next.close.set(s.close);
  next.volume.set(s.volume);
  next.length = s.length;
  return next;
}
