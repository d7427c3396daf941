// Live candles from an exchange's public endpoints through ccxt (no keys): polls fetchOHLCV for each
// watched market, delivers each candle once when it has closed, and reports a newly opened candle's
// price so waiting market orders fill at it. When the exchange cannot be reached it says so (status
// retrying/down) and keeps trying with backoff; it never throws out of run() for an outage.
// Three rules keep an outage from turning into wrong trades or a stuck process:
// - a failure before the markets loaded drops the ccxt object (ccxt caches the rejected loadMarkets promise,
//   so reusing it would fail for ever once the exchange is back);
// - closed candles older than the newest one (a catch-up after an outage or a failed warm-up) are warm-up,
//   never decisions: only the newest closed candle is traded, and the skipped count is reported;
// - stop() aborts requests in flight, so shutdown never waits for an unreachable exchange.
import type { Candle, CandleSeries, MarketKey } from '../../core/candle.js';
import { emptySeries, marketKeyString, seriesFromCandles } from '../../core/candle.js';
import { errorMessage } from '../../core/errors.js';
import { timeframeMs } from '../../core/time.js';
import { UserError } from '../../core/errors.js';
import type { FeedSink, MarketFeed } from '../../engine/ports.js';
import { createExchange, errorKind, type Exchange, type ExchangeConfig } from '../exchange/ccxt.js';

export interface ExchangeFeedOptions {
  pollSeconds: number;
  logger?: { warn(obj: unknown, msg?: string): void };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Longest wait between attempts while the exchange is unreachable. */
  maxBackoffMs?: number;
  /** Consecutive failures after which the status turns from retrying to down. */
  downAfter?: number;
}

type Ohlcv = [number, number, number, number, number, number];

interface Watch {
  key: MarketKey;
  lastDelivered: number;
  lastOpened: number;
}

/** Thrown inside the feed when stop() interrupts a request; never leaves run(). */
class Stopped extends Error {}

export class ExchangeFeed implements MarketFeed {
  private exchange: Exchange | null = null;
  private readonly watches = new Map<string, Watch>();
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Settles when stop() is called: every request races it. */
  private readonly stoppedSignal: Promise<never>;
  private signalStop: () => void = () => {};
  private readonly now: () => number;

  constructor(
    private readonly cfg: ExchangeConfig,
    private readonly opts: ExchangeFeedOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.stoppedSignal = new Promise<never>((_, reject) => (this.signalStop = () => reject(new Stopped('feed stopped'))));
    this.stoppedSignal.catch(() => {});
  }

  /**
   * Creates the ccxt client now, so an unknown exchange name is a config error at startup (exit 2 naming
   * exchange.name) instead of a feed that retries for ever.
   */
  async open(): Promise<void> {
    await this.client();
  }

  get label(): string {
    return this.cfg.name;
  }

  private async client(): Promise<Exchange> {
    this.exchange ??= await createExchange(this.cfg);
    return this.exchange;
  }

  /**
   * After a failure: a client whose markets never loaded is dropped, because ccxt keeps the rejected
   * loadMarkets promise and would answer every later request with the same old error.
   */
  private afterFailure(): void {
    const ex = this.exchange;
    if (ex && !ex.markets) {
      this.exchange = null;
      closeQuietly(ex);
    }
  }

  resumeAfter(key: MarketKey, time: number): void {
    const w = this.watches.get(marketKeyString(key));
    if (w) w.lastDelivered = Math.max(w.lastDelivered, time);
    else this.watches.set(marketKeyString(key), { key, lastDelivered: time, lastOpened: time });
  }

  watch(key: MarketKey): void {
    const id = marketKeyString(key);
    if (!this.watches.has(id)) this.watches.set(id, { key, lastDelivered: -Infinity, lastOpened: -Infinity });
    this.wake?.();
  }

  unwatch(key: MarketKey): void {
    this.watches.delete(marketKeyString(key));
  }

  stop(): void {
    this.stopped = true;
    this.signalStop();
    this.wake?.();
    // Abort requests in flight (ccxt's keep-alive agent): shutdown must not wait for a 10 s timeout.
    if (this.exchange) closeQuietly(this.exchange);
  }

  /** Closed candles before now; on failure an empty series (the chart fills as candles arrive). */
  async history(key: MarketKey, limit: number): Promise<CandleSeries> {
    try {
      const rows = await this.fetch(key, undefined, Math.min(1000, limit + 1));
      const closed = this.closedOnly(key, rows).slice(-limit);
      const w = this.watches.get(marketKeyString(key));
      const last = closed.length > 0 ? closed[closed.length - 1]!.time : -Infinity;
      if (w) w.lastDelivered = Math.max(w.lastDelivered, last);
      else this.watches.set(marketKeyString(key), { key, lastDelivered: last, lastOpened: last });
      return seriesFromCandles(closed);
    } catch (err) {
      if (err instanceof UserError) throw err;
      this.afterFailure();
      if (!(err instanceof Stopped)) this.opts.logger?.warn({ err: errorMessage(err) }, `history for ${marketKeyString(key)} unavailable`);
      return emptySeries();
    }
  }

  async run(sink: FeedSink): Promise<void> {
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const maxBackoff = this.opts.maxBackoffMs ?? 60_000;
    const downAfter = this.opts.downAfter ?? 5;
    let failures = 0;
    let lastTime: number | null = null;
    let connectedOnce = false;
    while (!this.stopped) {
      let wait = this.opts.pollSeconds * 1000;
      try {
        const caughtUp: string[] = [];
        for (const w of [...this.watches.values()]) {
          const rows = await this.fetch(w.key, Number.isFinite(w.lastDelivered) ? w.lastDelivered : undefined, 100);
          if (this.stopped) break;
          const fresh = this.closedOnly(w.key, rows).filter((c) => c.time > w.lastDelivered);
          if (fresh.length > 0) {
            // Only the newest closed candle is a decision; older ones (an outage, a failed warm-up) only
            // bring the strategies' indicators up to date.
            // A batch that stops short of the live edge (an outage longer than one page) is all warm-up,
            // and the next page is asked for at once.
            const live = this.isLiveEdge(w.key, fresh[fresh.length - 1]!.time);
            const stale = live ? fresh.slice(0, -1) : fresh;
            if (!live) wait = 0;
            if (stale.length > 0) {
              sink.warmup?.(w.key, stale);
              caughtUp.push(`skipped ${stale.length} older closed candle${stale.length === 1 ? '' : 's'} of ${marketKeyString(w.key)}`);
              this.opts.logger?.warn({ market: marketKeyString(w.key), skipped: stale.length }, 'caught up after a gap: older closed candles used as warm-up, not traded');
            }
            w.lastDelivered = fresh[fresh.length - 1]!.time;
            lastTime = w.lastDelivered;
            if (live) sink.candle(w.key, fresh[fresh.length - 1]!);
          }
          const forming = rows.find((r) => r[0] > w.lastDelivered && !this.isClosed(w.key, r[0]));
          if (forming && forming[0] > w.lastOpened) {
            w.lastOpened = forming[0];
            sink.open?.(w.key, forming[0], forming[1]);
          }
          // The forming candle's close is the price now: stops the engine holds are checked on it.
          if (forming && Number.isFinite(forming[4])) sink.tick?.(w.key, this.now(), forming[4]);
        }
        if (this.stopped) break;
        if (caughtUp.length > 0) {
          const detail = `${this.cfg.name} connected; caught up after a gap: ${caughtUp.join(', ')} (warm-up only, not traded)`;
          sink.status({ type: 'feed', status: 'connected', detail, lastCandleTime: lastTime });
        } else if (failures > 0 || !connectedOnce) sink.status({ type: 'feed', status: 'connected', detail: `${this.cfg.name} connected`, lastCandleTime: lastTime });
        failures = 0;
        connectedOnce = true;
      } catch (err) {
        if (this.stopped || err instanceof Stopped) break;
        // A mistake in the config (unknown exchange, bad symbol) will not heal by retrying.
        if (err instanceof UserError) throw err;
        this.afterFailure();
        failures++;
        const kind = errorKind(err);
        const status = failures >= downAfter || kind === 'user' ? 'down' : 'retrying';
        sink.status({ type: 'feed', status, detail: `${this.cfg.name}: ${errorMessage(err)} (attempt ${failures})`, lastCandleTime: lastTime });
        // Back off from the poll interval, doubling per failure, with jitter so restarts do not align.
        wait = Math.min(maxBackoff, this.opts.pollSeconds * 1000 * 2 ** Math.min(failures - 1, 10) * (0.5 + Math.random()));
      }
      await Promise.race([sleep(wait), new Promise<void>((r) => (this.wake = r))]);
      this.wake = null;
    }
  }

  private async fetch(key: MarketKey, since: number | undefined, limit: number): Promise<Ohlcv[]> {
    if (this.stopped) throw new Stopped('feed stopped');
    const ex = await this.client();
    const rows = (await Promise.race([ex.fetchOHLCV(key.symbol, key.timeframe, since, limit), this.stoppedSignal])) as Ohlcv[];
    if (!Array.isArray(rows)) throw new Error(`${this.cfg.name} answered fetchOHLCV with ${typeof rows}`);
    return rows;
  }

  /** Whether the candle opening at `openTime` is the newest closed one now (the only one worth a decision). */
  private isLiveEdge(key: MarketKey, openTime: number): boolean {
    return openTime + 2 * timeframeMs(key.timeframe) > this.now();
  }

  private isClosed(key: MarketKey, openTime: number): boolean {
    return openTime + timeframeMs(key.timeframe) <= this.now();
  }

  /** Valid closed candles, ascending; malformed rows from the exchange are dropped and logged. */
  private closedOnly(key: MarketKey, rows: Ohlcv[]): Candle[] {
    const out: Candle[] = [];
    for (const r of rows) {
      const [time, open, high, low, close, volume] = r;
      const ok = [time, open, high, low, close, volume].every((v) => typeof v === 'number' && Number.isFinite(v)) && low <= Math.min(open, close) && high >= Math.max(open, close);
      if (!ok) {
        this.opts.logger?.warn({ row: r }, `${this.cfg.name} sent an invalid candle for ${marketKeyString(key)}; skipped`);
        continue;
      }
      if (this.isClosed(key, time)) out.push({ time, open, high, low, close, volume });
    }
    out.sort((a, b) => a.time - b.time);
    return out;
  }
}

/** Closes ccxt's HTTP agent, aborting its requests in flight; errors from an already closed agent do not matter. */
function closeQuietly(ex: Exchange): void {
  const dispatcher = (ex as unknown as { fetchDispatcher?: { destroy(): Promise<void> } }).fetchDispatcher;
  dispatcher?.destroy().catch(() => {});
}
