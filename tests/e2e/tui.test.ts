// The real `tradetui` binary in a real terminal (tmux) at 80x24 and 120x40: keys in, screen and database out.
// Waits poll the screen with generous deadlines (startup seeds the shipped candles into a fresh data dir); no
// assertion depends on how fast anything happened.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, tmuxOn } from '../support/tmux.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

let dataDir: string;
const sessions: string[] = [];

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradetui-e2e-tui-'));
});
afterAll(() => {
  tmux('kill-server');
  // the background engine the TUI started (when a test failed before stopping it)
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'dist/tradetui.mjs'), 'stop', '--yes'], { env: { ...process.env, TRADETUI_DATA_DIR: dataDir }, stdio: 'ignore' });
  } catch {
    // none running
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A private tmux server, so the tests neither see nor disturb anyone else's sessions. */
const SOCKET = `tradetui-e2e-${process.pid}`;
const tmux = tmuxOn(SOCKET);


interface Term {
  name: string;
  screen(escapes?: boolean): string;
  keys(...k: string[]): void;
  waitFor(what: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
}

async function start(cols: number, rows: number, env: Record<string, string> = {}): Promise<Term> {
  const name = `tt-e2e-${process.pid}-${sessions.length}`;
  sessions.push(name);
  const vars = { TRADETUI_DATA_DIR: dataDir, LANG: 'C.UTF-8', TERM: 'xterm-256color', ...env };
  const envs = Object.entries(vars)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  // the shell prints the exit code after the app restores the terminal, then stays so the screen can be read
  const cmd = `cd '${ROOT}' && env -u NO_COLOR ${envs} node dist/tradetui.mjs --speed 4; echo "EXITED $?"; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), cmd);
  const t: Term = {
    name,
    screen: (escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name),
    keys: (...k) => {
      // A pause between keys, as a typist leaves; none after the last: the test waits for the screen instead.
      k.forEach((key, i) => {
        if (i > 0) execFileSync('sleep', ['0.1']);
        tmux('send-keys', '-t', name, ...(key.length === 1 ? ['-l', key] : [key]));
      });
    },
    waitFor: async (what, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      let s = '';
      while (Date.now() < deadline) {
        s = t.screen();
        if (typeof what === 'string' ? s.includes(what) : typeof what === 'function' ? what(s) : what.test(s)) return s;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`screen never showed ${String(what)}; last screen:\n${s}`);
    },
  };
  return t;
}

function db(): Database.Database {
  return new Database(path.join(dataDir, 'tradetui.db'), { readonly: true, fileMustExist: true });
}

function query<T>(sql: string): T[] {
  const d = db();
  try {
    return d.prepare(sql).all() as T[];
  } finally {
    d.close();
  }
}

describe.skipIf(!hasTmux)('tradetui TUI in tmux', () => {
  it('120x40: stop and start a strategy with confirmation, help, timeframe, kill switch, quit', async () => {
    const t = await start(120, 40);
    await t.waitFor(/● run\s+ma-cross\s+BTC\/USDT/, 120_000);
    await t.waitFor(/closed \d{4}-\d\d-\d\d \d\d:\d\d/);
    const s0 = t.screen();
    expect(s0).toContain('PAPER');
    expect(s0).toContain('REPLAY 4/s');
    expect(s0).toContain('1 Chart');
    expect(s0).toContain('5 Alerts');
    // the frame stays one row short of the terminal
    expect(s0.split('\n')[39] ?? '').toBe('');

    t.keys('2', 's');
    await t.waitFor('Stop ma-cross on BTC/USDT 1h?');
    t.keys('Enter');
    // Enter is not a yes: given time to act on it, the question is still there.
    execFileSync('sleep', ['0.3']);
    expect(t.screen()).toContain('Stop ma-cross on BTC/USDT 1h?');
    t.keys('y');
    await t.waitFor(/○ stop\s+ma-cross/);
    const id = query<{ id: string }>("SELECT id FROM instances WHERE strategy = 'ma-cross'")[0]!.id;
    expect(query<{ running: number }>(`SELECT running FROM instances WHERE id = '${id}'`)[0]!.running).toBe(0);
    expect(query<{ change: string; actor: string }>(`SELECT change, actor FROM instance_events WHERE instance_id = '${id}' ORDER BY seq DESC LIMIT 1`)[0]).toEqual({ change: 'stopped', actor: 'keyboard' });

    t.keys('s');
    await t.waitFor('Start ma-cross on BTC/USDT 1h?');
    t.keys('y');
    await t.waitFor(/● run\s+ma-cross/);
    expect(query<{ running: number }>(`SELECT running FROM instances WHERE id = '${id}'`)[0]!.running).toBe(1);

    t.keys('?');
    await t.waitFor('kill switch: stop every strategy and close every position');
    t.keys('Escape');
    await t.waitFor((screen) => !screen.includes('kill switch: stop every strategy') && screen.includes('▶ 2 Strategies'));

    t.keys(']');
    await t.waitFor('BTC/USDT 1d · candles');
    t.keys('[');
    await t.waitFor('BTC/USDT 1h · candles');

    t.keys('K');
    await t.waitFor('KILL SWITCH');
    expect(t.screen()).toMatch(/Stops all 1 running strategy and closes all \d+ open position/);
    t.keys('Enter', 'n');
    await t.waitFor('cancelled');
    expect(query<{ state: string }>('SELECT state FROM account')[0]!.state).toBe('running');
    t.keys('K', 'y');
    await t.waitFor('HALTED');
    await t.waitFor(/○ stop\s+ma-cross/);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM instances WHERE running = 1')[0]!.n).toBe(0);
    expect(query<{ state: string }>('SELECT state FROM account')[0]!.state).toBe('halted');
    expect(query<{ n: number }>('SELECT count(*) AS n FROM positions')[0]!.n).toBe(0);

    // q asks whether to leave the background engine running; S stops it too
    t.keys('q');
    await t.waitFor('leave the engine running?');
    t.keys('S');
    const end = await t.waitFor('EXITED 0');
    // the alternate screen is gone: the shell's screen shows no TUI frame
    expect(end).not.toContain('PAPER');
  }, 240_000);

  it('80x24: tabs, help scrolls, stop with y, quit restores the terminal', async () => {
    const t = await start(80, 24);
    await t.waitFor('▶1 Chart', 120_000);
    const s0 = t.screen();
    expect(s0).toContain('? help');
    expect(s0.split('\n')[23] ?? '').toBe('');
    for (const l of s0.split('\n')) expect([...l].length).toBeLessThanOrEqual(80);
    t.keys('2');
    await t.waitFor(/(○ stop|● run|! halt)\s+ma-cross/);
    // the kill switch of the previous test left it stopped, and the account halted (shown on the instance as
    // "! halt" while it runs): start it here
    if (/○ stop\s+ma-cross/.test(t.screen())) {
      t.keys('s');
      await t.waitFor('Start ma-cross');
      t.keys('y');
      await t.waitFor(/(● run|! halt)\s+ma-cross/);
    }
    t.keys('s');
    await t.waitFor('Stop ma-cross on BTC/USDT 1h?');
    t.keys('y');
    await t.waitFor(/○ stop\s+ma-cross/);
    t.keys('?');
    await t.waitFor(/Keys \(1-\d+ of \d+, j\/k line, Space page\)/);
    t.keys('j');
    await t.waitFor(/Keys \(2-\d+ of/);
    t.keys('Escape', 'q', 'S');
    await t.waitFor('EXITED 0');
  }, 240_000);

  it('NO_COLOR and a non-UTF-8 locale: no colour codes, ASCII only; C-c quits cleanly', async () => {
    const t = await start(80, 24, { NO_COLOR: '1', LANG: 'C', LC_ALL: 'C' });
    await t.waitFor('>1 Chart', 120_000);
    const raw = t.screen(true);
    // eslint-disable-next-line no-control-regex
    expect(raw).not.toMatch(/\x1b\[[0-9;]*(3[0-7]|9[0-7]|4[0-7]|38;5;\d+|38;2;[\d;]+)m/);
     
    expect(t.screen()).toMatch(/^[\x20-\x7e\n]*$/);
    t.keys('C-c', 'S');
    await t.waitFor('EXITED 0');
  }, 240_000);
});
