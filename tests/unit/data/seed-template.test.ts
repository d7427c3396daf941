// A new data directory starts as a copy of the seeded template built by `npm run build`; nothing else is
// ever replaced by it.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { MIGRATIONS } from '../../../src/adapters/store/sqlite/migrations.js';
import { SqliteCandleStore } from '../../../src/adapters/store/sqlite/candle-cache.js';
import { createFromTemplate, ensureSeeded, seedTemplateFile, shippedFiles } from '../../../src/data/seed.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'tradetui-template-'));

describe('seeded template database', () => {
  it('is built by npm run build and holds every shipped file, so seeding a copy imports nothing', async () => {
    expect(existsSync(seedTemplateFile()), 'dist/seed/tradetui.db is missing: run npm run build').toBe(true);
    const file = join(dir(), 'sub', 'tradetui.db');
    expect(createFromTemplate(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Every migration of this build is in it already: the first start migrates nothing.
    const copy = new Database(file, { readonly: true });
    expect(copy.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
    copy.close();
    const db = openDb(file);
    const store = new SqliteCandleStore(db);
    const report = await ensureSeeded(store);
    expect(report).toEqual({ imported: [], failed: [] });
    const markets = store.markets().map((k) => `${k.exchange} ${k.symbol} ${k.timeframe}`).sort();
    expect(markets).toEqual([...new Set(shippedFiles().map((f) => `${f.key.exchange} ${f.key.symbol} ${f.key.timeframe}`))].sort());
    // The large markets' column files came with it: the replay's first whole-history read is one file read,
    // and it holds exactly the candles SQLite holds.
    const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
    const fromColumns = store.read(key);
    expect(store.lastReadSource).toBe('columns');
    const raw = new Database(file, { readonly: true });
    expect(fromColumns.length).toBe(raw.prepare('SELECT SUM(count) FROM candle_chunks WHERE exchange = ? AND symbol = ? AND timeframe = ?').pluck().get('binance', 'BTC/USDT', '1h'));
    raw.close();
    db.close();
  });

  it('never replaces an existing database, even an empty one, nor one whose WAL remains', () => {
    const template = join(dir(), 'template.db');
    writeFileSync(template, 'TEMPLATE');
    const empty = join(dir(), 'tradetui.db');
    writeFileSync(empty, '');
    expect(createFromTemplate(empty, template)).toBe(false);
    expect(readFileSync(empty, 'utf8')).toBe('');

    const walOnly = join(dir(), 'tradetui.db');
    writeFileSync(`${walOnly}-wal`, 'pages');
    expect(createFromTemplate(walOnly, template)).toBe(false);
    expect(existsSync(walOnly)).toBe(false);
  });

  it('copies once when two starts race, and does nothing without a template', () => {
    const template = join(dir(), 'template.db');
    writeFileSync(template, 'TEMPLATE');
    const file = join(dir(), 'tradetui.db');
    expect([createFromTemplate(file, template), createFromTemplate(file, template)]).toEqual([true, false]);
    expect(readFileSync(file, 'utf8')).toBe('TEMPLATE');
    expect(createFromTemplate(join(dir(), 'tradetui.db'), join(dir(), 'absent.db'))).toBe(false);
  });
});
