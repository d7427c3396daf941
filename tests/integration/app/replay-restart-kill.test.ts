// A kill -9 in the middle of a replay restart (issue #15) leaves either the old account intact or the new one
// complete, never a mix: the real binary (--headless, viewers over the socket) is killed at each step of the restart
// (app/account-archive.ts: after the copy, after the commit), and the next start finishes or undoes what was begun.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseDate } from '../../../src/core/time.js';
import { attach } from '../../../src/server/daemon.js';
import { NoEngineError, type RemoteEngine } from '../../../src/server/remote.js';
import { ROOT, runCli, tempDir } from '../../support/run-cli.js';

const CONFIG = `
account: { balance: 10000, fee: 0.001 }
risk: { sizing: { mode: percent, pct: 30 }, exits: { stopLossPct: 1 } }
paper:
  speed: 1000
  replayFrom: "2026-03-10"
  instances:
    - { strategy: ma-cross, symbol: BTC/USDT, timeframe: 1h, params: { fast: 5, slow: 20 } }
`;
const D = parseDate('2026-03-01', 'D');

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Attaches once the spawned engine has opened its socket. */
async function attachWhenUp(dataDir: string): Promise<RemoteEngine> {
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      return await attach(dataDir, { client: 'test', startingWaitMs: 60_000 });
    } catch (err) {
      // a killed engine's socket file stays until the next engine holds the lock and replaces it
      if (!(err instanceof NoEngineError) || Date.now() > end) throw err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start(dataDir: string, configFile: string, killAt?: string): { child: ChildProcess; exit: Promise<string>; out: { text: string } } {
  const child = spawn(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), '--headless', '--config', configFile], {
    cwd: ROOT,
    env: { ...process.env, TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: tempDir(), ...(killAt ? { TRADETUI_TEST_KILL_AT: `replay-restart:${killAt}` } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const out = { text: '' };
  child.stdout!.on('data', (d) => (out.text += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<string>((resolve) => child.on('close', (code, signal) => resolve(signal ?? `exit ${code}: ${err}`)));
  return { child, exit, out };
}

function decisions(dataDir: string): number {
  const db = new Database(join(dataDir, 'tradetui.db'), { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM decisions').pluck().get() as number;
  } finally {
    db.close();
  }
}

function stored(dataDir: string): { cash: number; trades: number; archives: number; replayFrom: number | null } {
  const db = new Database(join(dataDir, 'tradetui.db'), { readonly: true });
  try {
    return {
      cash: db.prepare('SELECT cash FROM account').pluck().get() as number,
      trades: db.prepare('SELECT COUNT(*) FROM trades').pluck().get() as number,
      archives: db.prepare('SELECT COUNT(*) FROM account_archives').pluck().get() as number,
      replayFrom: db.prepare('SELECT replay_from FROM account').pluck().get() as number | null,
    };
  } finally {
    db.close();
  }
}

/** Runs the replay to its end, asks for a restart from D, and waits for the kill. */
async function killDuringRestart(dataDir: string, configFile: string, step: string): Promise<{ cash: number; trades: number }> {
  const { exit } = start(dataDir, configFile, step);
  const viewer = await attachWhenUp(dataDir);
  await until(() => viewer.snapshot().feed.status === 'ended', 'the replay to end');
  const before = stored(dataDir);
  expect(before.trades).toBeGreaterThan(0);
  await expect(viewer.send({ type: 'replay', action: 'restart', to: D, by: 'cli' })).rejects.toThrow(/not connected to the engine/);
  expect(await exit).toBe('SIGKILL');
  return before;
}

async function startAgain(dataDir: string, configFile: string): Promise<RemoteEngine & { exit: Promise<string> }> {
  const { exit } = start(dataDir, configFile);
  const viewer = await attachWhenUp(dataDir);
  return Object.assign(viewer, { exit });
}

describe('kill -9 during a replay restart', () => {
  it('after the copy, before the commit: the old account is intact and the partial copy is removed on the next start', async () => {
    const dir = tempDir();
    const cfg = join(dir, 'config.yaml');
    writeFileSync(cfg, CONFIG);
    const before = await killDuringRestart(dir, cfg, 'copied');
    const after = stored(dir);
    expect(after).toEqual({ ...before, archives: 0, replayFrom: null });
    expect(readdirSync(join(dir, 'accounts')).filter((n) => n.endsWith('.partial'))).toHaveLength(1);

    const again = await startAgain(dir, cfg);
    expect(again.snapshot().cash).toBe(before.cash);
    expect(readdirSync(join(dir, 'accounts'))).toEqual([]);
    await again.stopEngine();
    await again.exit;
    expect(stored(dir)).toEqual(after);
  }, 120_000);

  it('after the commit, before the rename: the new account is complete and the next start names the archive', async () => {
    const dir = tempDir();
    const cfg = join(dir, 'config.yaml');
    writeFileSync(cfg, CONFIG);
    const before = await killDuringRestart(dir, cfg, 'committed');
    expect(stored(dir)).toEqual({ cash: 10000, trades: 0, archives: 1, replayFrom: D });
    const partial = readdirSync(join(dir, 'accounts'));
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatch(/^\.1-.*\.partial$/);

    const again = await startAgain(dir, cfg);
    expect(again.snapshot().replay?.archives).toBe(1);
    // the replay plays on at once: let it decide on a first candle before stopping (a fast stop may come before one)
    await until(() => decisions(dir) > 0, 'a first decision of the new account');
    await again.stopEngine();
    await again.exit;
    // the new account's replay began at D, not where the config's replayFrom (03-10) says
    const db = new Database(join(dir, 'tradetui.db'), { readonly: true });
    const first = db.prepare('SELECT MIN(time) FROM decisions').pluck().get() as number;
    db.close();
    expect(first).toBeGreaterThanOrEqual(D);
    expect(first).toBeLessThan(parseDate('2026-03-10', 'c'));
    const archives = readdirSync(join(dir, 'accounts'));
    expect(archives).toEqual([partial[0]!.slice(1, -'.partial'.length)]);
    const archived = stored(join(dir, 'accounts', archives[0]!));
    expect(archived).toEqual({ ...before, archives: 0, replayFrom: null });
    expect(existsSync(join(dir, 'accounts', partial[0]!))).toBe(false);
  }, 120_000);

  it('without a kill, the headless output follows the new account (the restart is said, then its candles from D)', async () => {
    const dir = tempDir();
    const cfg = join(dir, 'config.yaml');
    writeFileSync(cfg, CONFIG);
    const { exit, out } = start(dir, cfg);
    const viewer = await attachWhenUp(dir);
    await until(() => viewer.snapshot().feed.status === 'ended', 'the replay to end');
    const r = await viewer.send({ type: 'replay', action: 'restart', to: D, by: 'cli' });
    expect(r.ok).toBe(true);
    await viewer.send({ type: 'replay', action: 'step', by: 'cli' });
    await until(() => /candle BTC\/USDT 1h 2026-03-01/.test(out.text), 'the first candle of the new account on stdout');
    expect(out.text).toMatch(/alert 2026-0[23]-\S+ info system: replay restarted from 2026-03-01 00:00 on a new paper account \(10,000.00 USDT\); the old one \(equity [\d,.]+ USDT, \d+ trade\(s\)\) is archived as account 1: tradetui accounts show 1/);

    // the CLI: list and read the archive, and a second restart from a script (asks first; --yes does not)
    const list = await runCli(['accounts', '--json', '--config', cfg], { dataDir: dir });
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout);
    expect(listed.current).toMatchObject({ cash: 10000, trades: 0, replayFrom: D });
    expect(listed.archived).toHaveLength(1);
    expect(listed.archived[0]).toMatchObject({ id: 1, restartedFrom: D, present: true });
    const show = await runCli(['accounts', 'show', '1', '--config', cfg], { dataDir: dir });
    expect(show.code).toBe(0);
    expect(show.stdout.split('\n').filter((l) => l.includes('ma-cross@binance:BTC/USDT:1h'))).toHaveLength(listed.archived[0].trades);
    const unknown = await runCli(['accounts', 'show', '9', '--config', cfg], { dataDir: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`tradetui: accounts show: no archived account 9 in ${dir} (tradetui accounts lists them)\n`);
    const word = await runCli(['accounts', 'show', 'abc', '--config', cfg], { dataDir: dir });
    expect(word.code).toBe(2);
    expect(word.stderr).toBe('tradetui: accounts show: "abc" is not an archive number (tradetui accounts lists them)\n');
    const asked = await runCli(['accounts', 'restart', '2026-02-01', '--config', cfg], { dataDir: dir });
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain('Restart the replay from 2026-02-01 00:00 UTC?');
    expect(asked.stderr).toContain('Pass --yes to restart without asking');
    const outside = await runCli(['accounts', 'restart', '1999-01-01', '--yes', '--config', cfg], { dataDir: dir });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/no cached candles for every traded market at 1999-01-01 00:00: a restart can start from \S+ \S+ to 2026-03-31 \S+ UTC/);
    const yes = await runCli(['accounts', 'restart', '2026-02-01', '--yes', '--config', cfg], { dataDir: dir });
    expect(yes.stderr).toBe('');
    expect(yes.stdout).toMatch(/^tradetui: replay restarted from 2026-02-01 00:00 on a new paper account \(10,000.00 USDT\); the old one \(equity 10,000.00 USDT, 0 trade\(s\)\) is archived as account 2: tradetui accounts show 2\n$/);
    await until(() => viewer.snapshot().replay?.archives === 2, 'the viewer to see the second archive');

    await viewer.stopEngine();
    expect(await exit).toMatch(/^exit 0/);
  }, 120_000);
});
