// Replays cached candles as if they were arriving live, at `speed` candles per second, for paper trading
// with no network. Every market replays on ONE timeline: the replay clock is the close time of the last
// delivered candle (a candle is known once it has closed), markets are merged by close time, and a market
// that joins later — a new instance on another symbol or timeframe, running or stopped — starts at the
// current replay time, its earlier candles being its warm-up history. The clock never goes back: after a
// restart it resumes where the furthest market stood.
import { lowerBound, seriesSlice, type CandleSeries, type MarketKey } from '../../core/candle.js';
import { marketKeyString } from '../../core/candle.js';
import { iso, timeframeMs } from '../../core/time.js';
import type { CandleStore, FeedSink, MarketFeed } from '../../engine/ports.js';

export interface ReplayOptions {
  /** Candles per second. */
  speed: number;
  /** First replayed candle time for every market; default: `span` candles before each market's end. */
  from?: number;
  /** Candles replayed when `from` is not given. */
  span?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface Track {
  key: MarketKey;
  series: CandleSeries;
  next: number;
  /** The timeframe in ms: a candle's close time is its open time plus this. */
  tf: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ReplayFeed implements MarketFeed {
  private readonly tracks = new Map<string, Track>();
  private readonly resume = new Map<string, number>();
  /** Each market's cached candles, read once (startOf, watch and history all need them). */
  private readonly cached = new Map<string, CandleSeries>();
  /** Replay time: close time of the last delivered candle (or the timeline's start); null before any market. */
  private now: number | null;
  private stopped = false;
  private wake: (() => void) | null = null;
  speed: number;

  constructor(
    private readonly store: CandleStore,
    private readonly opts: ReplayOptions,
  ) {
    this.speed = opts.speed;
    this.now = opts.from ?? null;
  }

  /** The replay clock (ms): everything that closed by then has happened. Null before the first market. */
  get clock(): number | null {
    return this.now;
  }

  get label(): string {
    return `REPLAY ${this.speed}/s`;
  }

  /** Each market's cached candles, read once. */
  private all(key: MarketKey): CandleSeries {
    const id = marketKeyString(key);
    let s = this.cached.get(id);
    if (!s) this.cached.set(id, (s = this.store.read(key)));
    return s;
  }

  /** Where a fresh replay starts for this market: `from`, else `span` candles before its last one. */
  startOf(key: MarketKey): number {
    const all = this.all(key);
    if (all.length === 0) throw new Error(`no cached candles for ${marketKeyString(key)}`);
    if (this.opts.from !== undefined) {
      const i = lowerBound(all, this.opts.from);
      if (i >= all.length) throw new Error(`no cached candles for ${marketKeyString(key)} after ${iso(this.opts.from)}`);
      return all.time[i]!;
    }
    return all.time[Math.max(0, all.length - (this.opts.span ?? 2000))]!;
  }

  /** After a restart: deliver only candles after `time` (the market's last delivered open time). */
  resumeAfter(key: MarketKey, time: number): void {
    this.resume.set(marketKeyString(key), time);
    this.advance(time + timeframeMs(key.timeframe));
  }

  /**
   * Index of this market's first candle to deliver: the first that closes after the replay clock, and after
   * its restart point. The first market of a fresh replay (no `from`) fixes the timeline's start.
   */
  private startIndex(key: MarketKey): number {
    const all = this.all(key);
    const after = this.resume.get(marketKeyString(key));
    let start = after !== undefined ? lowerBound(all, after + 1) : 0;
    if (this.now === null && after === undefined) {
      this.now = this.startOf(key);
    }
    if (this.now !== null) start = Math.max(start, lowerBound(all, this.now - timeframeMs(key.timeframe) + 1));
    return start;
  }

  watch(key: MarketKey): void {
    const id = marketKeyString(key);
    if (this.tracks.has(id)) return;
    const all = this.all(key);
    const start = this.startIndex(key);
    this.tracks.set(id, { key, series: seriesSlice(all, start, all.length), next: 0, tf: timeframeMs(key.timeframe) });
    this.wake?.();
  }

  unwatch(key: MarketKey): void {
    this.tracks.delete(marketKeyString(key));
  }

  /** The market's candles that closed by the replay time (where it joins the timeline): its warm-up. */
  async history(key: MarketKey, limit: number): Promise<CandleSeries> {
    const all = this.all(key);
    const end = this.startIndex(key);
    return seriesSlice(all, Math.max(0, end - limit), end);
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async run(sink: FeedSink): Promise<void> {
    const sleep = this.opts.sleep ?? defaultSleep;
    let announced = '';
    let lastTime: number | null = null;
    while (!this.stopped) {
      const label = this.label;
      if (label !== announced) {
        sink.status({ type: 'feed', status: 'replay', detail: label, lastCandleTime: lastTime });
        announced = label;
      }
      // Fast replays deliver a few candles per tick so timers stay coarse (>= 20 ms).
      const perTick = Math.max(1, Math.ceil(this.speed / 50));
      let delivered = 0;
      for (; delivered < perTick; delivered++) {
        const t = this.earliest();
        if (!t) break;
        const s = t.series;
        const i = t.next++;
        lastTime = s.time[i]!;
        this.advance(lastTime + t.tf);
        sink.candle(t.key, { time: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
      }
      if (delivered === 0) {
        if (this.tracks.size > 0) sink.status({ type: 'feed', status: 'ended', detail: 'replay reached the end of the cached candles', lastCandleTime: lastTime });
        announced = 'ended';
        // Wait for a new market to be watched or for stop().
        await new Promise<void>((r) => (this.wake = r));
        this.wake = null;
        continue;
      }
      await Promise.race([sleep((delivered * 1000) / this.speed), new Promise<void>((r) => (this.wake = r))]);
      this.wake = null;
    }
  }

  private advance(time: number): void {
    if (this.now === null || time > this.now) this.now = time;
  }

  /** The market whose next candle closes first (ties: the one watched first). */
  private earliest(): Track | undefined {
    let best: Track | undefined;
    let bestClose = Infinity;
    for (const t of this.tracks.values()) {
      if (t.next >= t.series.length) continue;
      const close = t.series.time[t.next]! + t.tf;
      if (close < bestClose) {
        best = t;
        bestClose = close;
      }
    }
    return best;
  }
}
