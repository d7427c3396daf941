// The Telegram outbox (table telegram_outbox, migration 30): every outgoing message is written here,
// synchronously, before anything is sent. The sender reads pending rows per chat, oldest first, and marks
// them sent once Telegram has accepted them; after a restart whatever is pending goes out, nothing twice.
import type { Db } from '../../store/sqlite/db.js';
import { splitHtml, TELEGRAM_MAX_LENGTH } from './html.js';

export type OutboxKind = 'alert' | 'reply' | 'confirm';

export interface OutboxRow {
  id: number;
  chatId: number;
  kind: OutboxKind;
  text: string;
  /** JSON of an inline keyboard, or null. */
  replyMarkup: string | null;
  createdAt: number;
  attempts: number;
}

interface RawRow {
  id: number;
  chat_id: number;
  kind: OutboxKind;
  text: string;
  reply_markup: string | null;
  created_at: number;
  attempts: number;
}

export class Outbox {
  private readonly insert;
  private readonly chats;
  private readonly peekStmt;
  private readonly countStmt;
  private readonly sentStmt;
  private readonly attemptStmt;
  private readonly failStmt;
  private readonly messageIdStmt;

  constructor(
    private readonly db: Db,
    private readonly maxLength = TELEGRAM_MAX_LENGTH,
  ) {
    this.insert = db.prepare('INSERT INTO telegram_outbox (chat_id, kind, text, reply_markup, created_at) VALUES (?, ?, ?, ?, ?)');
    this.chats = db.prepare('SELECT DISTINCT chat_id FROM telegram_outbox WHERE sent_at IS NULL AND failed_at IS NULL').pluck();
    this.peekStmt = db.prepare(
      'SELECT id, chat_id, kind, text, reply_markup, created_at, attempts FROM telegram_outbox WHERE chat_id = ? AND sent_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT ?',
    );
    this.countStmt = db.prepare('SELECT COUNT(*) FROM telegram_outbox WHERE sent_at IS NULL AND failed_at IS NULL').pluck();
    this.sentStmt = db.prepare('UPDATE telegram_outbox SET sent_at = ?, message_id = ?, merged_into = ?, attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL');
    this.attemptStmt = db.prepare('UPDATE telegram_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?');
    this.failStmt = db.prepare('UPDATE telegram_outbox SET failed_at = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?');
    this.messageIdStmt = db.prepare('SELECT message_id FROM telegram_outbox WHERE id = ?').pluck();
  }

  /**
   * Adds a message for one chat, split into parts of at most the length limit (a keyboard rides on the
   * last part). Synchronous: one small transaction, no network.
   */
  enqueue(chatId: number, text: string, kind: OutboxKind, now: number, replyMarkup: unknown = null): number[] {
    const parts = splitHtml(text, this.maxLength);
    const markup = replyMarkup == null ? null : JSON.stringify(replyMarkup);
    const ids: number[] = [];
    this.db.transaction(() => {
      parts.forEach((p, i) => {
        const r = this.insert.run(chatId, kind, p, i === parts.length - 1 ? markup : null, now);
        ids.push(Number(r.lastInsertRowid));
      });
    })();
    return ids;
  }

  pendingChats(): number[] {
    return this.chats.all() as number[];
  }

  peek(chatId: number, limit: number): OutboxRow[] {
    return (this.peekStmt.all(chatId, limit) as RawRow[]).map((r) => ({
      id: r.id,
      chatId: r.chat_id,
      kind: r.kind,
      text: r.text,
      replyMarkup: r.reply_markup,
      createdAt: r.created_at,
      attempts: r.attempts,
    }));
  }

  /**
   * The next message for a chat: the oldest pending row, merged with the rows after it while the text
   * fits (rows with a keyboard travel alone, so the buttons stay under their own question).
   */
  nextBatch(chatId: number): { rows: OutboxRow[]; text: string; replyMarkup: string | null } | null {
    const rows = this.peek(chatId, 200);
    if (rows.length === 0) return null;
    const first = rows[0]!;
    if (first.replyMarkup) return { rows: [first], text: first.text, replyMarkup: first.replyMarkup };
    const taken = [first];
    let text = first.text;
    for (const r of rows.slice(1)) {
      if (r.replyMarkup) break;
      const joined = `${text}\n\n${r.text}`;
      if (joined.length > this.maxLength) break;
      text = joined;
      taken.push(r);
    }
    return { rows: taken, text, replyMarkup: null };
  }

  count(): number {
    return this.countStmt.get() as number;
  }

  /** Marks the rows a request carried as sent (in one transaction, right after Telegram accepted it). */
  markSent(ids: readonly number[], messageId: number | null, now: number): void {
    this.db.transaction(() => {
      for (const id of ids) this.sentStmt.run(now, messageId, id === ids[0] ? null : ids[0], id);
    })();
  }

  markAttempt(ids: readonly number[], error: string): void {
    this.db.transaction(() => {
      for (const id of ids) this.attemptStmt.run(error, id);
    })();
  }

  /** Telegram refused the message for good (chat not found, bot blocked): it stays in the table, unsent. */
  markFailed(ids: readonly number[], error: string, now: number): void {
    this.db.transaction(() => {
      for (const id of ids) this.failStmt.run(now, error, id);
    })();
  }

  messageId(id: number): number | null {
    return (this.messageIdStmt.get(id) as number | null | undefined) ?? null;
  }
}
