// The engine outlives its screen, with the real binary in tmux: start tradetui, detach with d, the engine keeps trading,
// attach from a second window and see the same state, SIGHUP the first client, act from the second, tradetui stop.
// Then SIGKILL the engine and start again: one engine, state restored; two tradetui started at once: one engine.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, tmuxOn } from '../support/tmux.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'dist/tradetui.mjs');
const SOCKET = `tradetui-e2e-daemon-${process.pid}`;
const tmux = tmuxOn(SOCKET);
let dataDir: string;
let n = 0;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradetui-e2e-daemon-'));
});
afterAll(() => {
  tmux('kill-server');
  cli('stop', '--yes');
  fs.rmSync(dataDir, { recursive: true, force: true });
});


function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, TRADETUI_DATA_DIR: dataDir, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Status {
  pid: number;
  viewers: number;
  feed: { lastCandleTime: number | null };
  cash: number;
  instances: Array<{ id: string; running: boolean }>;
}
const status = (): Status => JSON.parse(cli('status', '--json').stdout) as Status;

interface Term {
  name: string;
  screen(): string;
  keys(...k: string[]): void;
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<string>;
  /** The pid of the tradetui client running in the window. */
  clientPid(): number;
}

function window(command: string, cols = 120, rows = 40): Term {
  const name = `w${n++}`;
  const cmd = `cd '${ROOT}' && env TRADETUI_DATA_DIR='${dataDir}' LANG=C.UTF-8 TERM=xterm-256color node ${BIN} ${command}; echo "EXITED $?"; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), cmd);
  const t: Term = {
    name,
    screen: () => tmux('capture-pane', '-p', '-t', name),
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
        if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`window ${name} never showed ${String(what)}; last screen:\n${s}`);
    },
    clientPid: () => {
      const shell = Number(tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim());
      return Number(execFileSync('pgrep', ['-P', String(shell), 'node'], { encoding: 'utf8' }).trim().split('\n')[0]);
    },
  };
  return t;
}

const engines = (): string[] =>
  (spawnSync('pgrep', ['-f', `engine-process --data-dir ${dataDir}`], { encoding: 'utf8' }).stdout ?? '').trim().split('\n').filter(Boolean);

/**
 * Engine processes left once a stop has had time to finish: viewers exit as soon as the engine says it is stopping,
 * while the engine process itself may still be closing its database (within the 10 s given here).
 */
async function enginesAfterStop(): Promise<string[]> {
  for (let waited = 0; waited < 10_000 && engines().length > 0; waited += 100) await new Promise((r) => setTimeout(r, 100));
  return engines();
}

function instanceRunning(): number {
  const db = new Database(path.join(dataDir, 'tradetui.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT running FROM instances WHERE strategy = 'ma-cross'").get() as { running: number }).running;
  } finally {
    db.close();
  }
}

describe.skipIf(!hasTmux)('the engine outlives its screen (tmux)', () => {
  it('detach, keep trading, attach from a second window, SIGHUP the first, act from the second, stop', async () => {
    const first = window('--speed 8');
    await first.waitFor(/● run\s+ma-cross\s+BTC\/USDT/, 120_000);
    first.keys('d');
    const after = await first.waitFor('EXITED 0');
    expect(after).toContain('detached; the engine keeps trading in the background');
    expect(after).toContain('tradetui attach');

    // the engine trades on with nobody watching: its candles advance
    const s1 = status();
    expect(s1.viewers).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    const s2 = status();
    expect(s2.pid).toBe(s1.pid);
    expect(s2.feed.lastCandleTime!).toBeGreaterThan(s1.feed.lastCandleTime!);
    expect(engines()).toHaveLength(1);

    const a = window('attach');
    await a.waitFor(/● run\s+ma-cross\s+BTC\/USDT/);
    const b = window('attach', 80, 24);
    await b.waitFor('▶1 Chart');
    expect(status().viewers).toBe(2);

    // a dropped connection: the client gets SIGHUP and detaches; the engine does not notice
    process.kill(a.clientPid(), 'SIGHUP');
    await a.waitFor('EXITED 0');
    expect(status().pid).toBe(s1.pid);

    b.keys('2');
    await b.waitFor(/● run\s+ma-cross/);
    b.keys('s');
    await b.waitFor('Stop ma-cross on BTC/USDT 1h?');
    b.keys('y');
    await b.waitFor(/○ stop\s+ma-cross/);
    expect(instanceRunning()).toBe(0);
    expect(status().instances[0]!.running).toBe(false);

    const stopped = cli('stop', '--yes');
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain(`engine stopped (pid ${s1.pid})`);
    const end = await b.waitFor('EXITED 0');
    expect(end).toContain('the engine stopped');
    expect(cli('status').code).toBe(3);
    expect(engines()).toHaveLength(0);
  }, 300_000);

  it('SIGKILL the engine, start again: one engine, state restored; two tradetui at once: one engine, two viewers', async () => {
    const first = window('');
    await first.waitFor(/○ stop\s+ma-cross/, 120_000);
    const before = status();
    expect(before.instances[0]!.running).toBe(false);
    process.kill(before.pid, 'SIGKILL');
    const lost = await first.waitFor(/EXITED 1/);
    expect(lost).toContain('lost the engine');

    const x = window('');
    const y = window('');
    await x.waitFor(/○ stop\s+ma-cross/, 120_000);
    await y.waitFor(/○ stop\s+ma-cross/, 120_000);
    const after = status();
    expect(after.pid).not.toBe(before.pid);
    expect(after.viewers).toBe(2);
    expect(engines()).toHaveLength(1);
    // what was committed before the kill is what the new engine starts from
    expect(after.instances.map((i) => [i.id, i.running])).toEqual(before.instances.map((i) => [i.id, i.running]));
    expect(after.cash).toBe(before.cash);

    x.keys('q');
    await x.waitFor('leave the engine running?');
    x.keys('S');
    await x.waitFor('EXITED 0');
    await y.waitFor('EXITED 0');
    expect(await enginesAfterStop()).toHaveLength(0);
  }, 300_000);
});
