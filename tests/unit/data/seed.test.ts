import { copyFileSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../../../src/adapters/store/sqlite/candle-cache.js';
import { MemoryCandleStore } from '../../../src/adapters/store/memory/candle-store.js';
import { ensureSeeded, keyFromFileName, shippedDataDir, shippedFiles } from '../../../src/data/seed.js';

const HEADER = 'timestamp,open,high,low,close,volume';
const T0 = 1_704_067_200_000;

function tinyDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-seed-'));
  const rows = [0, 1, 2].map((i) => `${T0 + i * 3_600_000},1,2,0.5,1.5,3`);
  writeFileSync(join(dir, 'binance_BTCUSDT_1h.csv.gz'), gzipSync([HEADER, ...rows].join('\n') + '\n'));
  writeFileSync(join(dir, 'binance_ETHUSDT_1m_2025-06.csv.gz'), gzipSync(`${HEADER}\n${T0},1,2,0.5,1.5,3\n`));
  writeFileSync(join(dir, 'PROVENANCE.md'), '# not a candle file\n');
  return dir;
}

describe('shipped candles', () => {
  it('finds data/ at the package root', () => {
    expect(shippedDataDir()).toBe(resolve(import.meta.dirname, '../../../data'));
  });

  it('ships at least BTC/USDT 1h, ETH/USDT 1h, BTC/USDT 1d and BTC/USDT 1m as gzip, under ~6 MB, with provenance', () => {
    const dir = shippedDataDir();
    const keys = shippedFiles(dir).map((f) => `${f.key.exchange} ${f.key.symbol} ${f.key.timeframe}`);
    expect(keys).toEqual(expect.arrayContaining(['binance BTC/USDT 1h', 'binance ETH/USDT 1h', 'binance BTC/USDT 1d', 'binance BTC/USDT 1m']));
    expect(shippedFiles(dir).every((f) => f.name.endsWith('.csv.gz'))).toBe(true);
    expect(existsSync(join(dir, 'PROVENANCE.md'))).toBe(true);
    const total = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    expect(total).toBeLessThan(6.2 * 1024 * 1024);
  });

  it('derives the market from the file name', () => {
    expect(keyFromFileName('binance_BTCUSDT_1h.csv.gz')).toEqual({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' });
    expect(keyFromFileName('binance_BTCUSDT_1m_2025-06.csv.gz')).toEqual({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' });
    expect(keyFromFileName('bitstamp_BTCUSD_1d.csv')).toEqual({ exchange: 'bitstamp', symbol: 'BTC/USD', timeframe: '1d' });
    expect(keyFromFileName('binance_BTCUSDT_7x.csv.gz')).toBeNull();
    expect(keyFromFileName('PROVENANCE.md')).toBeNull();
  });

  it('seeds every file once; a second call parses nothing (even a now-corrupt file is left alone)', async () => {
    const dir = tinyDataDir();
    const store = new MemoryCandleStore();
    const first = await ensureSeeded(store, { dir });
    expect(first.imported.map((r) => r.inserted)).toEqual([3, 1]);
    expect(store.read({ exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1m' }).length).toBe(1);
    writeFileSync(join(dir, 'binance_BTCUSDT_1h.csv.gz'), 'corrupt');
    const second = await ensureSeeded(store, { dir });
    expect(second).toEqual({ imported: [], failed: [] });
    expect(store.read({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }).length).toBe(3);
  });

  it('a shipped file that contradicts the cache is reported, the others still seed', async () => {
    const dir = tinyDataDir();
    const store = new MemoryCandleStore();
    const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' } as const;
    const mine = { length: 1, time: new Float64Array([T0]), open: new Float64Array([1]), high: new Float64Array([9]), low: new Float64Array([0.5]), close: new Float64Array([1.5]), volume: new Float64Array([3]) };
    store.write(key, mine);
    const r = await ensureSeeded(store, { dir });
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]!.error).toContain('2024-01-01T00:00:00.000Z');
    expect(r.imported).toHaveLength(1);
    expect(store.read(key).high[0]).toBe(9);
  });

  it('seeds the real shipped files into SQLite (1m 2025-06 as BTC/USDT 1m) and is a no-op afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tradetui-seed-real-'));
    for (const name of ['binance_BTCUSDT_1d.csv.gz', 'binance_BTCUSDT_1m_2025-06.csv.gz']) copyFileSync(join(shippedDataDir(), name), join(dir, name));
    const store = new SqliteCandleStore(openDb(':memory:'));
    await ensureSeeded(store, { dir });
    expect(store.list().map((m) => [m.symbol, m.timeframe, m.count, m.gaps])).toEqual([
      ['BTC/USDT', '1d', 3121, 0],
      ['BTC/USDT', '1m', 43208, 0],
    ]);
    expect(await ensureSeeded(store, { dir })).toEqual({ imported: [], failed: [] });
  });
});
