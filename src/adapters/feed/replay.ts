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
  /** Replay control (the TUI's P, . and J): paused, candles still to deliver while paused, and a time to run to. */
  paused = false;
  private steps = 0;
  private jumpTo: number | null = null;

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
    return this.jumpTo !== null ? `REPLAY jumping to ${iso(this.jumpTo)}` : this.paused ? 'REPLAY paused' : `REPLAY ${this.speed}/s`;
  }

  /** Holds the replay after the candle being delivered (the engine keeps running: stops and commands still work). */
  pause(): void {
    this.paused = true;
    this.wake?.();
  }

  resumeReplay(): void {
    this.paused = false;
    this.steps = 0;
    this.wake?.();
  }

  /** While paused: delivers the next `n` candles (in time order across markets), then holds again. */
  step(n = 1): void {
    this.paused = true;
    this.steps += Math.max(1, Math.floor(n));
    this.wake?.();
  }

  /** The next candle time the replay delivers, or null at the end. */
  nextTime(): number | null {
    const t = this.earliest();
    return t ? t.series.time[t.next]! : null;
  }

  /**
   * Runs forward without waiting until the next candle is at or after `time` (every candle still goes through the
   * engine: strategies, stops and the account see them all), then holds paused there. A time already passed is
   * refused: going back needs another account (a replay restart, app/account-archive.ts).
   */
  jump(time: number): { ok: boolean; message: string } {
    const next = this.nextTime();
    if (next === null) return { ok: false, message: 'the replay is at the end of the cached candles' };
    if (time <= next) return { ok: false, message: `the replay is already at ${iso(next)}; a jump only runs forward (to replay from an earlier date, restart the replay there: J with that date, then y; this account is archived, not deleted, and a new one starts at the date)` };
    this.jumpTo = time;
    this.paused = true;
    this.steps = 0;
    this.wake?.();
    return { ok: true, message: `replay running to ${iso(time)}, then paused` };
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
    // several instances on one market: resume after the earliest of them (each skips what it has seen)
    const id = marketKeyString(key);
    const prev = this.resume.get(id);
    if (prev === undefined || time < prev) this.resume.set(id, time);
    this.advance(time + timeframeMs(key.timeframe));
  }

  /**
   * Index of this market's first candle to deliver. A market with a restart point resumes right after it: a kill
   * can fall between two markets' candles of one time step, and skipping the laggard's candle to the clock would
   * skip its stops and decisions (the other markets wait: candles go out in close-time order). A market that joins
   * starts at the first candle that closes after the replay clock; the first market of a fresh replay (no `from`)
   * fixes the timeline's start.
   */
  private startIndex(key: MarketKey): number {
    const all = this.all(key);
    const after = this.resume.get(marketKeyString(key));
    if (after !== undefined) return lowerBound(all, after + 1);
    if (this.now === null) this.now = this.startOf(key);
    return lowerBound(all, this.now - timeframeMs(key.timeframe) + 1);
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
      const jumping = this.jumpTo !== null;
      if (this.paused && !jumping && this.steps === 0) {
        // held: wait for resume, a step, a jump or stop()
        await new Promise<void>((r) => (this.wake = r));
        this.wake = null;
        continue;
      }
      // Fast replays deliver a few candles per tick so timers stay coarse (>= 20 ms); a jump delivers in chunks
      // between which the event loop turns (commands, viewers), a step exactly its candles.
      const perTick = jumping ? 200 : this.steps > 0 ? this.steps : Math.max(1, Math.ceil(this.speed / 50));
      let delivered = 0;
      for (; delivered < perTick; delivered++) {
        const t = this.earliest();
        if (!t) break;
        if (jumping && t.series.time[t.next]! >= this.jumpTo!) {
          this.jumpTo = null;
          break;
        }
        const s = t.series;
        const i = t.next++;
        lastTime = s.time[i]!;
        this.advance(lastTime + t.tf);
        sink.candle(t.key, { time: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
      }
      if (this.steps > 0) this.steps = Math.max(0, this.steps - delivered);
      if (jumping) {
        if (!this.earliest()) this.jumpTo = null;
        await new Promise<void>((r) => setImmediate(r));
        continue;
      }
      if (this.paused && delivered > 0) continue;
      if (delivered === 0) {
        this.steps = 0;
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
