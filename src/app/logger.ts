// The log goes to a file in the data dir, never onto the screen (the TUI owns the terminal). Writes are
// synchronous (the last lines before a crash must reach the file), rotated by size (tradetui.log,
// tradetui.log.1 … .N), and can never kill the process: a failed write (disk full, ENOSPC) drops the line,
// counts it, and says how many were lost once writing works again.
import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import type { LogEntry } from '../engine/viewer-api.js';

export type { LogEntry };
import { ensurePrivateDir, ensurePrivateFile } from '../config/private-files.js';

export type Logger = pino.Logger;

export interface LogFileOptions {
  /** Rotate when the file would grow past this many bytes. */
  maxBytes?: number;
  /** Rotated files kept (tradetui.log.1 is the newest). */
  keep?: number;
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/**
 * ccxt's credential names (and Telegram's token) wherever a log call puts them, top level included, up to three
 * levels deep (`config.exchange.secret`): a logged object never writes a key to the file or the Log window.
 */
const CREDENTIALS = ['apiKey', 'secret', 'token', 'password', 'passphrase', 'uid', 'login', 'twofa', 'privateKey', 'walletAddress', 'accountId', 'headers'];
const REDACTED_PATHS = CREDENTIALS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
const DEFAULT_KEEP = 3;

export function createLogger(file: string | null, level = 'info', opts: LogFileOptions = {}): Logger {
  if (!file) return pino({ level: 'silent' });
  const dest = new RotatingLogFile(file, opts);
  const logger = pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '***' } },
    dest,
  );
  tails.set(logger, dest);
  return logger;
}

const LEVELS: Record<number, LogEntry['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LEVEL_RANK: Record<LogEntry['level'], number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
/** Lines kept in memory for the views: enough for a screen's scrollback, small enough to send whole. */
export const LOG_TAIL_LINES = 500;

const tails = new WeakMap<Logger, RotatingLogFile>();

/**
 * The newest lines the logger wrote (as written, after redaction), at or above `level`, oldest first: what the Log
 * window shows, without reading the file back. Empty for a logger without a file.
 */
export function recentLog(logger: Logger, opts: { level?: LogEntry['level']; limit?: number; after?: number } = {}): LogEntry[] {
  const dest = tails.get(logger);
  if (!dest) return [];
  const min = LEVEL_RANK[opts.level ?? 'trace'];
  const out: LogEntry[] = [];
  for (const { seq, line } of dest.recent()) {
    if (opts.after !== undefined && seq <= opts.after) continue;
    const e = parseLogLine(seq, line);
    if (LEVEL_RANK[e.level] >= min) out.push(e);
  }
  return opts.limit !== undefined ? out.slice(-opts.limit) : out;
}

export function parseLogLine(seq: number, line: string): LogEntry {
  try {
    const { level, time, msg, pid: _pid, hostname: _host, ...rest } = JSON.parse(line) as Record<string, unknown>;
    void _pid;
    void _host;
    const detail = Object.keys(rest).length > 0 ? JSON.stringify(rest) : '';
    return {
      seq,
      time: typeof time === 'number' ? time : 0,
      level: LEVELS[typeof level === 'number' ? level : 30] ?? 'info',
      msg: typeof msg === 'string' ? msg : '',
      detail: detail.length > 300 ? `${detail.slice(0, 299)}…` : detail,
    };
  } catch {
    return { seq, time: 0, level: 'info', msg: line.trim().slice(0, 300), detail: '' };
  }
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
  /** The newest lines, for the views (ring of LOG_TAIL_LINES); kept even when the disk refuses the write. */
  private readonly tail: Array<{ seq: number; line: string }> = [];
  private seq = 0;
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
    this.tail.push({ seq: ++this.seq, line });
    if (this.tail.length > LOG_TAIL_LINES) this.tail.shift();
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

  /** The newest lines written, oldest first. */
  recent(): ReadonlyArray<{ seq: number; line: string }> {
    return this.tail;
  }

  /** pino calls this on flushSync(); writes are already synchronous. */
  flushSync(): void {}
}
