// A database that is not tradetui's, is damaged, or has lost its file while its WAL holds data is refused
// before anything is written, with an error that names the file and says what to do.
import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { PaperStore } from '../../../src/adapters/store/sqlite/paper-store.js';
import { UserError } from '../../../src/core/errors.js';
import { tempDir } from '../../support/run-cli.js';

function refused(file: string): UserError {
  try {
    openDb(file).close();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected the database to be refused');
}

function accountDb(file: string): void {
  const db = openDb(file);
  const store = new PaperStore(db);
  store.createAccount(10_000, 'USDT', 1);
  store.nextSession();
  db.prepare('CREATE TABLE IF NOT EXISTS filler (x TEXT)').run();
  const ins = db.prepare('INSERT INTO filler VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) ins.run(`row ${i} ${'x'.repeat(100)}`);
  })();
  db.close();
}

describe('opening tradetui.db', () => {
  it('refuses a file that is not SQLite, naming it, and leaves it untouched', () => {
    const file = join(tempDir(), 'tradetui.db');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    const before = readFileSync(file);
    const e = refused(file);
    expect(e.where).toBe(file);
    expect(e.message).toMatch(/not a tradetui database.*restore a backup.*move it away/);
    expect(e.exitCode).toBe(2);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('detects a damaged database before writing to it (the session counter does not move)', () => {
    const file = join(tempDir(), 'tradetui.db');
    accountDb(file);
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over every page but the first (sqlite_master): table pages are damaged.
    for (let p = 1; p * pageSize < bytes.length; p++) bytes.fill(0xa5, p * pageSize + 8, p * pageSize + 64);
    writeFileSync(file, bytes);
    const e = refused(file);
    expect(e.where).toBe(file);
    expect(e.message).toMatch(/damaged|not a tradetui database/);
    expect(e.message).toMatch(/restore a backup/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses an empty database file whose WAL holds data, instead of starting a new account', () => {
    const dir = tempDir();
    const file = join(dir, 'tradetui.db');
    const db = openDb(file);
    db.pragma('wal_autocheckpoint = 0');
    new PaperStore(db).createAccount(5_000, 'USDT', 1);
    copyFileSync(`${file}-wal`, join(dir, 'saved-wal'));
    db.close();
    truncateSync(file, 0);
    copyFileSync(join(dir, 'saved-wal'), `${file}-wal`);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    const e = refused(file);
    expect(e.where).toBe(file);
    expect(e.message).toMatch(/is empty but its write-ahead log .*-wal holds data/);
    expect(statSync(file).size).toBe(0);
  });

  it('refuses an SQLite database that is not tradetui\'s', async () => {
    const file = join(tempDir(), 'other.db');
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(file);
    other.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)');
    other.close();
    expect(refused(file).message).toMatch(/not tradetui's/);
  });
});
