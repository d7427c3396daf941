// --headless prints an event only after the engine step that made it has committed, and never when the step
// rolled back (disk full: the step is held and made again later): every line printed is in the database
// under the id printed, and no restart or retry prints it again.
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runHeadless } from '../../../src/app/headless.js';
import { EventBus } from '../../../src/engine/bus.js';

describe('headless output', () => {
  it('holds lines emitted inside a transaction until it commits, drops them when it rolls back, in order', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x)');
    const bus = new EventBus();
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    let finish: () => void = () => {};
    const finished = new Promise<void>((r) => (finish = r));
    const settled = new Set<(committed: boolean) => void>();
    const onSettled = (l: (committed: boolean) => void) => {
      settled.add(l);
      return () => settled.delete(l);
    };
    /** A step as the app's persistence runs it: one transaction, then its listeners hear how it ended. */
    const step = (run: () => void): void => {
      try {
        db.transaction(run)();
      } catch {
        for (const l of settled) l(false);
        return;
      }
      for (const l of settled) l(true);
    };
    const app = { bus, db, finished, onSettled, start: async () => {}, stop: async () => {} };
    const running = runHeadless(app as never, { json: true, out });
    await new Promise((r) => setImmediate(r));
    const alert = (id: string) => ({ type: 'alert' as const, alert: { id, time: 0, severity: 'info' as const, category: 'system' as const, message: id } });
    step(() => {
      db.prepare('INSERT INTO t VALUES (1)').run();
      bus.emit(alert('a1'));
      bus.emit(alert('a2'));
      expect(text).toBe(''); // not committed yet: a SIGKILL here must leave nothing printed
    });
    step(() => {
      bus.emit(alert('a-rolled-back'));
      throw new Error('SQLITE_FULL');
    });
    bus.emit(alert('a3')); // outside any transaction: printed at once, after the committed ones
    expect(text.trim().split('\n').map((l) => JSON.parse(l).alert.id)).toEqual(['a1', 'a2', 'a3']);
    finish();
    await running;
  });
});
