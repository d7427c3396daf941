// Downloads candles from an exchange into the cache: paginated fetchOHLCV (ccxt's enableRateLimit spaces
// the requests), resuming after the last cached candle, never storing the still-open candle, validating
// every page like a CSV row and writing each page in its own transaction as it arrives, so a failure keeps
// everything fetched before it. Transient failures are retried with backoff (adapters/exchange/ccxt.ts).
import { emptySeries, type MarketKey } from '../core/candle.js';
import { iso, timeframeMs, type Timeframe } from '../core/time.js';
import type { CandleCache } from '../adapters/store/sqlite/candle-cache.js';
import { retryAfterFrom, withRetry } from '../adapters/exchange/ccxt.js';
import { addGap, emptyGapReport } from './gaps.js';
import { checkCandle } from './validate.js';

/** What download needs from a ccxt exchange (a real ccxt Exchange satisfies it). */
export interface OhlcvSource {
  id?: string;
  /** ccxt keeps the last response's headers here (read for Retry-After). */
  last_response_headers?: unknown;
  loadMarkets?(reload?: boolean): Promise<unknown>;
  fetchOHLCV(symbol: string, timeframe?: string, since?: number, limit?: number): Promise<ArrayLike<number | undefined>[]>;
}

export interface DownloadProgress {
  /** Candles fetched so far, the open time of the newest one, and the range being filled. */
  fetched: number;
  inserted: number;
  time: number;
  from: number;
  to: number;
}

export interface DownloadOptions {
  from: number;
  /** Last open time wanted (inclusive); default: the last closed candle. */
  to?: number;
  /** The current time, for telling closed candles from the open one; default Date.now(). */
  now?: number;
  /** Candles per request; default 1000 (Binance's maximum). */
  limit?: number;
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onProgress?: (p: DownloadProgress) => void;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export interface DownloadReport {
  /** Closed candles received in the requested range. */
  fetched: number;
  inserted: number;
  unchanged: number;
  /** Requests made for candles (retries not counted). */
  pages: number;
  /** Open times of the first and last candle fetched, null when nothing was fetched. */
  first: number | null;
  last: number | null;
  /** Runs of missing candles among the fetched ones and the longest run, in candles. */
  gaps: number;
  missing: number;
  largestGap: number;
  /** The range that was asked for, aligned to the timeframe (to = the last closed candle at most). */
  from: number;
  to: number;
}

const WEEK_OFFSET = 4 * 86_400_000;

function alignDown(t: number, tf: Timeframe): number {
  const ms = timeframeMs(tf);
  const off = tf === '1w' ? WEEK_OFFSET : 0;
  return Math.floor((t - off) / ms) * ms + off;
}

function alignUp(t: number, tf: Timeframe): number {
  const d = alignDown(t, tf);
  return d === t ? t : d + timeframeMs(tf);
}

export async function downloadCandles(
  store: CandleCache,
  exchange: OhlcvSource,
  key: MarketKey,
  opts: DownloadOptions,
): Promise<DownloadReport> {
  const tf = key.timeframe;
  const tfMs = timeframeMs(tf);
  const now = opts.now ?? Date.now();
  const limit = opts.limit ?? 1000;
  const service = exchange.id ?? key.exchange;
  const retry = {
    retries: opts.retries ?? 5,
    baseDelayMs: opts.baseDelayMs,
    maxDelayMs: opts.maxDelayMs,
    service,
    onRetry: opts.onRetry,
    retryAfterMs: retryAfterFrom(exchange),
  };
  const start = alignUp(opts.from, tf);
  // The open candle (open + tf > now) is still changing: the newest one we may store opened one tf before it.
  const lastClosed = alignDown(now, tf) - tfMs;
  const end = Math.min(opts.to === undefined ? lastClosed : alignDown(opts.to, tf), lastClosed);
  const report: DownloadReport = {
    fetched: 0, inserted: 0, unchanged: 0, pages: 0, first: null, last: null, gaps: 0, missing: 0, largestGap: 0, from: start, to: end,
  };
  if (start > end) return report;

  // Fill before the cached range and after it; what lies between is cached already (its holes are the exchange's).
  const first = store.first(key);
  const last = store.last(key);
  const segments: Array<[number, number]> = [];
  if (first === null || last === null || last < start) segments.push([start, end]);
  else {
    if (first > start) segments.push([start, Math.min(end, first - tfMs)]);
    if (last + tfMs <= end) segments.push([Math.max(start, last + tfMs), end]);
  }
  if (segments.length === 0) return report;

  if (exchange.loadMarkets) {
    // ccxt caches a failed loadMarkets promise; a retry must ask for a reload.
    await withRetry((attempt) => exchange.loadMarkets!(attempt > 0), { ...retry, what: 'loading markets' });
  }

  const gaps = emptyGapReport();
  const page = emptySeries(limit);
  for (const [segFrom, segTo] of segments) {
    let since = segFrom;
    let prev = NaN;
    while (since <= segTo) {
      const rows = await withRetry(() => exchange.fetchOHLCV(key.symbol, tf, since, limit), {
        ...retry,
        what: `fetching ${key.symbol} ${tf} candles from ${iso(since)}`,
      });
      report.pages++;
      if (rows.length === 0) break; // no more data: before listing, after delisting, or the exchange lags
      let n = 0;
      let newest = -Infinity;
      for (const r of rows) {
        const t = r[0] as number;
        if (t > newest) newest = t;
        if (!(t >= since && t <= segTo)) continue;
        const o = r[1] as number, h = r[2] as number, l = r[3] as number, c = r[4] as number, v = r[5] as number;
        const problem = checkCandle(t, o, h, l, c, v, tf);
        if (problem) {
          throw new Error(
            `${service} sent an invalid ${key.symbol} ${tf} candle at ${Number.isFinite(t) ? iso(t) : String(t)}: ${problem.field} ${problem.value} ${problem.reason}; candles before it are kept`,
          );
        }
        if (n > 0 && t <= page.time[n - 1]!) {
          throw new Error(`${service} sent ${key.symbol} ${tf} candles out of order at ${iso(t)}; candles before it are kept`);
        }
        if (n === page.time.length) break; // more rows than asked for: the rest comes with the next page
        page.time[n] = t;
        page.open[n] = o;
        page.high[n] = h;
        page.low[n] = l;
        page.close[n] = c;
        page.volume[n] = v;
        n++;
      }
      if (n > 0) {
        page.length = n;
        const written = store.write(key, page);
        report.inserted += written.inserted;
        report.unchanged += written.unchanged;
        report.fetched += n;
        for (let i = 0; i < n; i++) {
          if (!Number.isNaN(prev)) addGap(gaps, prev, page.time[i]!, tfMs);
          prev = page.time[i]!;
        }
        if (report.first === null || page.time[0]! < report.first) report.first = page.time[0]!;
        if (report.last === null || page.time[n - 1]! > report.last) report.last = page.time[n - 1]!;
        opts.onProgress?.({ fetched: report.fetched, inserted: report.inserted, time: page.time[n - 1]!, from: start, to: end });
        since = page.time[n - 1]! + tfMs;
      } else {
        // Nothing usable in this page: move past it, or stop if the exchange did not move forward.
        if (!(newest >= since)) break;
        since = newest + tfMs;
      }
    }
  }
  report.gaps = gaps.gaps;
  report.missing = gaps.missing;
  report.largestGap = gaps.largestGap;
  return report;
}
