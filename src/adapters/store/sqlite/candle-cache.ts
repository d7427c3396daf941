// The SQLite candle cache (CandleStore over migration 1's candle_chunks). Each row holds up to 4096
// consecutive timeframe slots of one market as a packed little-endian Float64 blob of rows
// [time, open, high, low, close, volume], ascending. A read is one query whose blobs are decoded straight
// into a preallocated CandleSeries: a year of 1m candles is ~130 blobs, not 525,600 SQLite rows.
// Each chunk also carries its internal gaps (migration 3), so listing the cache reads no blobs.
// Large reads of a large market come from a column file beside the database (candle-columns.ts), which
// SQLite's triggers invalidate whenever the market's chunks change.
import { endianness } from 'node:os';
import { emptySeries, seriesPrefix, seriesSlice, type CandleSeries, type MarketKey } from '../../../core/candle.js';
import { timeframeMs, type Timeframe } from '../../../core/time.js';
import type { CandleWriteResult, MarketSummary } from '../../../engine/ports.js';
import type { Db } from './db.js';
import { checkWriteOrder, conflictError, type CandleCache, type CandleSource } from '../candle-cache-contract.js';
import { CandleColumnFiles, type CandleReadSource } from './candle-columns.js';

export type { CandleCache, CandleSource } from '../candle-cache-contract.js';

/** Timeframe slots per chunk row. */
export const CHUNK_CANDLES = 4096;
const FIELDS = 6;
/** Weekly candles open on Monday 00:00 UTC, four days after the epoch (see core/time.ts isAligned). */
const WEEK_OFFSET = 4 * 86_400_000;
/** Beyond any Date: stands for an open range in SQL. */
const FAR = 8.64e15;
const LITTLE_ENDIAN = endianness() === 'LE';


/** Open time of the chunk holding `time`: chunks are CHUNK_CANDLES slots, weekly ones Monday-aligned. */
export function chunkStart(time: number, timeframe: Timeframe): number {
  const span = timeframeMs(timeframe) * CHUNK_CANDLES;
  const offset = timeframe === '1w' ? WEEK_OFFSET : 0;
  return Math.floor((time - offset) / span) * span + offset;
}



type ChunkRow = [data: Buffer, count: number, firstTime: number, lastTime: number];

export class SqliteCandleStore implements CandleCache {
  private readonly readStmt;
  private readonly chunkStmt;
  private readonly upsertStmt;
  private readonly lastStmt;
  private readonly firstStmt;
  private readonly listStmt;
  private readonly unsummarisedStmt;
  private readonly summariseStmt;
  private readonly marketsStmt;
  private readonly recordStmt;
  private readonly sourcesStmt;
  private readonly sourcesOfStmt;
  /** Aligned scratch for blobs whose Buffer does not start on an 8-byte boundary. */
  private scratch = new Float64Array(CHUNK_CANDLES * FIELDS);
  private readonly columns: CandleColumnFiles | null;
  /** Where the last read() found its candles. */
  lastReadSource: CandleReadSource = 'sqlite';

  constructor(private readonly db: Db) {
    this.columns = CandleColumnFiles.for(db, LITTLE_ENDIAN);
    this.readStmt = db
      .prepare(
        `SELECT data, count, first_time, last_time FROM candle_chunks
         WHERE exchange = ? AND symbol = ? AND timeframe = ? AND chunk_start >= ? AND chunk_start <= ?
           AND last_time >= ? AND first_time <= ?
         ORDER BY chunk_start`,
      )
      .raw(true);
    this.chunkStmt = db
      .prepare('SELECT data, count FROM candle_chunks WHERE exchange = ? AND symbol = ? AND timeframe = ? AND chunk_start = ?')
      .raw(true);
    this.upsertStmt = db.prepare(
      `INSERT OR REPLACE INTO candle_chunks (exchange, symbol, timeframe, chunk_start, first_time, last_time, count, data, gaps, largest_gap)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Chunks hold disjoint, ordered spans: the first and last chunk by key hold the first and last candle. One row
    // each, where MIN/MAX over the market visited every chunk's record (~0.1 s on a year of 1m candles).
    this.lastStmt = db.prepare('SELECT last_time FROM candle_chunks WHERE exchange = ? AND symbol = ? AND timeframe = ? ORDER BY chunk_start DESC LIMIT 1').pluck();
    this.firstStmt = db.prepare('SELECT first_time FROM candle_chunks WHERE exchange = ? AND symbol = ? AND timeframe = ? ORDER BY chunk_start LIMIT 1').pluck();
    this.listStmt = db
      .prepare(
        `SELECT exchange, symbol, timeframe, count, first_time, last_time, gaps, largest_gap FROM candle_chunks
         ORDER BY exchange, symbol, timeframe, chunk_start`,
      )
      .raw(true);
    this.unsummarisedStmt = db
      .prepare('SELECT exchange, symbol, timeframe, chunk_start, count, data FROM candle_chunks WHERE gaps IS NULL')
      .raw(true);
    this.summariseStmt = db.prepare(
      'UPDATE candle_chunks SET gaps = ?, largest_gap = ? WHERE exchange = ? AND symbol = ? AND timeframe = ? AND chunk_start = ?',
    );
    this.marketsStmt = db.prepare('SELECT DISTINCT exchange, symbol, timeframe FROM candle_chunks ORDER BY exchange, symbol, timeframe').raw();
    this.recordStmt = db.prepare(
      'INSERT OR REPLACE INTO candle_sources (exchange, symbol, timeframe, source, imported_at, rows) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.sourcesStmt = db.prepare(
      'SELECT exchange, symbol, timeframe, source, imported_at AS importedAt, rows FROM candle_sources ORDER BY exchange, symbol, timeframe, source',
    );
    this.sourcesOfStmt = db.prepare(
      `SELECT exchange, symbol, timeframe, source, imported_at AS importedAt, rows FROM candle_sources
       WHERE exchange = ? AND symbol = ? AND timeframe = ? ORDER BY source`,
    );
  }

  read(key: MarketKey, from = -FAR, to = FAR): CandleSeries {
    const lo = Math.max(from, -FAR);
    const hi = Math.min(to, FAR);
    this.lastReadSource = 'sqlite';
    if (!(lo <= hi)) return emptySeries(0);
    // The version first, the candles after: see candle-columns.ts.
    const version = this.columns?.version(key) ?? null;
    if (version === null) return this.readChunks(key, lo, hi);
    const cached = this.columns!.read(key, version, lo, hi);
    if (cached) {
      this.lastReadSource = 'columns';
      return cached;
    }
    if (!this.columns!.worthWriting(key, lo, hi, timeframeMs(key.timeframe))) return this.readChunks(key, lo, hi);
    const all = this.readChunks(key, -FAR, FAR);
    this.columns!.write(key, version, all);
    this.lastReadSource = 'sqlite+columns-written';
    const start = lowerTime(all.time, all.length, lo);
    return seriesSlice(all, start, lowerTime(all.time, all.length, hi + 1));
  }

  /** Candles with lo <= time <= hi from the chunk rows. */
  private readChunks(key: MarketKey, lo: number, hi: number): CandleSeries {
    const rows = this.readStmt.all(
      key.exchange,
      key.symbol,
      key.timeframe,
      chunkStart(lo, key.timeframe),
      hi,
      lo,
      hi,
    ) as ChunkRow[];
    let capacity = 0;
    for (const r of rows) capacity += r[1];
    const out = emptySeries(capacity);
    const { time, open, high, low, close, volume } = out;
    let n = 0;
    for (const [data, count, firstTime, lastTime] of rows) {
      const f = this.floats(data, count);
      const start = firstTime < lo ? searchRow(f, count, lo) : 0;
      const end = lastTime > hi ? searchRow(f, count, hi + 1) : count;
      for (let i = start, k = start * FIELDS; i < end; i++, k += FIELDS, n++) {
        time[n] = f[k]!;
        open[n] = f[k + 1]!;
        high[n] = f[k + 2]!;
        low[n] = f[k + 3]!;
        close[n] = f[k + 4]!;
        volume[n] = f[k + 5]!;
      }
    }
    out.length = n;
    return n === capacity ? out : seriesPrefix(out, n);
  }

  write(key: MarketKey, c: CandleSeries): CandleWriteResult {
    checkWriteOrder(key, c);
    return this.transaction(() => {
      const span = timeframeMs(key.timeframe) * CHUNK_CANDLES;
      let inserted = 0;
      let unchanged = 0;
      let i = 0;
      while (i < c.length) {
        const cs = chunkStart(c.time[i]!, key.timeframe);
        let j = i;
        while (j < c.length && c.time[j]! < cs + span) j++;
        const existing = this.chunkStmt.get(key.exchange, key.symbol, key.timeframe, cs) as [Buffer, number] | undefined;
        const oldCount = existing ? existing[1] : 0;
        // Copy the cached rows: the merge below writes into a fresh array, which the scratch view must not alias.
        const old = existing ? this.floats(existing[0], oldCount).slice(0, oldCount * FIELDS) : new Float64Array(0);
        const merged = new Float64Array((oldCount + (j - i)) * FIELDS);
        let a = 0;
        let m = 0;
        let added = 0;
        for (let b = i; b < j; b++) {
          const t = c.time[b]!;
          while (a < oldCount && old[a * FIELDS]! < t) {
            merged.set(old.subarray(a * FIELDS, a * FIELDS + FIELDS), m * FIELDS);
            a++;
            m++;
          }
          if (a < oldCount && old[a * FIELDS] === t) {
            const k = a * FIELDS;
            if (old[k + 1] !== c.open[b] || old[k + 2] !== c.high[b] || old[k + 3] !== c.low[b] || old[k + 4] !== c.close[b] || old[k + 5] !== c.volume[b]) {
              throw conflictError(key, t, old.subarray(k + 1, k + FIELDS), [c.open[b]!, c.high[b]!, c.low[b]!, c.close[b]!, c.volume[b]!]);
            }
            merged.set(old.subarray(k, k + FIELDS), m * FIELDS);
            a++;
            m++;
            unchanged++;
            continue;
          }
          const k = m * FIELDS;
          merged[k] = t;
          merged[k + 1] = c.open[b]!;
          merged[k + 2] = c.high[b]!;
          merged[k + 3] = c.low[b]!;
          merged[k + 4] = c.close[b]!;
          merged[k + 5] = c.volume[b]!;
          m++;
          added++;
        }
        if (a < oldCount) {
          merged.set(old.subarray(a * FIELDS, oldCount * FIELDS), m * FIELDS);
          m += oldCount - a;
        }
        if (added > 0) {
          const rows = merged.subarray(0, m * FIELDS);
          const g = chunkGaps(rows, m, timeframeMs(key.timeframe));
          this.upsertStmt.run(key.exchange, key.symbol, key.timeframe, cs, rows[0], rows[(m - 1) * FIELDS], m, toBlob(rows), g.gaps, g.largest);
          inserted += added;
        }
        i = j;
      }
      return { inserted, unchanged };
    });
  }

  last(key: MarketKey): number | null {
    return (this.lastStmt.get(key.exchange, key.symbol, key.timeframe) as number | null) ?? null;
  }

  first(key: MarketKey): number | null {
    return (this.firstStmt.get(key.exchange, key.symbol, key.timeframe) as number | null) ?? null;
  }

  /** One row per market from the chunks' summaries: gaps inside chunks are stored, gaps between them derived. */
  list(): MarketSummary[] {
    this.summariseOldChunks();
    const out: MarketSummary[] = [];
    let cur: MarketSummary | undefined;
    let tfMs = 0;
    type Row = [string, string, Timeframe, number, number, number, number, number];
    for (const [exchange, symbol, timeframe, count, firstTime, lastTime, gaps, largest] of this.listStmt.iterate() as IterableIterator<Row>) {
      if (!cur || cur.exchange !== exchange || cur.symbol !== symbol || cur.timeframe !== timeframe) {
        cur = { exchange, symbol, timeframe, first: firstTime, last: firstTime, count: 0, gaps: 0, largestGap: 0 };
        out.push(cur);
        tfMs = timeframeMs(timeframe);
      }
      const between = Math.round((firstTime - cur.last) / tfMs) - 1;
      if (between > 0) {
        cur.gaps++;
        cur.largestGap = Math.max(cur.largestGap, between);
      }
      cur.gaps += gaps;
      cur.largestGap = Math.max(cur.largestGap, largest);
      cur.count += count;
      cur.last = lastTime;
    }
    return out;
  }

  /** Chunks written before migration 3 get their gap summary once, in one transaction. */
  private summariseOldChunks(): void {
    const old = this.unsummarisedStmt.all() as Array<[string, string, Timeframe, number, number, Buffer]>;
    if (old.length === 0) return;
    this.transaction(() => {
      for (const [exchange, symbol, timeframe, start, count, data] of old) {
        const g = chunkGaps(this.floats(data, count), count, timeframeMs(timeframe));
        this.summariseStmt.run(g.gaps, g.largest, exchange, symbol, timeframe, start);
      }
    });
  }

  markets(): MarketKey[] {
    return (this.marketsStmt.all() as Array<[string, string, Timeframe]>).map(([exchange, symbol, timeframe]) => ({ exchange, symbol, timeframe }));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  recordSource(key: MarketKey, source: string, rows: number, at = Date.now()): void {
    this.recordStmt.run(key.exchange, key.symbol, key.timeframe, source, at, rows);
  }

  sources(key?: MarketKey): CandleSource[] {
    return (key ? this.sourcesOfStmt.all(key.exchange, key.symbol, key.timeframe) : this.sourcesStmt.all()) as CandleSource[];
  }

  /** The blob as Float64 rows: a view when the Buffer is aligned, else a copy into the scratch array. */
  private floats(data: Buffer, count: number): Float64Array {
    const len = count * FIELDS;
    if (data.byteLength !== len * 8) throw new Error(`corrupt candle chunk: ${data.byteLength} bytes for ${count} candles`);
    if (!LITTLE_ENDIAN) {
      const f = new Float64Array(len);
      for (let i = 0; i < len; i++) f[i] = data.readDoubleLE(i * 8);
      return f;
    }
    if (data.byteOffset % 8 === 0) return new Float64Array(data.buffer, data.byteOffset, len);
    if (this.scratch.length < len) this.scratch = new Float64Array(len);
    new Uint8Array(this.scratch.buffer, 0, len * 8).set(data);
    return this.scratch;
  }
}

/** Runs of missing slots between the rows of one chunk, and the longest run in slots. */
function chunkGaps(rows: Float64Array, count: number, tfMs: number): { gaps: number; largest: number } {
  let gaps = 0;
  let largest = 0;
  for (let i = 1; i < count; i++) {
    const missing = Math.round((rows[i * FIELDS]! - rows[(i - 1) * FIELDS]!) / tfMs) - 1;
    if (missing > 0) {
      gaps++;
      if (missing > largest) largest = missing;
    }
  }
  return { gaps, largest };
}

/** Index of the first of `n` times >= t. */
function lowerTime(time: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first row with time >= t. */
function searchRow(f: Float64Array, count: number, t: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (f[mid * FIELDS]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function toBlob(rows: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength);
  const buf = Buffer.allocUnsafe(rows.byteLength);
  for (let i = 0; i < rows.length; i++) buf.writeDoubleLE(rows[i]!, i * 8);
  return buf;
}
