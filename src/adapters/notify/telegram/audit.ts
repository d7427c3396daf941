// The audit trail of state-changing Telegram commands (table telegram_audit, migration 30): who (chat, user),
// when, what, and how it ended (ok, failed, cancelled, expired, denied for chats that are not allowed).
import type { Db } from '../../store/sqlite/db.js';

export type AuditResult = 'ok' | 'failed' | 'cancelled' | 'expired' | 'denied';

export interface AuditEntry {
  time: number;
  chatId: number;
  userId: number | null;
  username: string | null;
  command: string;
  args: string;
  result: AuditResult;
  message: string;
}

export class Audit {
  private readonly insert;
  private readonly recentStmt;
  private readonly pruneOld;
  private readonly pruneExcess;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO telegram_audit (time, chat_id, user_id, username, command, args, result, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.recentStmt = db.prepare(
      'SELECT time, chat_id AS chatId, user_id AS userId, username, command, args, result, message FROM telegram_audit ORDER BY id DESC LIMIT ?',
    );
    this.pruneOld = db.prepare("DELETE FROM telegram_audit WHERE result = 'denied' AND time < ?");
    this.pruneExcess = db.prepare(
      "DELETE FROM telegram_audit WHERE result = 'denied' AND id NOT IN (SELECT id FROM telegram_audit WHERE result = 'denied' ORDER BY id DESC LIMIT ?)",
    );
  }

  /**
   * Drops denied rows (strangers) older than `before` and beyond the newest `maxRows`; the rows of allowed
   * users' commands are the trader's history and stay.
   */
  prune(before: number, maxRows: number): number {
    const old = this.pruneOld.run(before).changes;
    return old + this.pruneExcess.run(maxRows).changes;
  }

  record(e: AuditEntry): void {
    this.insert.run(e.time, e.chatId, e.userId, e.username, e.command.slice(0, 64), e.args.slice(0, 256), e.result, e.message.slice(0, 1000));
  }

  /** Newest first. */
  recent(limit = 50): AuditEntry[] {
    return this.recentStmt.all(limit) as AuditEntry[];
  }
}
