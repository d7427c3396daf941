// A column file per market beside the database: its candles as six contiguous little-endian Float64 columns
// (time, open, high, low, close, volume), read straight into the series' memory. A year of 1m candles out of
// SQLite costs ~0.3 s of CPU (blobs copied through SQLite's page cache, then into fresh Buffers, then
// de-interleaved); the same candles from this file are one read per column.
//
// SQLite stays the source of truth. Triggers (migration 76) give a market a new random version whenever one
// of its chunk rows is inserted, updated or deleted, by any writer. A file is used only when the version in
// its header is the market's current one, so a file written from other candles is never read; a missing,
// short or foreign file is ignored. The version is read before the candles a file is written from: a change
// between the two only makes the file stale at once, never wrong.
import { chmodSync, closeSync, copyFileSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CandleSeries, MarketKey } from '../../../core/candle.js';
import type { Db } from './db.js';

const MAGIC = 'TTCOLS01';
const HEADER = 64;
const VERSION_AT = 8;
const VERSION_LENGTH = 16;
const COUNT_AT = 24;
const FIELDS = 6;

/** Markets smaller than this read fast enough from SQLite; no file is written for them. */
export const MIN_COLUMN_CANDLES = 50_000;

/** Where a series came from (tests and the bench check that the file path is taken). */
export type CandleReadSource = 'sqlite' | 'columns' | 'sqlite+columns-written';

export class CandleColumnFiles {
  private readonly versionStmt;
  private readonly countStmt;
  private readonly header = Buffer.alloc(HEADER);
  private readonly one = new Float64Array(1);
  private readonly oneBytes = new Uint8Array(this.one.buffer);

  private constructor(
    db: Db,
    private readonly dir: string,
    private readonly prefix: string,
  ) {
    this.versionStmt = db.prepare('SELECT version FROM candle_versions WHERE exchange = ? AND symbol = ? AND timeframe = ?').pluck();
    this.countStmt = db.prepare('SELECT SUM(count) FROM candle_chunks WHERE exchange = ? AND symbol = ? AND timeframe = ?').pluck();
  }

  /** Column files for a database on disk (none for an in-memory one, nor on big-endian machines). */
  static for(db: Db, littleEndian: boolean): CandleColumnFiles | null {
    const file = db.name;
    if (!littleEndian || !file || file === ':memory:' || db.memory) return null;
    // A database opened without migration 76 (a test's own schema) has no versions: SQLite only.
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'candle_versions'").get()) return null;
    return new CandleColumnFiles(db, join(dirname(file), 'candle-columns'), basename(file));
  }

  /** The market's current version, or null (no chunk was ever written for it). Read it before the candles. */
  version(key: MarketKey): string | null {
    return (this.versionStmt.get(key.exchange, key.symbol, key.timeframe) as string | undefined) ?? null;
  }

  /** Whether a read of [lo, hi] is worth writing the whole market's file for: a large market, and a large part of it. */
  worthWriting(key: MarketKey, lo: number, hi: number, timeframeMs: number): boolean {
    const total = (this.countStmt.get(key.exchange, key.symbol, key.timeframe) as number | null) ?? 0;
    return total >= MIN_COLUMN_CANDLES && (hi - lo) / timeframeMs >= total / 4;
  }

  /** Candles with lo <= time <= hi from the market's file at `version`, or null when there is no such file. */
  read(key: MarketKey, version: string, lo: number, hi: number): CandleSeries | null {
    let fd: number;
    try {
      fd = openSync(this.path(key), 'r');
    } catch {
      return null;
    }
    try {
      return this.readOpen(fd, version, lo, hi);
    } catch {
      // Damaged or cut short under us: SQLite answers instead.
      return null;
    } finally {
      closeSync(fd);
    }
  }

  private readOpen(fd: number, version: string, lo: number, hi: number): CandleSeries | null {
    const size = fstatSync(fd).size;
    if (size < HEADER || !readFully(fd, this.header, 0)) return null;
    if (this.header.toString('latin1', 0, VERSION_AT) !== MAGIC) return null;
    if (this.header.toString('latin1', VERSION_AT, VERSION_AT + VERSION_LENGTH) !== version) return null;
    const count = this.header.readDoubleLE(COUNT_AT);
    if (!Number.isInteger(count) || count < 0 || size !== HEADER + FIELDS * 8 * count) return null;
    const start = this.lowerBound(fd, count, lo);
    const n = Math.max(0, this.lowerBound(fd, count, hi + 1) - start);
    // One allocation, each column read straight into its part of it.
    const memory = new ArrayBuffer(FIELDS * 8 * n);
    const columns: Float64Array[] = [];
    for (let f = 0; f < FIELDS; f++) {
      if (!readFully(fd, new Uint8Array(memory, f * 8 * n, 8 * n), HEADER + 8 * (f * count + start))) return null;
      columns.push(new Float64Array(memory, f * 8 * n, n));
    }
    const [time, open, high, low, close, volume] = columns as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    return { length: n, time, open, high, low, close, volume };
  }

  /**
   * Writes the market's whole series `all` (read after `version`) as its file. A file that cannot be written
   * is no error: SQLite holds the candles, and the next large read tries again.
   */
  write(key: MarketKey, version: string, all: CandleSeries): void {
    const file = this.path(key);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const header = Buffer.alloc(HEADER);
      header.write(MAGIC, 0, 'latin1');
      header.write(version, VERSION_AT, 'latin1');
      header.writeDoubleLE(all.length, COUNT_AT);
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, header);
        for (const column of [all.time, all.open, all.high, all.low, all.close, all.volume]) {
          writeSync(fd, new Uint8Array(column.buffer, column.byteOffset, all.length * 8));
        }
      } finally {
        closeSync(fd);
      }
      // Readers hold the old file open or see the new one whole.
      renameSync(tmp, file);
    } catch {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // A folder we may not write to: nothing was left in it either.
      }
    }
  }

  private path(key: MarketKey): string {
    return join(this.dir, `${part(this.prefix)}~${part(key.exchange)}~${part(key.symbol)}~${part(key.timeframe)}.f64`);
  }

  /** Index of the first candle with time >= t, by reading single times from the file's time column. */
  private lowerBound(fd: number, count: number, t: number): number {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (!readFully(fd, this.oneBytes, HEADER + 8 * mid)) throw new Error('candle column file shrank while read');
      if (this.one[0]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Fills `into` from the file at `position`; false if the file ends first. */
function readFully(fd: number, into: Uint8Array, position: number): boolean {
  let done = 0;
  while (done < into.length) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got === 0) return false;
    done += got;
  }
  return true;
}

/** A file name part: readable and one-to-one (encodeURIComponent leaves no '/'; '~' is kept by it, so it is escaped by hand). */
function part(x: string): string {
  return encodeURIComponent(x).replaceAll('~', '%7E');
}

/**
 * Gives database file `to`, a byte copy of `from` (a new data directory's copy of the seeded template), the column
 * files of `from`: the same candles under the same versions, so its first large reads skip SQLite's chunk blobs.
 * Best effort, like writing them: a file that cannot be copied is written again by the next large read.
 */
export function copyColumnFiles(from: string, to: string): void {
  const fromPrefix = `${part(basename(from))}~`;
  const toDir = join(dirname(to), 'candle-columns');
  try {
    const names = readdirSync(join(dirname(from), 'candle-columns')).filter((n) => n.startsWith(fromPrefix) && n.endsWith('.f64'));
    if (names.length > 0) mkdirSync(toDir, { recursive: true, mode: 0o700 });
    for (const name of names) {
      const target = join(toDir, `${part(basename(to))}~${name.slice(fromPrefix.length)}`);
      copyFileSync(join(dirname(from), 'candle-columns', name), target);
      chmodSync(target, 0o600);
    }
  } catch {
    // no column files beside `from`, or none could be copied: SQLite holds the candles
  }
}
