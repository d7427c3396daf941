// Builds dist/seed/tradetui.db: the shipped candles of data/ imported once, through the same validated import
// the app uses (ensureSeeded), into a database with every migration of this build applied. A new data directory
// starts as a copy of it (src/data/seed.ts createFromTemplate), so the very first start parses no CSV and
// migrates nothing (~80 migrations took tens of ms of the engine's start, on the way to the TUI's first frame).
// Each build writes its own template, so it never holds a migration the code beside it does not know.
// Runs after tsc (it imports the compiled modules from dist/src).
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openDb } from '../dist/src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../dist/src/adapters/store/sqlite/candle-cache.js';
import { ensureSeeded, seedTemplateFile } from '../dist/src/data/seed.js';

const target = seedTemplateFile();
const work = join(dirname(target), `build-${process.pid}.db`);
mkdirSync(dirname(target), { recursive: true });
for (const f of [work, `${work}-wal`, `${work}-shm`]) rmSync(f, { force: true });
// column files of an earlier template: their versions are not this one's
rmSync(join(dirname(target), 'candle-columns'), { recursive: true, force: true });

const db = openDb(work);
const report = await ensureSeeded(new SqliteCandleStore(db));
if (report.failed.length > 0) throw new Error(`shipped candles failed to import: ${report.failed.map((f) => f.error).join('; ')}`);
// VACUUM INTO writes one compact file with no WAL beside it; rename makes the template appear whole.
rmSync(`${target}.tmp`, { force: true });
db.exec(`VACUUM INTO '${`${target}.tmp`.replaceAll("'", "''")}'`);
db.close();
for (const f of [work, `${work}-wal`, `${work}-shm`]) rmSync(f, { force: true });
renameSync(`${target}.tmp`, target);

// The large markets' column files beside the template (candle-columns/), copied with it into a new data directory:
// the replay's first read of a market's whole history then skips SQLite's chunk blobs (tens of ms of the engine's
// start). A full read writes them, under the versions the template holds.
const template = openDb(target);
const cache = new SqliteCandleStore(template);
for (const key of cache.markets()) cache.read(key);
template.close();
if ([`${target}-wal`, `${target}-shm`].some((f) => existsSync(f))) throw new Error(`${target} was left with a WAL after writing its column files`);
