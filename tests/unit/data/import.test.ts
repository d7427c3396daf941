import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MarketKey } from '../../../src/core/candle.js';
import { UserError } from '../../../src/core/errors.js';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore, type CandleCache } from '../../../src/adapters/store/sqlite/candle-cache.js';
import { MemoryCandleStore } from '../../../src/adapters/store/memory/candle-store.js';
import { importCsv } from '../../../src/data/import.js';

const HEADER = 'timestamp,open,high,low,close,volume';
const H = 3_600_000;
const T0 = 1_704_067_200_000;
const KEY: MarketKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };

function file(name: string, ...rows: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-import-'));
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...rows].join('\n') + '\n');
  return path;
}

const row = (i: number, close = 1.5) => `${T0 + i * H},1,2,0.5,${close},3`;

describe.each([
  ['sqlite', (): CandleCache => new SqliteCandleStore(openDb(':memory:'))],
  ['memory', (): CandleCache => new MemoryCandleStore()],
])('importCsv (%s)', (_name, make) => {
  it('imports a file and reports rows, inserted, range and gaps; records the source', async () => {
    const store = make();
    const f = file('a.csv', row(0), row(1), row(5));
    const r = await importCsv(store, f, KEY);
    expect(r).toMatchObject({ file: f, rows: 3, candles: 3, inserted: 3, unchanged: 0, skipped: [], first: T0, last: T0 + 5 * H, gaps: 1, largestGap: 3 });
    expect(store.read(KEY).length).toBe(3);
    expect(store.sources(KEY)).toMatchObject([{ source: resolve(f), rows: 3 }]);
  });

  it('importing the same file again inserts nothing', async () => {
    const store = make();
    const f = file('a.csv', row(0), row(1), row(2));
    await importCsv(store, f, KEY);
    const again = await importCsv(store, f, KEY);
    expect(again.inserted).toBe(0);
    expect(again.unchanged).toBe(3);
    expect(store.read(KEY).length).toBe(3);
  });

  it('a bad row fails the import and writes nothing', async () => {
    const store = make();
    const f = file('bad.csv', row(0), row(1), `${T0 + 2 * H},1,2,0.5,1.5,-1`);
    await expect(importCsv(store, f, KEY)).rejects.toMatchObject({ where: `${f}:4` });
    expect(store.read(KEY).length).toBe(0);
    expect(store.sources()).toEqual([]);
  });

  it('a row contradicting the cache fails with the time and file, and writes none of the file', async () => {
    const store = make();
    await importCsv(store, file('a.csv', row(0), row(1)), KEY);
    const f = file('b.csv', row(1, 1.75), row(2), row(3));
    const err = await importCsv(store, f, KEY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).where).toBe(f);
    expect((err as UserError).message).toContain(new Date(T0 + H).toISOString());
    expect(store.read(KEY).length).toBe(2);
    expect(store.sources()).toHaveLength(1);
  });

  it('with skipInvalid imports the good rows and lists the skipped ones', async () => {
    const store = make();
    const f = file('mixed.csv', row(0), `${T0 + H},1,0.9,0.5,1.5,3`, row(2));
    const r = await importCsv(store, f, KEY, { skipInvalid: true });
    expect(r.inserted).toBe(2);
    expect(r.skipped).toEqual([{ line: 3, field: 'high', value: '0.9', reason: expect.stringContaining('below') }]);
    expect(store.read(KEY).length).toBe(2);
  });
});
