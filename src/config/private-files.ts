// Files that hold the account, trades, Telegram audit and outbox (database, WAL, log) are the trader's
// alone: created owner-only (0600, data directory 0700) whatever the umask, and tightened when an older
// version left them readable by others.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Creates `dir` (and parents) if missing; the data directory itself ends up 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
}

/** Creates `file` empty if missing and makes it 0600 (SQLite gives its -wal and -shm files the same mode). */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  tighten(file, 0o600);
}

/** Removes group and other bits from an existing file (only ones we own; chmod of others' files fails anyway). */
export function tightenIfExists(file: string): void {
  if (existsSync(file)) tighten(file, 0o600);
}

function tighten(path: string, mode: number): void {
  if (process.platform === 'win32') return;
  const st = statSync(path);
  if ((st.mode & 0o077) === 0) return;
  if (process.getuid && st.uid !== process.getuid()) return;
  chmodSync(path, mode);
}

/** Whether a config file others can read holds credentials: the caller warns (it may be intended, but rarely is). */
export function readableByOthers(file: string): boolean {
  if (process.platform === 'win32') return false;
  return (statSync(file).mode & 0o044) !== 0;
}
