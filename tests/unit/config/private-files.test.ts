// The database, its WAL, the log and the data directory are owner-only whatever the umask; a config with
// credentials that others can read is warned about.
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { createLogger } from '../../../src/app/logger.js';
import { loadConfig } from '../../../src/config/load.js';
import { tempDir } from '../../support/run-cli.js';

const mode = (f: string): number => statSync(f).mode & 0o777;
let oldMask = 0;
beforeEach(() => {
  oldMask = process.umask(0o000); // the most permissive umask there is
});
afterEach(() => {
  process.umask(oldMask);
});

describe('owner-only files', () => {
  it('creates the data dir 0700 and the database, WAL and log 0600 under umask 000', () => {
    const dir = join(tempDir(), 'data');
    const db = openDb(join(dir, 'tradetui.db'));
    db.prepare('CREATE TABLE t (x)').run();
    db.prepare('INSERT INTO t VALUES (1)').run();
    const log = createLogger(join(dir, 'tradetui.log'));
    log.info('hello');
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'tradetui.db'))).toBe(0o600);
    expect(mode(join(dir, 'tradetui.db-wal'))).toBe(0o600);
    expect(mode(join(dir, 'tradetui.db-shm'))).toBe(0o600);
    expect(mode(join(dir, 'tradetui.log'))).toBe(0o600);
    db.close();
  });

  it('tightens a database and log an older version left world-readable', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'tradetui.log'), '', { mode: 0o644 });
    openDb(join(dir, 'tradetui.db')).close();
    chmodSync(join(dir, 'tradetui.db'), 0o644);
    openDb(join(dir, 'tradetui.db')).close();
    createLogger(join(dir, 'tradetui.log'));
    expect(mode(join(dir, 'tradetui.db'))).toBe(0o600);
    expect(mode(join(dir, 'tradetui.log'))).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
  });

  it('warns when a config holding credentials is readable by others, not otherwise', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'c'));
    const withSecret = join(dir, 'c', 'secret.yaml');
    writeFileSync(withSecret, 'telegram:\n  token: "1:abc"\n  allowedChatIds: [1]\n', { mode: 0o644 });
    expect(loadConfig({ configFile: withSecret, env: {} }).warnings.join()).toMatch(/credentials.*chmod 600/);
    chmodSync(withSecret, 0o600);
    expect(loadConfig({ configFile: withSecret, env: {} }).warnings).toEqual([]);
    const plain = join(dir, 'c', 'plain.yaml');
    writeFileSync(plain, 'account:\n  balance: 500\n', { mode: 0o644 });
    expect(loadConfig({ configFile: plain, env: {} }).warnings).toEqual([]);
  });
});
