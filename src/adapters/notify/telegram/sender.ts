// Sends the outbox to Telegram, asynchronously and never in the engine's way: per chat at most one message
// per `perChatIntervalMs` (queued rows are merged into one message instead of dropped), a global cap per
// second, `retry_after` honoured on 429, exponential back-off with jitter on network errors and 5xx, and a
// health record (connected / retrying / down) the TUI shows.
import { TelegramApiError, type Api } from 'node-telegram-bot-api';
import { stripHtml } from './html.js';
import type { Outbox } from './outbox.js';

export type TelegramState = 'disabled' | 'connecting' | 'connected' | 'retrying' | 'down';

export interface TelegramStatus {
  state: TelegramState;
  /** Messages waiting in the outbox. */
  queue: number;
  lastError: string | null;
  lastSentAt: number | null;
  /** Messages sent (requests that Telegram accepted) since start, and outbox rows they carried. */
  sent: number;
  merged: number;
  botUsername: string | null;
}

export interface Logger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * Connection health shared by the sender and the poller. Each reports for itself, so a working long poll
 * does not hide a send that is waiting out a 429 (and the other way round).
 */
export class Health {
  lastError: string | null = null;
  botUsername: string | null = null;
  private seenOk = false;
  private readonly failingSince = new Map<'send' | 'poll', number>();

  constructor(
    private readonly downAfterMs: number,
    private readonly now: () => number,
  ) {}

  get state(): TelegramState {
    if (this.failingSince.size === 0) return this.seenOk ? 'connected' : 'connecting';
    const since = Math.min(...this.failingSince.values());
    return this.now() - since >= this.downAfterMs ? 'down' : 'retrying';
  }

  ok(source: 'send' | 'poll'): void {
    this.seenOk = true;
    this.failingSince.delete(source);
  }

  fail(source: 'send' | 'poll', message: string): void {
    this.lastError = message;
    if (!this.failingSince.has(source)) this.failingSince.set(source, this.now());
  }
}

export interface SenderOptions {
  perChatIntervalMs: number;
  globalPerSecond: number;
  retryBaseMs: number;
  retryMaxMs: number;
  now: () => number;
  logger: Logger;
  /** Removes secrets from text that may be logged or shown. */
  redact: (s: string) => string;
  /** Called after a request succeeded, with the outbox ids it carried and Telegram's message id. */
  onSent?: (ids: readonly number[], messageId: number | null) => void;
}

export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxMs);
  return Math.round(exp * (0.5 + random() * 0.5));
}

export class Sender {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly lastSent = new Map<number, number>();
  private lastGlobal = -Infinity;
  private pausedUntil = 0;
  private failures = 0;
  private readonly stopSignal = new AbortController();
  sent = 0;
  merged = 0;
  lastSentAt: number | null = null;

  constructor(
    private readonly api: Api,
    private readonly outbox: Outbox,
    private readonly health: Health,
    private readonly o: SenderOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((err) => {
      this.o.logger.error({ err: this.o.redact(String(err)) }, 'telegram: sender stopped by an unexpected error');
    });
  }

  /** New rows are waiting (called after every enqueue; cheap). */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Stops after the request in flight (if any) has its answer, so no sent message stays marked unsent. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopSignal.abort();
    this.wake();
    await this.loop;
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      if (!this.running) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.stopSignal.signal.removeEventListener('abort', done);
        if (this.wakeUp === done) this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.stopSignal.signal.addEventListener('abort', done, { once: true });
      if (wakeable) this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    const globalGap = 1000 / this.o.globalPerSecond;
    while (this.running) {
      const now = this.o.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now, false);
        continue;
      }
      const chats = this.outbox.pendingChats();
      if (chats.length === 0) {
        await this.sleep(60_000, true);
        continue;
      }
      // The chat that may send soonest (fair: the least recently served wins ties).
      let chat = chats[0]!;
      let readyAt = Infinity;
      for (const c of chats) {
        const at = (this.lastSent.get(c) ?? -Infinity) + this.o.perChatIntervalMs;
        if (at < readyAt) {
          readyAt = at;
          chat = c;
        }
      }
      const wait = Math.max(readyAt, this.lastGlobal + globalGap) - now;
      if (wait > 0) {
        // Not wakeable: new rows must not hurry a rate-limited chat; they merge into its next message.
        await this.sleep(wait, false);
        continue;
      }
      await this.sendOne(chat);
    }
  }

  private async sendOne(chatId: number): Promise<void> {
    const batch = this.outbox.nextBatch(chatId);
    if (!batch) return;
    const ids = batch.rows.map((r) => r.id);
    const started = this.o.now();
    this.lastSent.set(chatId, started);
    this.lastGlobal = started;
    try {
      const msg = await this.send(chatId, batch.text, batch.replyMarkup, 'HTML');
      this.delivered(ids, msg);
    } catch (err) {
      await this.failed(err, chatId, ids, batch.text, batch.replyMarkup);
    }
  }

  private send(chatId: number, text: string, replyMarkup: string | null, parseMode: 'HTML' | null) {
    return this.api.sendMessage({
      chat_id: chatId,
      text,
      ...(parseMode ? { parse_mode: parseMode } : {}),
      link_preview_options: { is_disabled: true },
      ...(replyMarkup ? { reply_markup: JSON.parse(replyMarkup) } : {}),
    });
  }

  private delivered(ids: readonly number[], msg: { message_id?: number } | undefined): void {
    const t = this.o.now();
    const messageId = msg?.message_id ?? null;
    this.outbox.markSent(ids, messageId, t);
    this.sent++;
    this.merged += ids.length - 1;
    this.lastSentAt = t;
    this.failures = 0;
    this.health.ok('send');
    this.o.onSent?.(ids, messageId);
  }

  private async failed(err: unknown, chatId: number, ids: number[], text: string, replyMarkup: string | null): Promise<void> {
    const message = this.o.redact(err instanceof Error ? err.message : String(err));
    if (err instanceof TelegramApiError && err.errorCode === 429) {
      const secs = err.retryAfter ?? 1;
      this.pausedUntil = this.o.now() + secs * 1000;
      this.outbox.markAttempt(ids, message);
      this.health.fail('send', `rate limited by Telegram: retry after ${secs}s`);
      this.o.logger.warn({ retryAfter: secs }, 'telegram: 429 too many requests, waiting retry_after');
      return;
    }
    if (err instanceof TelegramApiError && err.errorCode >= 400 && err.errorCode < 500 && err.errorCode !== 401 && err.errorCode !== 404) {
      // Telegram refused this message itself (bad HTML, chat not found, bot blocked). Retrying would block
      // the chat's queue for ever: try once as plain text, else keep it marked failed in the outbox.
      if (err.errorCode === 400 && /pars|entit|tag/i.test(err.description)) {
        try {
          const msg = await this.send(chatId, stripHtml(text), replyMarkup, null);
          this.delivered(ids, msg);
          this.o.logger.warn({ chatId }, 'telegram: HTML refused, sent as plain text');
          return;
        } catch {
          // the plain-text retry was refused too: the original refusal stays the reason
        }
      }
      this.outbox.markFailed(ids, message, this.o.now());
      this.o.logger.error({ chatId, error: message }, 'telegram: message refused by Telegram, not retried');
      this.health.lastError = message;
      return;
    }
    // Network error, timeout, 5xx, or 401/404 (a wrong token or api root: the messages must not be lost).
    this.failures++;
    const wait = backoffMs(this.failures, this.o.retryBaseMs, this.o.retryMaxMs);
    this.pausedUntil = this.o.now() + wait;
    this.outbox.markAttempt(ids, message);
    this.health.fail('send', message);
    this.o.logger.warn({ attempt: this.failures, retryInMs: wait, error: message }, 'telegram: send failed, backing off');
  }
}
