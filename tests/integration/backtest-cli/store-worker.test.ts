// Storing a run from a worker thread while it is printed (backtest/run-writer.ts; long --json runs, or forced with
// TRADETUI_BACKTEST_STORE=worker): the stored run is what was printed and holds the same bytes as a run stored
// inline; a store that fails is named after the output with the database, and the command exits 1; and a
// kill -9 of the real process at each step leaves no half-written run, only (at worst) a skipped id.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storeInWorker } from '../../../src/cli/backtest.js';
import { cliInProcess } from '../../support/cli-in-process.js';
import { runCli, tempDir } from '../../support/run-cli.js';

// June 2025 of the shipped BTC minutes: ~43,000 candles and ~1,500 trades.
const RUN = ['backtest', '--strategy', 'rsi-macd', '--symbol', 'BTC/USDT', '--timeframe', '1m'];
const WORKER = { TRADETUI_BACKTEST_STORE: 'worker' };
const INLINE = { TRADETUI_BACKTEST_STORE: 'inline' };

type Row = Record<string, unknown>;

/** The run's row and trades as stored, without what differs between two stores of one run (id, time). */
function storedRows(dataDir: string, id: number): { run: Row; trades: Row[] } | null {
  const db = new Database(join(dataDir, 'tradetui.db'), { readonly: true });
  try {
    const run = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    const trades = db.prepare('SELECT * FROM run_trades WHERE run_id = ? ORDER BY seq').all(id) as Row[];
    if (!run) {
      expect(trades).toEqual([]);
      return null;
    }
    const { id: _id, created_at: _at, ...rest } = run;
    return { run: rest, trades: trades.map(({ run_id: _r, ...t }) => t) };
  } finally {
    db.close();
  }
}

const runId = (json: string): number => (JSON.parse(json) as { runs: Array<{ id: number }> }).runs[0]!.id;
const withoutIdentity = (json: string): unknown => JSON.parse(json.replace(/"id": \d+/g, '"id": 0').replace(/"createdAt": "[^"]*"/g, '"createdAt": ""').replace(/run-\d+/g, 'run-0').replace(/"\d+:(\d+)"/g, '"0:$1"'));

describe('which runs the worker stores', () => {
  const saved = process.env.TRADETUI_BACKTEST_STORE;
  afterEach(() => {
    if (saved === undefined) delete process.env.TRADETUI_BACKTEST_STORE;
    else process.env.TRADETUI_BACKTEST_STORE = saved;
  });

  it('--json runs of 100,000 candles or more; never the human report; the variable forces either way', () => {
    delete process.env.TRADETUI_BACKTEST_STORE;
    expect([storeInWorker(100_000, true), storeInWorker(99_999, true), storeInWorker(525_600, false)]).toEqual([true, false, false]);
    process.env.TRADETUI_BACKTEST_STORE = 'worker';
    expect([storeInWorker(10, false), storeInWorker(10, true)]).toEqual([true, true]);
    process.env.TRADETUI_BACKTEST_STORE = 'inline';
    expect(storeInWorker(525_600, true)).toBe(false);
  });
});

describe('a run stored by the worker thread', () => {
  const dataDir = tempDir('tradetui-store-worker-');
  const cli = (args: string[], env: Record<string, string>) => cliInProcess(args, { dataDir, env });
  let reference: { json: string; id: number };

  it('is stored as printed, byte for byte the rows an inline store writes', async () => {
    const inline = await cli([...RUN, '--json'], INLINE);
    expect(inline.code, inline.stderr).toBe(0);
    reference = { json: inline.stdout, id: runId(inline.stdout) };
    const printed = await cli([...RUN, '--json'], WORKER);
    expect(printed.code, printed.stderr).toBe(0);
    const id = runId(printed.stdout);
    expect(id).toBe(reference.id + 1);
    const shown = await cli(['backtest', 'show', String(id), '--json'], {});
    expect(shown.stdout).toBe(printed.stdout);
    const rows = storedRows(dataDir, id)!;
    expect(rows.trades.length).toBeGreaterThan(500);
    expect(rows).toEqual(storedRows(dataDir, reference.id));
  }, 120_000);

  it('prints the human report as an inline store does, and lists the run', async () => {
    const inline = await cli([...RUN, '--no-charts'], INLINE);
    const worker = await cli([...RUN, '--no-charts'], WORKER);
    expect(worker.code, worker.stderr).toBe(0);
    const id = (s: string) => Number(/#(\d+)/.exec(s)![1]);
    expect(id(worker.stdout)).toBe(id(inline.stdout) + 1);
    expect(worker.stdout.replace(/#\d+/g, '#N').replace(/\d{4}-\d\d-\d\d \d\d:\d\d(?=\s)/g, 'T')).toBe(inline.stdout.replace(/#\d+/g, '#N').replace(/\d{4}-\d\d-\d\d \d\d:\d\d(?=\s)/g, 'T'));
    const list = await cli(['backtest', 'list', '--json'], {});
    expect((JSON.parse(list.stdout) as { runs: Array<{ id: number }> }).runs[0]!.id).toBe(id(worker.stdout));
  }, 120_000);

  it('that cannot be written is named with the database after the output, and the command exits 1', async () => {
    const db = new Database(join(dataDir, 'tradetui.db'));
    db.exec("CREATE TRIGGER refuse_runs BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'no room for this run'); END");
    db.close();
    try {
      const res = await cli([...RUN, '--json'], WORKER);
      expect(res.code).toBe(1);
      // The output is whole (the run was printed before the store failed) ...
      const id = runId(res.stdout);
      expect(withoutIdentity(res.stdout)).toEqual(withoutIdentity(reference.json));
      // ... and stderr says which run is missing, from which database, and why.
      expect(res.stderr).toContain(`tradetui: run #${id} was printed but not stored in ${join(dataDir, 'tradetui.db')}: no room for this run`);
      expect(storedRows(dataDir, id)).toBeNull();
      const shown = await cli(['backtest', 'show', String(id)], {});
      expect(shown.code).toBe(2);
      expect(shown.stderr).toContain(`no stored run #${id}`);
    } finally {
      const undo = new Database(join(dataDir, 'tradetui.db'));
      undo.exec('DROP TRIGGER refuse_runs');
      undo.close();
    }
    const next = await cli([...RUN, '--json'], WORKER);
    expect(next.code, next.stderr).toBe(0);
  }, 120_000);
});

describe('kill -9 of the real process while a run is stored by the worker', () => {
  // reserved: the id is taken, nothing handed to the worker; writing: inside the worker's transaction, the
  // run's row written and its trades not; stored: committed, before the process exits.
  it.each([
    ['reserved', false],
    ['writing', false],
    ['stored', true],
  ])('at "%s" leaves the run whole or absent, and the next run works (stored: %s)', async (step, stored) => {
    const dataDir = tempDir(`tradetui-store-kill-${step}-`);
    const killed = await runCli([...RUN, '--json'], { dataDir, env: { ...WORKER, TRADETUI_TEST_KILL_AT: `backtest-store:${step}` } });
    expect(killed.code, killed.stderr).not.toBe(0);
    const list = await runCli(['backtest', 'list', '--json'], { dataDir });
    expect(list.code, list.stderr).toBe(0);
    const listed = (JSON.parse(list.stdout) as { runs: Array<{ id: number }> }).runs;
    const next = await runCli([...RUN, '--json'], { dataDir, env: WORKER });
    expect(next.code, next.stderr).toBe(0);
    const nextId = runId(next.stdout);
    if (stored) {
      expect(listed.map((r) => r.id)).toEqual([1]);
      // The killed run is whole: the same rows as the run after it.
      expect(storedRows(dataDir, 1)).toEqual(storedRows(dataDir, nextId));
      expect(nextId).toBe(2);
    } else {
      expect(listed).toEqual([]);
      expect(storedRows(dataDir, 1)).toBeNull();
      // The reserved id stays a gap: the next run never takes the id a killed command may have printed.
      expect(nextId).toBe(2);
    }
  }, 120_000);
});
