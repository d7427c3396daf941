// An in-memory candle cache with the same behaviour as the SQLite one (same shared test suite): for tests,
// backtests over generated candles and anything that must not touch the disk.
import { emptySeries, marketKeyString, seriesSlice, lowerBound, type CandleSeries, type MarketKey } from '../../../core/candle.js';
import { timeframeMs } from '../../../core/time.js';
import type { CandleWriteResult, MarketSummary } from '../../../engine/ports.js';
import { checkWriteOrder, conflictError, type CandleCache, type CandleSource } from '../candle-cache-contract.js';

interface Market {
  key: MarketKey;
  series: CandleSeries;
}

export class MemoryCandleStore implements CandleCache {
  private byKey = new Map<string, Market>();
  private sourceLog = new Map<string, CandleSource>();
  /** Nesting depth of transaction(): only the outermost call snapshots and restores. */
  private txDepth = 0;

  read(key: MarketKey, from?: number, to?: number): CandleSeries {
    const m = this.byKey.get(marketKeyString(key));
    if (!m) return emptySeries(0);
    const s = m.series;
    const start = from === undefined ? 0 : lowerBound(s, from);
    const end = to === undefined ? s.length : lowerBound(s, to + 1);
    if (end <= start) return emptySeries(0);
    // A copy, as the SQLite store returns: callers may keep or mutate it without touching the cache.
    const view = seriesSlice(s, start, end);
    return {
      length: view.length,
      time: view.time.slice(),
      open: view.open.slice(),
      high: view.high.slice(),
      low: view.low.slice(),
      close: view.close.slice(),
      volume: view.volume.slice(),
    };
  }

  write(key: MarketKey, c: CandleSeries): CandleWriteResult {
    checkWriteOrder(key, c);
    const id = marketKeyString(key);
    const old = this.byKey.get(id)?.series ?? emptySeries(0);
    const merged = emptySeries(old.length + c.length);
    let a = 0;
    let m = 0;
    let inserted = 0;
    let unchanged = 0;
    const copyOld = () => {
      merged.time[m] = old.time[a]!;
      merged.open[m] = old.open[a]!;
      merged.high[m] = old.high[a]!;
      merged.low[m] = old.low[a]!;
      merged.close[m] = old.close[a]!;
      merged.volume[m] = old.volume[a]!;
      a++;
      m++;
    };
    for (let b = 0; b < c.length; b++) {
      const t = c.time[b]!;
      while (a < old.length && old.time[a]! < t) copyOld();
      if (a < old.length && old.time[a] === t) {
        if (old.open[a] !== c.open[b] || old.high[a] !== c.high[b] || old.low[a] !== c.low[b] || old.close[a] !== c.close[b] || old.volume[a] !== c.volume[b]) {
          throw conflictError(
            key,
            t,
            [old.open[a]!, old.high[a]!, old.low[a]!, old.close[a]!, old.volume[a]!],
            [c.open[b]!, c.high[b]!, c.low[b]!, c.close[b]!, c.volume[b]!],
          );
        }
        copyOld();
        unchanged++;
        continue;
      }
      merged.time[m] = t;
      merged.open[m] = c.open[b]!;
      merged.high[m] = c.high[b]!;
      merged.low[m] = c.low[b]!;
      merged.close[m] = c.close[b]!;
      merged.volume[m] = c.volume[b]!;
      m++;
      inserted++;
    }
    while (a < old.length) copyOld();
    merged.length = m;
    // Only replace after the whole batch passed: a conflict leaves the market as it was.
    if (inserted > 0) this.byKey.set(id, { key: { ...key }, series: merged });
    return { inserted, unchanged };
  }

  last(key: MarketKey): number | null {
    const s = this.byKey.get(marketKeyString(key))?.series;
    return s && s.length > 0 ? s.time[s.length - 1]! : null;
  }

  first(key: MarketKey): number | null {
    const s = this.byKey.get(marketKeyString(key))?.series;
    return s && s.length > 0 ? s.time[0]! : null;
  }

  markets(): MarketKey[] {
    const keys = [...this.byKey.values()].filter((m) => m.series.length > 0).map((m) => ({ ...m.key }));
    return keys.sort((x, y) => cmp(x.exchange, y.exchange) || cmp(x.symbol, y.symbol) || cmp(x.timeframe, y.timeframe));
  }

  list(): MarketSummary[] {
    const out: MarketSummary[] = [];
    for (const { key, series: s } of this.byKey.values()) {
      if (s.length === 0) continue;
      const tf = timeframeMs(key.timeframe);
      let gaps = 0;
      let largestGap = 0;
      for (let i = 1; i < s.length; i++) {
        const missing = Math.round((s.time[i]! - s.time[i - 1]!) / tf) - 1;
        if (missing > 0) {
          gaps++;
          if (missing > largestGap) largestGap = missing;
        }
      }
      out.push({ ...key, first: s.time[0]!, last: s.time[s.length - 1]!, count: s.length, gaps, largestGap });
    }
    return out.sort((x, y) => cmp(x.exchange, y.exchange) || cmp(x.symbol, y.symbol) || cmp(x.timeframe, y.timeframe));
  }

  transaction<T>(fn: () => T): T {
    if (this.txDepth > 0) return fn();
    // Snapshot the maps (series are replaced, never mutated in place, so a shallow copy is enough).
    const markets = new Map(this.byKey);
    const sources = new Map(this.sourceLog);
    this.txDepth++;
    try {
      return fn();
    } catch (err) {
      this.byKey = markets;
      this.sourceLog = sources;
      throw err;
    } finally {
      this.txDepth--;
    }
  }

  recordSource(key: MarketKey, source: string, rows: number, at = Date.now()): void {
    this.sourceLog.set(`${marketKeyString(key)}\u0000${source}`, {
      exchange: key.exchange,
      symbol: key.symbol,
      timeframe: key.timeframe,
      source,
      importedAt: at,
      rows,
    });
  }

  sources(key?: MarketKey): CandleSource[] {
    const all = [...this.sourceLog.values()].filter(
      (s) => !key || (s.exchange === key.exchange && s.symbol === key.symbol && s.timeframe === key.timeframe),
    );
    return all.sort(
      (x, y) => cmp(x.exchange, y.exchange) || cmp(x.symbol, y.symbol) || cmp(x.timeframe, y.timeframe) || cmp(x.source, y.source),
    );
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
