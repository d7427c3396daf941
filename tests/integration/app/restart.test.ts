// Quitting, or being killed with SIGKILL at any moment, and starting again resumes the same strategies,
// positions, balance and history, and never applies a fill twice.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { ROOT, tempDir } from '../../support/run-cli.js';

const config = parseConfig({ paper: { speed: 200, replayFrom: '2026-01-01', instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] } });

function dbState(dataDir: string) {
  const db = new Database(join(dataDir, 'tradetui.db'), { readonly: true });
  try {
    return {
      cash: db.prepare('SELECT cash FROM account').pluck().get() as number,
      positions: db.prepare('SELECT id, qty, entry_price FROM positions ORDER BY id').all(),
      trades: db.prepare('SELECT COUNT(*) FROM trades').pluck().get() as number,
      fills: db.prepare('SELECT COUNT(*) FROM fills').pluck().get() as number,
      cursor: db.prepare('SELECT cursor_time FROM instances').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('restart after SIGKILL', () => {
  it('resumes cash, positions and the replay where the last committed candle left them', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), '--headless', '--speed', '200'], {
      cwd: ROOT,
      env: { ...process.env, TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: tempDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // Kill it in the middle of the replay, after a few trades.
    await waitFor(() => (out.match(/^trade /gm) ?? []).length >= 3, 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));

    const before = dbState(dataDir);
    expect(before.trades).toBeGreaterThanOrEqual(3);
    const ids = new Database(join(dataDir, 'tradetui.db'), { readonly: true });
    const dupFills = ids.prepare('SELECT COUNT(*) FROM (SELECT order_id FROM fills GROUP BY order_id HAVING COUNT(*) > 1)').pluck().get();
    ids.close();
    expect(dupFills).toBe(0);

    const app = await createApp({ config, dataDir, logger: createLogger(null) });
    try {
      const snap = app.snapshot();
      expect(snap.cash).toBeCloseTo(before.cash, 9);
      expect(snap.positions.map((p) => [p.id, p.qty, p.entryPrice])).toEqual(before.positions.map((p: any) => [p.id, p.qty, p.entry_price]));
      expect(snap.instances[0]!.trades).toBe(before.trades);
      expect(snap.instances[0]!.running).toBe(true);
      // The signals pane shows the decisions made before the crash.
      expect(snap.signals.length).toBeGreaterThan(0);
      expect(snap.signals[0]!.strategy).toBe('ma-cross');
      expect(snap.signals.map((x) => x.time)).toEqual([...snap.signals.map((x) => x.time)].sort((a, b) => b - a));
      // The replay continues with the candle after the last committed one: never the same candle twice.
      const first = new Promise<number>((resolve) => app.bus.on('candle', (e) => resolve(e.candle.time)));
      await app.start();
      expect(await first).toBe(before.cursor + 3_600_000);
    } finally {
      await app.stop();
    }
    const after = dbState(dataDir);
    expect(after.fills).toBeGreaterThanOrEqual(before.fills);
  });
});
