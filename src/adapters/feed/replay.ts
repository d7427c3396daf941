// Replays cached candles as if they were arriving live, at `speed` candles per second, for paper trading
// with no network. Each watched market starts at its own replay start (or where a restart left off);
// markets are merged in time order so several symbols advance together.
import { lowerBound, seriesSlice, type CandleSeries, type MarketKey } from '../../core/candle.js';
import { marketKeyString } from '../../core/candle.js';
import { iso } from '../../core/time.js';
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
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ReplayFeed implements MarketFeed {
  private readonly tracks = new Map<string, Track>();
  private readonly resume = new Map<string, number>();
  /** Each market's cached candles, read once (startOf, watch and history all need them). */
  private readonly cached = new Map<string, CandleSeries>();
  private stopped = false;
  private wake: (() => void) | null = null;
  speed: number;

  constructor(
    private readonly store: CandleStore,
    private readonly opts: ReplayOptions,
  ) {
    this.speed = opts.speed;
  }

  get label(): string {
    return `REPLAY ${this.speed}/s`;
  }

  /** Time of the first candle this market's replay delivers (before any restart). */
  private all(key: MarketKey): CandleSeries {
    const id = marketKeyString(key);
    let s = this.cached.get(id);
    if (!s) this.cached.set(id, (s = this.store.read(key)));
    return s;
  }

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

  /** After a restart: deliver only candles after `time`. */
  resumeAfter(key: MarketKey, time: number): void {
    this.resume.set(marketKeyString(key), time);
  }

  watch(key: MarketKey): void {
    const id = marketKeyString(key);
    if (this.tracks.has(id)) return;
    const all = this.all(key);
    const after = this.resume.get(id);
    const start = after !== undefined ? lowerBound(all, after + 1) : lowerBound(all, this.startOf(key));
    this.tracks.set(id, { key, series: seriesSlice(all, start, all.length), next: 0 });
    this.wake?.();
  }

  unwatch(key: MarketKey): void {
    this.tracks.delete(marketKeyString(key));
  }

  async history(key: MarketKey, limit: number): Promise<CandleSeries> {
    const all = this.all(key);
    const id = marketKeyString(key);
    const after = this.resume.get(id);
    const end = after !== undefined ? lowerBound(all, after + 1) : lowerBound(all, this.startOf(key));
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
      const held = sink.drained?.();
      if (held) {
        await held;
        continue;
      }
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

  private earliest(): Track | undefined {
    let best: Track | undefined;
    for (const t of this.tracks.values()) {
      if (t.next >= t.series.length) continue;
      if (!best || t.series.time[t.next]! < best.series.time[best.next]!) best = t;
    }
    return best;
  }
}
