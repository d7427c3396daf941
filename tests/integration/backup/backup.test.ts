// `tradetui backup [FILE]` copies the database consistently, owner-only, never over an existing file, and
// the documented restore (copy the backup to tradetui.db) gives back the same account.
import { copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { PaperStore } from '../../../src/adapters/store/sqlite/paper-store.js';
import { tempDir } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

describe('tradetui backup', () => {
  it('copies the account while the database is open, refuses to overwrite, and restores by copying back', async () => {
    const dataDir = tempDir();
    const db = openDb(join(dataDir, 'tradetui.db'));
    const store = new PaperStore(db);
    store.createAccount(12_345, 'USDT', 1);
    store.saveAccount(11_111.5, 3.25, -1_230, 2);
    // Left open, as a running tradetui would: the copy must still be consistent (WAL contents included).
    const target = join(tempDir(), 'before-upgrade.db');
    const r = await runCli(['backup', target], { dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(target);
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const again = await runCli(['backup', target], { dataDir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);

    const auto = await runCli(['backup', '--json'], { dataDir });
    expect(auto.code, auto.stderr).toBe(0);
    expect(readdirSync(join(dataDir, 'backups'))).toHaveLength(1);
    expect(JSON.parse(auto.stdout).file).toMatch(/backups\/tradetui-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.db$/);
    db.close();

    // Restore, as the README says: copy the backup to tradetui.db in a data directory.
    const restored = tempDir();
    copyFileSync(target, join(restored, 'tradetui.db'));
    const back = openDb(join(restored, 'tradetui.db'));
    const account = new PaperStore(back).load()!.account;
    expect(account.cash).toBe(11_111.5);
    expect(account.feesPaid).toBe(3.25);
    back.close();
  }, 60_000);

  it('says so when there is no database yet (exit 2)', async () => {
    const dataDir = tempDir();
    const r = await runCli(['backup'], { dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no database to back up/);
    expect(existsSync(join(dataDir, 'backups'))).toBe(false);
  }, 60_000);
});
