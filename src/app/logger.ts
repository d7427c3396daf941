// The log goes to a file in the data dir, never onto the screen (the TUI owns the terminal).
import { dirname } from 'node:path';
import pino from 'pino';
import { ensurePrivateDir, ensurePrivateFile } from '../config/private-files.js';

export type Logger = pino.Logger;

export function createLogger(file: string | null, level = 'info'): Logger {
  if (!file) return pino({ level: 'silent' });
  ensurePrivateDir(dirname(file));
  ensurePrivateFile(file); // the log names trades and Telegram users: owner-only
  // Synchronous writes: the last lines before a crash must reach the file.
  return pino({ level, redact: { paths: ['*.token', '*.apiKey', '*.secret', 'config.telegram.token', 'config.exchange.apiKey', 'config.exchange.secret'], censor: '***' } }, pino.destination({ dest: file, sync: true, mkdir: true }));
}
