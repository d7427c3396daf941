import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../src/adapters/store/sqlite/db.js';
import { Outbox } from '../../../src/adapters/notify/telegram/outbox.js';

let dir: string;
let db: Db;
function open(max?: number): Outbox {
  dir ??= mkdtempSync(join(tmpdir(), 'tradetui-outbox-'));
  db = openDb(join(dir, 'tradetui.db'));
  return new Outbox(db, max);
}
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
  dir = undefined as unknown as string;
});

describe('telegram outbox', () => {
  it('merges consecutive pending rows of a chat into one message within the limit', () => {
    const o = open(30);
    o.enqueue(1, 'first', 'alert', 1);
    o.enqueue(1, 'second', 'alert', 2);
    o.enqueue(2, 'other chat', 'alert', 3);
    o.enqueue(1, 'x'.repeat(25), 'alert', 4);
    const b = o.nextBatch(1)!;
    expect(b.text).toBe('first\n\nsecond');
    expect(b.rows.map((r) => r.text)).toEqual(['first', 'second']);
    expect(o.pendingChats().sort()).toEqual([1, 2]);
  });

  it('sends a row with a keyboard alone', () => {
    const o = open();
    o.enqueue(1, 'a', 'alert', 1);
    o.enqueue(1, 'confirm?', 'confirm', 2, { inline_keyboard: [[{ text: 'OK', callback_data: 'cf:1' }]] });
    o.enqueue(1, 'b', 'alert', 3);
    expect(o.nextBatch(1)!.text).toBe('a');
    o.markSent(o.nextBatch(1)!.rows.map((r) => r.id), 10, 5);
    const k = o.nextBatch(1)!;
    expect(k.rows).toHaveLength(1);
    expect(JSON.parse(k.replyMarkup!).inline_keyboard[0][0].text).toBe('OK');
  });

  it('splits a long message into parts within the limit', () => {
    const o = open(20);
    const ids = o.enqueue(1, 'line one\nline two\nline three\nline four', 'reply', 1);
    expect(ids.length).toBeGreaterThan(1);
    for (const r of o.peek(1, 10)) expect(r.text.length).toBeLessThanOrEqual(20);
  });

  it('keeps unsent rows across a reopen and never returns sent or failed rows', () => {
    const o = open();
    const [a] = o.enqueue(1, 'a', 'alert', 1);
    const [b] = o.enqueue(1, 'b', 'alert', 1);
    o.enqueue(1, 'c', 'alert', 1);
    o.markSent([a!], 7, 2);
    o.markFailed([b!], 'chat not found', 3);
    db.close();
    const again = new Outbox((db = openDb(join(dir, 'tradetui.db'))));
    expect(again.count()).toBe(1);
    expect(again.nextBatch(1)!.text).toBe('c');
    expect(again.messageId(a!)).toBe(7);
  });

  it('marks a merged batch sent in one step, pointing the merged rows at the first', () => {
    const o = open();
    const ids = [...o.enqueue(1, 'a', 'alert', 1), ...o.enqueue(1, 'b', 'alert', 1)];
    o.markSent(ids, 3, 9);
    expect(o.count()).toBe(0);
    const rows = db.prepare('SELECT id, merged_into AS m, sent_at AS s FROM telegram_outbox ORDER BY id').all();
    expect(rows).toEqual([{ id: ids[0], m: null, s: 9 }, { id: ids[1], m: ids[0], s: 9 }]);
  });
});
