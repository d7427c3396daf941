// The real candles shipped in data/ (gzip CSVs, see data/PROVENANCE.md), seeded into the cache on first use
// so a fresh install has history to backtest and replay. Seeding is recorded in candle_sources: once done,
// ensureSeeded is one query and a directory listing, no parsing.
// Parsing them takes seconds, so the build imports them once into a template database (scripts/build-seed.mjs)
// and a new data directory starts as a copy of it: the first start then imports nothing.
import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MarketKey } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { isTimeframe } from '../core/time.js';
import type { CandleCache } from '../adapters/store/sqlite/candle-cache.js';
import { copyColumnFiles } from '../adapters/store/sqlite/candle-columns.js';
import type { ImportReport } from './import.js';

/** Quote currencies recognised when splitting a file name's pair (BTCUSDT → BTC/USDT); longest first. */
const QUOTES = ['USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'USD', 'EUR', 'GBP', 'BTC', 'ETH', 'BNB'];
/** EXCHANGE_PAIR_TIMEFRAME[_suffix].csv[.gz], e.g. binance_BTCUSDT_1m_2025-06.csv.gz */
const FILE_NAME = /^([a-z0-9]+)_([A-Z0-9]+)_([0-9]+[mhdw])(?:_[A-Za-z0-9-]+)?\.csv(?:\.gz)?$/;

export const SHIPPED_SOURCE_PREFIX = 'shipped:';

/**
 * data/ at the package root. Found by walking up from this module to the directory with package.json, so
 * it works from src/data/seed.ts (tsx) and from dist/src/data/seed.js (tsc output mirrors the repo).
 */
export function shippedDataDir(): string {
  return join(packageRoot(), 'data');
}

/** tradetui's own folder (package.json, data/, models/), whether run from dist/ or from the sources. */
export function packageRoot(): string {
  let dir = import.meta.dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'data'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`shipped candle directory data/ not found above ${import.meta.dirname}`);
    dir = up;
  }
}

/** The cache key a shipped (or similarly named) file belongs to, or null when the name does not say. */
export function keyFromFileName(name: string): MarketKey | null {
  const m = FILE_NAME.exec(name);
  if (!m) return null;
  const [, exchange, pair, timeframe] = m;
  if (!isTimeframe(timeframe!)) return null;
  const quote = QUOTES.find((q) => pair!.endsWith(q) && pair!.length > q.length);
  if (!quote) return null;
  return { exchange: exchange!, symbol: `${pair!.slice(0, -quote.length)}/${quote}`, timeframe };
}

export interface ShippedFile {
  file: string;
  name: string;
  key: MarketKey;
}

export function shippedFiles(dir = shippedDataDir()): ShippedFile[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const key = keyFromFileName(name);
      return key ? [{ file: join(dir, name), name, key }] : [];
    });
}

export interface SeedReport {
  /** Files imported by this call (empty when everything was seeded before). */
  imported: ImportReport[];
  /** Files that could not be imported, e.g. because the cache holds other values for the same candles. */
  failed: Array<{ file: string; error: string }>;
}

export interface SeedOptions {
  dir?: string;
  /** Called before each file is imported (for a "seeding…" message). */
  onFile?: (file: ShippedFile) => void;
}

/** Imports every shipped file not yet recorded in the cache's sources. Idempotent. */
export async function ensureSeeded(store: CandleCache, opts: SeedOptions = {}): Promise<SeedReport> {
  const files = shippedFiles(opts.dir);
  const done = new Set(store.sources().map((s) => `${s.exchange}:${s.symbol}:${s.timeframe}:${s.source}`));
  const report: SeedReport = { imported: [], failed: [] };
  for (const f of files) {
    const source = SHIPPED_SOURCE_PREFIX + f.name;
    if (done.has(`${f.key.exchange}:${f.key.symbol}:${f.key.timeframe}:${source}`)) continue;
    opts.onFile?.(f);
    // The CSV reader (csv-parse, gunzip streams) loads only when a file is to be imported: a data directory made
    // from the seeded template imports nothing, and the engine's start is on the way to the TUI's first frame.
    const { importCsv } = await import('./import.js');
    try {
      report.imported.push(await importCsv(store, f.file, f.key, { source }));
    } catch (err) {
      // The user's own candles win over the shipped ones; seeding the rest must not fail because of one file.
      if (!(err instanceof UserError)) throw err;
      report.failed.push({ file: f.file, error: err.toString() });
    }
  }
  return report;
}

/**
 * The template database the build writes: every migration of that build applied, and the candle cache
 * holding every shipped file, recorded in candle_sources as ensureSeeded would; the large markets' column files
 * (candle-columns.ts) beside it.
 */
export function seedTemplateFile(): string {
  return join(packageRoot(), 'dist', 'seed', 'tradetui.db');
}

/**
 * Gives a new data directory its first database as a copy of the seeded template. Only when there is no
 * database at all (nor a WAL that could hold one); an existing file, however small, is never replaced.
 * Returns whether it copied. Without a template (sources run before a build) seeding imports the CSVs.
 */
export function createFromTemplate(dbFile: string, template = seedTemplateFile()): boolean {
  if (existsSync(dbFile) || existsSync(`${dbFile}-wal`) || !existsSync(template)) return false;
  mkdirSync(dirname(dbFile), { recursive: true });
  try {
    // COPYFILE_EXCL: of two processes starting at once, one copies and the other opens the copy.
    copyFileSync(template, dbFile, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  chmodSync(dbFile, 0o600);
  // The template's column files too: the replay's first read of a large market's history is then one file read.
  copyColumnFiles(template, dbFile);
  return true;
}
