import { describe, expect, it } from 'vitest';
import { ReplayFeed } from '../../../src/adapters/feed/replay.js';
import { MemoryCandleStore } from '../../../src/adapters/store/memory/candle-store.js';
import { seriesFromCandles, type MarketKey } from '../../../src/core/candle.js';
import type { FeedSink } from '../../../src/engine/ports.js';

const H = 3_600_000;
const btc: MarketKey = { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1h' };
const eth: MarketKey = { exchange: 'x', symbol: 'ETH/USDT', timeframe: '1h' };

function store(): MemoryCandleStore {
  const s = new MemoryCandleStore();
  const mk = (n: number, base: number, offset = 0) =>
    seriesFromCandles(Array.from({ length: n }, (_, i) => ({ time: (i + offset) * H, open: base + i, high: base + i + 1, low: base + i - 1, close: base + i, volume: 1 })));
  s.write(btc, mk(10, 100));
  s.write(eth, mk(6, 10, 4));
  return s;
}

function collect(feed: ReplayFeed, until: (n: number) => boolean): Promise<Array<[string, number]>> {
  const got: Array<[string, number]> = [];
  return new Promise((resolve) => {
    const sink: FeedSink = {
      candle: (k, c) => {
        got.push([k.symbol, c.time / H]);
        if (until(got.length)) {
          feed.stop();
          resolve(got);
        }
      },
      status: (s) => {
        if (s.status === 'ended') {
          feed.stop();
          resolve(got);
        }
      },
    };
    void feed.run(sink);
  });
}

describe('ReplayFeed', () => {
  it('replays from `from`, merging markets in time order, then says it ended', async () => {
    const feed = new ReplayFeed(store(), { speed: 1000, from: 6 * H, sleep: async () => {} });
    feed.watch(btc);
    feed.watch(eth);
    const got = await collect(feed, () => false);
    expect(got).toEqual([
      ['BTC/USDT', 6], ['ETH/USDT', 6], ['BTC/USDT', 7], ['ETH/USDT', 7], ['BTC/USDT', 8], ['ETH/USDT', 8], ['BTC/USDT', 9], ['ETH/USDT', 9],
    ]);
  });

  it('gives the candles before the replay start as history, and resumes after a restart point', async () => {
    const s = store();
    const feed = new ReplayFeed(s, { speed: 1000, from: 6 * H, sleep: async () => {} });
    const hist = await feed.history(btc, 3);
    expect(Array.from(hist.time).map((t) => t / H)).toEqual([3, 4, 5]);
    const resumed = new ReplayFeed(s, { speed: 1000, from: 6 * H, sleep: async () => {} });
    resumed.resumeAfter(btc, 7 * H);
    resumed.watch(btc);
    expect(await collect(resumed, () => false)).toEqual([['BTC/USDT', 8], ['BTC/USDT', 9]]);
  });

  it('waits 1/speed seconds per candle and changes pace with setSpeed', async () => {
    const waits: number[] = [];
    const feed = new ReplayFeed(store(), { speed: 2, from: 0, sleep: async (ms) => void waits.push(ms) });
    feed.watch(btc);
    await collect(feed, (n) => {
      if (n === 2) feed.setSpeed(10);
      return n === 4;
    });
    // the wait after the second candle already follows the new speed
    expect(waits.slice(0, 3)).toEqual([500, 100, 100]);
  });
});
