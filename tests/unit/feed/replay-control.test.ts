// Replay control (the TUI's P, . and J): the replay itself holds, steps one candle at a time, runs forward to a date
// delivering every candle on the way, refuses to go back, and plays on at its speed when released.
import { describe, expect, it } from 'vitest';
import { ReplayFeed } from '../../../src/adapters/feed/replay.js';
import { MemoryCandleStore } from '../../../src/adapters/store/memory/candle-store.js';
import { seriesFromCandles, type MarketKey } from '../../../src/core/candle.js';

const H = 3_600_000;
const btc: MarketKey = { exchange: 'x', symbol: 'BTC/USDT', timeframe: '1h' };
const eth: MarketKey = { exchange: 'x', symbol: 'ETH/USDT', timeframe: '1h' };
const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('replay control', () => {
  it('holds, steps, jumps forward through every candle, refuses to go back, then plays on', async () => {
    const s = new MemoryCandleStore();
    const mk = (n: number, base: number) => seriesFromCandles(Array.from({ length: n }, (_, i) => ({ time: i * H, open: base, high: base + 1, low: base - 1, close: base, volume: 1 })));
    s.write(btc, mk(600, 100));
    s.write(eth, mk(600, 10));
    // a sleep that never ends: only control (or stop) moves the replay on, so the test sees each step exactly
    const feed = new ReplayFeed(s, { speed: 1, from: 0, sleep: () => new Promise(() => {}) });
    feed.watch(btc);
    feed.watch(eth);
    feed.pause();
    const got: string[] = [];
    const labels: string[] = [];
    const done = feed.run({ candle: (k, c) => got.push(`${k.symbol[0]}${c.time / H}`), status: (st) => labels.push(st.detail) });
    await turns();
    expect(got).toEqual([]);
    expect(labels.at(-1)).toBe('REPLAY paused');

    feed.step();
    await turns();
    expect(got).toEqual(['B0']);
    feed.step();
    await turns();
    expect(got).toEqual(['B0', 'E0']);
    expect(feed.nextTime()).toBe(H);

    expect(feed.jump(0)).toMatchObject({ ok: false, message: expect.stringMatching(/a jump only runs forward \(to replay from an earlier date, restart the replay there: J with that date, then y; this account is archived, not deleted/) });
    const r = feed.jump(500 * H);
    expect(r.ok).toBe(true);
    expect(feed.label).toMatch(/^REPLAY jumping to 1970-01-21/);
    await turns(20);
    // every candle on the way, in time order across markets, and none at or after the target
    expect(got).toHaveLength(1000);
    expect(got.at(-1)).toBe('E499');
    expect(feed.nextTime()).toBe(500 * H);
    expect(feed.paused).toBe(true);
    expect(labels.at(-1)).toBe('REPLAY paused');

    feed.resumeReplay();
    await turns();
    expect(got.at(-1)).toBe('B500');
    expect(labels.at(-1)).toBe('REPLAY 1/s');
    feed.stop();
    await done;
  });
});

describe('replay restart between two markets of one time step', () => {
  it('resumes each market right after its own last candle: a kill between BTC 15:00 and ETH 15:00 skips no ETH candle', async () => {
    const s = new MemoryCandleStore();
    const mk = (n: number, base: number) => seriesFromCandles(Array.from({ length: n }, (_, i) => ({ time: i * H, open: base, high: base + 1, low: base - 1, close: base, volume: 1 })));
    s.write(btc, mk(40, 100));
    s.write(eth, mk(40, 10));
    const feed = new ReplayFeed(s, { speed: 1, from: 0, sleep: () => new Promise(() => {}) });
    // before the kill: BTC's 15:00 candle was committed, ETH's was not
    feed.resumeAfter(btc, 15 * H);
    feed.resumeAfter(eth, 14 * H);
    feed.watch(btc);
    feed.watch(eth);
    feed.pause();
    const got: string[] = [];
    const done = feed.run({ candle: (k, c) => got.push(`${k.symbol[0]}${c.time / H}`), status: () => {} });
    await turns();
    feed.step(3);
    await turns();
    expect(got).toEqual(['E15', 'B16', 'E16']);
    feed.stop();
    await done;
  });
});
