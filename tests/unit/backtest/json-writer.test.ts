// The streamed --json writer against its definition, JSON.stringify({ runs: runs.map(runJson), ...extra }, null, 2)
// + "\n", on awkward inputs: odd numbers and times, strings that need escaping or are not ASCII, missing series,
// empty arrays, several runs, a shared-account run, sinks that keep their chunks, and tiny chunks.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { printRunsJson, runJson, writeRunsJson } from '../../../src/backtest/report.js';
import type { StoredRun } from '../../../src/backtest/runs.js';
import type { ClosedTrade } from '../../../src/core/trading.js';

const M = 60_000;
/** Numbers whose JSON text is not what naive formatting gives. */
const ODD = [-0, NaN, Infinity, -Infinity, 1e21, -1e21, 1e20, 5e-324, -5e-324, 1.7976931348623157e308, 1e-7, 1.5e-7, 0.000001, 123456789012345680000, 0.1 + 0.2, -2.5e-10, 1.5e300, 2 ** 53 + 2, -1234.5678e-3];
/** Strings JSON.stringify escapes, or whose UTF-8 is several bytes: quotes, backslashes, controls, non-ASCII, astral, lone surrogates. */
const AWKWARD = ['say "hi"\\', 'tab\tnew\nline\r\u0000\u001f\u007f', 'é→€ 日本', '😀🚀 astral 𝄞', 'lone \ud800 and \udc00', '\u2028\u2029', ''];

function trade(i: number, over: Partial<ClosedTrade> = {}): ClosedTrade {
  return {
    id: `t${i}`,
    instanceId: 'run',
    strategy: 's',
    symbol: 'BTC/USDT',
    side: i % 2 ? 'short' : 'long',
    qty: ODD[i % ODD.length]!,
    entryTime: 1_700_000_000_000 + i * 3_600_123,
    exitTime: 1_700_000_000_000 + i * 3_600_123 + 7 * M,
    entryPrice: 100 + i / 3,
    exitPrice: ODD[(i + 3) % ODD.length]!,
    pnl: i / 7,
    pnlPct: -i / 11,
    fees: ODD[(i + 5) % ODD.length]!,
    exitReason: AWKWARD[i % AWKWARD.length] as ClosedTrade['exitReason'],
    ...over,
  };
}

function run(id: number, times: number[], over: Partial<StoredRun> = {}): StoredRun {
  const n = times.length;
  const equity = times.map((_, i) => (i % 7 < 3 ? 1000 : ODD[i % ODD.length]! + i / 3));
  return {
    id,
    createdAt: 1_700_000_000_000,
    strategy: `rsi "ü" 😀 ${AWKWARD.join('|')}`,
    exchange: 'binance',
    symbol: 'BTC/USDT',
    timeframe: '1m',
    from: times[0] ?? 0,
    to: (times[n - 1] ?? 0) + M,
    params: { period: 14, 'k "ey" 😀\n': AWKWARD[1]!, small: 5e-324, big: 1e21, neg: -0, flag: true, list: [1, 'a', null], nested: { deep: { x: NaN } } } as unknown as StoredRun['params'],
    settings: { initialBalance: 1000, fee: 0.001, slippage: 0, allowShort: false, stakePct: null, risk: {}, warmupCandles: 3 },
    metrics: { finalEquity: 1e21, sharpe: null, profitFactor: Infinity, cagrPct: NaN, maxDrawdownStart: -62_198_755_200_000, maxDrawdownEnd: null, perExitReason: { [AWKWARD[0]!]: { trades: 1, pnl: -0, winRatePct: 5e-324 } } } as unknown as StoredRun['metrics'],
    trades: Array.from({ length: 40 }, (_, i) => trade(i)),
    equityTimes: Float64Array.from(times),
    equity: Float64Array.from(equity),
    cash: Float64Array.from(equity, (e, i) => (i % 5 === 0 ? ODD[i % ODD.length]! : e / 2)),
    exposure: Float64Array.from(equity, (e, i) => (i % 3 === 0 ? 0 : e / 2)),
    exposureCandles: 1,
    feesPaid: 0.01,
    riskDecisions: { accepted: 1, resized: 0, rejected: 0 },
    protections: [{ name: 'cooldown', scope: AWKWARD[2]!, state: 'triggered', triggeredAt: times[0] ?? 0, releasedAt: null, reason: AWKWARD[3]! }],
    decisions: 2,
    lookahead: null,
    ...over,
  };
}

const minutes = (t0: number, n: number): number[] => Array.from({ length: n }, (_, i) => t0 + i * M + (i % 97 === 0 ? 13 : 0));
/** Times Date prints with six-digit or negative years, around the four-digit range, and not whole milliseconds. */
const ODD_TIMES = [-8.64e15, -62_198_755_200_000, -1, 0, 0.5, 1.999, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, 1_700_000_000_000.25, -0];

const reference = (runs: StoredRun[], extra: Record<string, unknown> = {}): string => `${JSON.stringify({ runs: runs.map(runJson), ...extra }, null, 2)}\n`;

/** The writer's chunks, copied as they arrive (a synchronous sink: the buffer may be reused after). */
function written(runs: StoredRun[], extra: Record<string, unknown> = {}, chunkBytes?: number): Buffer[] {
  const chunks: Buffer[] = [];
  writeRunsJson(runs, extra, (c) => chunks.push(Buffer.from(c)), () => true, chunkBytes);
  return chunks;
}

const extra = {
  mlBaselines: [{ run: 1, strategy: AWKWARD[3], totalReturnPct: -0, buyHoldReturnPct: null, randomSignals: { meanPct: 1e21, p: 5e-324 } }],
  when: new Date(0),
  skipped: undefined,
  fn: () => 1,
  custom: { toJSON: (key: string) => `toJSON(${key})` },
};

describe('writeRunsJson', () => {
  it('prints awkward numbers, strings and times exactly as JSON.stringify does, in any chunk size', () => {
    const runs = [
      run(1, minutes(Date.UTC(2024, 1, 28, 23, 0, 0, 7), 3000)),
      run(2, ODD_TIMES, { trades: ODD_TIMES.map((t, i) => trade(i, { entryTime: t, exitTime: ODD_TIMES[(i + 4) % ODD_TIMES.length]! })) }),
      run(3, [], { trades: [], protections: [] }),
      // Runs stored before cash and exposure were kept.
      run(4, minutes(0, 50), { cash: null, exposure: null }),
      run(5, minutes(1_700_000_000_000, 20), { lookahead: { checkedCuts: 4, differences: [{ index: 1, time: 60_000, cutAt: 2, full: { action: AWKWARD[4] }, cut: null, message: AWKWARD[0] }], truncated: false } }),
    ];
    const expected = Buffer.from(reference(runs, extra));
    for (const chunkBytes of [undefined, 1024, 1025, 1500, 4099, 1 << 20]) {
      const chunks = written(runs, extra, chunkBytes);
      expect(Buffer.concat(chunks).equals(expected), `chunk size ${chunkBytes}`).toBe(true);
      for (const c of chunks) expect(c.length).toBeLessThanOrEqual(chunkBytes ?? 1 << 18);
    }
  });

  it('prints a shared-account run (trades name their market) and fields of unexpected types as JSON.stringify does', () => {
    const markets = [
      { symbol: 'ETH/USDT', warmupCandles: 2, from: 60_000, firstPrice: 1, lastPrice: 2, buyHoldReturnPct: 100 },
      { symbol: AWKWARD[2]!, warmupCandles: 0, from: null, firstPrice: 1, lastPrice: 1, buyHoldReturnPct: null },
    ];
    const odd = { ...trade(1), fees: undefined, pnl: null, qty: '0.5', exitReason: { why: [AWKWARD[3], 1e21, { deep: -0 }] }, exitPrice: [], side: undefined, symbol: AWKWARD[2] } as unknown as ClosedTrade;
    const shared = run(6, minutes(60_000, 30), {
      trades: [trade(0, { symbol: 'ETH/USDT' }), odd, trade(2, { symbol: AWKWARD[3]! })],
      settings: { initialBalance: 1000, fee: 0.001, slippage: 0, allowShort: true, stakePct: 10, risk: {}, warmupCandles: 2, markets, entryOrders: 3, unfilledEntries: [{ time: 120_000, symbol: AWKWARD[2]!, status: 'rejected', reason: AWKWARD[0]! }] },
    });
    const plain = run(7, minutes(0, 5), { trades: [odd] });
    expect(Buffer.concat(written([shared, plain])).toString('utf8')).toBe(reference([shared, plain]));
  });

  it('prints no runs, an empty extra, and an extra key "runs" (which replaces the runs in place) as the reference does', () => {
    expect(Buffer.concat(written([])).toString('utf8')).toBe(reference([]));
    expect(Buffer.concat(written([], { note: 'x' })).toString('utf8')).toBe(reference([], { note: 'x' }));
    const runs = [run(1, minutes(0, 3))];
    expect(Buffer.concat(written(runs, { before: 1, runs: 'replaced' })).toString('utf8')).toBe(reference(runs, { before: 1, runs: 'replaced' }));
  });

  it('never ends a chunk inside a character: each chunk is valid UTF-8 on its own, whatever the offset', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    // A long name of 2-, 3- and 4-byte characters, shifted one byte at a time across the chunk boundaries.
    for (let pad = 0; pad < 4; pad++) {
      const runs = [run(1, minutes(0, 40), { strategy: `${'a'.repeat(pad)}${'é→😀'.repeat(700)}`, params: { name: '日本😀'.repeat(500) } as unknown as StoredRun['params'] })];
      const chunks = written(runs, {}, 1024);
      expect(chunks.length).toBeGreaterThan(10);
      for (const c of chunks) expect(() => decoder.decode(c)).not.toThrow();
      expect(Buffer.concat(chunks).equals(Buffer.from(reference(runs)))).toBe(true);
    }
  });

  it('gives a sink that keeps its chunks (asynchronous stdout: written() never true) a fresh buffer for each one', () => {
    const runs = [run(1, minutes(Date.UTC(2025, 0, 1), 2000)), run(2, ODD_TIMES)];
    const kept: Uint8Array[] = [];
    // Keeps the very chunks, as a stream with a queue does: a reused buffer would overwrite what it holds.
    writeRunsJson(runs, extra, (c) => kept.push(c as Uint8Array), () => false, 1024);
    expect(kept.length).toBeGreaterThan(100);
    expect(Buffer.concat(kept).equals(Buffer.from(reference(runs, extra)))).toBe(true);
  });

  it('reuses one buffer while the sink has taken each chunk, so its memory does not grow with the output', () => {
    const runs = [run(1, minutes(Date.UTC(2025, 0, 1), 5000))];
    const buffers = new Set<ArrayBufferLike>();
    let bytes = 0;
    writeRunsJson(runs, {}, (c) => {
      buffers.add((c as Uint8Array).buffer);
      bytes += c.length;
    }, () => true, 4096);
    expect(bytes).toBe(Buffer.byteLength(reference(runs)));
    expect(bytes).toBeGreaterThan(100 * 4096);
    expect(buffers.size).toBe(1);
  });
});

describe('printRunsJson', () => {
  /** A stream whose reader takes each chunk a moment later (a pipe into a slower program). */
  function slowReader(): { stream: Writable; received: Buffer[]; maxQueued: () => number } {
    const received: Buffer[] = [];
    let maxQueued = 0;
    const stream = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _encoding, done) {
        maxQueued = Math.max(maxQueued, this.writableLength);
        received.push(Buffer.from(chunk));
        setImmediate(done);
      },
    });
    return { stream, received, maxQueued: () => maxQueued };
  }

  it('waits for a slow reader: the stream never holds more than about a block, and gets the reference bytes', async () => {
    const runs = [run(1, minutes(Date.UTC(2025, 0, 1), 60_000)), run(2, ODD_TIMES)];
    const { stream, received, maxQueued } = slowReader();
    await printRunsJson(stream, runs, extra);
    const all = Buffer.concat(received);
    expect(all.equals(Buffer.from(reference(runs, extra)))).toBe(true);
    expect(all.length).toBeGreaterThan(8_000_000);
    // One block of 4,096 points is ~0.6 MB; without waiting the whole ~9 MB would queue.
    expect(maxQueued()).toBeLessThan(2_000_000);
  });

  it('ends when the stream does (the reader left) instead of waiting for a drain that never comes', async () => {
    const runs = [run(1, minutes(Date.UTC(2025, 0, 1), 60_000))];
    let bytes = 0;
    const stream = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > 1_000_000) this.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        else setImmediate(done);
      },
    });
    stream.on('error', () => {});
    // Counts what is still handed to the stream once it has ended: the writer stops making the rest.
    let afterEnd = 0;
    const write = stream.write.bind(stream);
    stream.write = ((chunk: Uint8Array) => {
      if (stream.destroyed) afterEnd++;
      return write(chunk);
    }) as typeof stream.write;
    await printRunsJson(stream, runs, {});
    expect(stream.destroyed).toBe(true);
    expect(bytes).toBeLessThan(3_000_000);
    expect(afterEnd).toBeLessThanOrEqual(4);
  });
});
