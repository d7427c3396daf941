// The log goes to a file in the data dir, never onto the screen (the TUI owns the terminal). Writes are
// synchronous (the last lines before a crash must reach the file), rotated by size (tradetui.log,
// tradetui.log.1 … .N), and can never kill the process: a failed write (disk full, ENOSPC) drops the line,
// counts it, and says how many were lost once writing works again.
import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import { ensurePrivateDir, ensurePrivateFile } from '../config/private-files.js';

export type Logger = pino.Logger;

export interface LogFileOptions {
  /** Rotate when the file would grow past this many bytes. */
  maxBytes?: number;
  /** Rotated files kept (tradetui.log.1 is the newest). */
  keep?: number;
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_KEEP = 3;

export function createLogger(file: string | null, level = 'info', opts: LogFileOptions = {}): Logger {
  if (!file) return pino({ level: 'silent' });
  return pino(
    { level, redact: { paths: ['*.token', '*.apiKey', '*.secret', 'config.telegram.token', 'config.exchange.apiKey', 'config.exchange.secret'], censor: '***' } },
    new RotatingLogFile(file, opts),
  );
}

/**
 * A pino destination: one synchronous write per line, a size check instead of a rotation transport (pino's
 * transports run in a worker thread and write asynchronously, which loses the last lines on a crash).
 */
export class RotatingLogFile {
  private fd: number | null = null;
  private size = 0;
  /** Lines lost to write errors since the last successful write. */
  dropped = 0;
  lastError: string | null = null;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(
    readonly file: string,
    opts: LogFileOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.keep = Math.max(1, opts.keep ?? DEFAULT_KEEP);
    ensurePrivateDir(dirname(file));
    ensurePrivateFile(file); // the log names trades and Telegram users: owner-only
    this.open();
  }

  write(line: string): boolean {
    try {
      if (this.fd === null) this.open();
      if (this.dropped > 0) {
        const note = `${JSON.stringify({ level: 40, time: Date.now(), msg: `log: ${this.dropped} line(s) were lost to write errors (${this.lastError})` })}\n`;
        this.append(note);
        this.dropped = 0;
      }
      if (this.size > 0 && this.size + Buffer.byteLength(line) > this.maxBytes) this.rotate();
      this.append(line);
    } catch (err) {
      // Never let logging end the process (ENOSPC, EIO, a removed disk): drop the line, remember why.
      this.dropped++;
      this.lastError = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    return true;
  }

  private append(text: string): void {
    const n = writeSync(this.fd!, text);
    this.size += n;
  }

  private open(): void {
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = existsSync(this.file) ? statSync(this.file).size : 0;
  }

  private rotate(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    for (let i = this.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    }
    renameSync(this.file, `${this.file}.1`);
    ensurePrivateFile(this.file);
    this.open();
  }

  /** pino calls this on flushSync(); writes are already synchronous. */
  flushSync(): void {}
}
