// Shared set-up for the Telegram integration tests: the fake Bot API server, a temporary tradetui.db with
// all migrations, a FakeEngine, the real bot started through startTelegram() with short timings, and a
// logger that records every line (to prove the token never appears).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../../src/adapters/store/sqlite/db.js';
import { startTelegram, type TelegramHandle } from '../../../src/adapters/notify/telegram/index.js';
import { telegramSchema, type TelegramConfig } from '../../../src/config/telegram-schema.js';
import { FakeEngine } from '../../support/fake-engine-telegram.js';
import { FakeTelegram } from '../../support/fake-telegram.js';

export const CHAT = 4242;
export const STRANGER = 6666;

export class RecordingLogger {
  readonly lines: Array<{ level: string; args: unknown[] }> = [];
  info = (...args: unknown[]) => this.lines.push({ level: 'info', args });
  warn = (...args: unknown[]) => this.lines.push({ level: 'warn', args });
  error = (...args: unknown[]) => this.lines.push({ level: 'error', args });
  text(): string {
    return JSON.stringify(this.lines);
  }
}

export interface Harness {
  tg: FakeTelegram;
  engine: FakeEngine;
  db: Db;
  dir: string;
  logger: RecordingLogger;
  config: TelegramConfig;
  bot: TelegramHandle;
  /** Starts another bot over the same db (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function testConfig(tg: FakeTelegram, over: Record<string, unknown> = {}): TelegramConfig {
  return telegramSchema.parse({
    token: tg.token,
    allowedChatIds: [CHAT],
    apiRoot: tg.apiRoot,
    pollTimeoutSeconds: 1,
    perChatIntervalMs: 40,
    retryBaseMs: 30,
    retryMaxMs: 200,
    downAfterMs: 150,
    requestTimeoutMs: 2_000,
    dailySummary: { enabled: false },
    ...over,
  });
}

export async function harness(over: Record<string, unknown> = {}, engine = new FakeEngine(), now?: () => number): Promise<Harness> {
  const tg = await FakeTelegram.start();
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-tg-'));
  const db = openDb(join(dir, 'tradetui.db'));
  const logger = new RecordingLogger();
  const config = testConfig(tg, over);
  const h: Harness = {
    tg,
    engine,
    db,
    dir,
    logger,
    config,
    bot: startTelegram({ api: engine, db, config, logger, now }),
    async restart() {
      await h.bot.stop();
      h.bot = startTelegram({ api: engine, db, config, logger, now });
    },
    async close() {
      await h.bot.stop();
      await tg.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Sends a message as the trader and waits for `n` new bot messages to that chat; returns them. */
export async function ask(h: Harness, text: string, n = 1, chat = CHAT): Promise<string[]> {
  const before = h.tg.messagesTo(chat).length;
  h.tg.pushMessage(chat, text);
  await h.tg.waitFor(() => h.tg.messagesTo(chat).length >= before + n, 10_000, `answer to ${text}`);
  return h.tg.messagesTo(chat).slice(before).map((m) => m.text);
}
