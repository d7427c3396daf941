// `tradetui --mouse` in a real terminal (tmux): the terminal is asked for SGR mouse reports only with --mouse, raw
// report bytes (send-keys -H) click a pane's row, and reporting is off again after a quit and after a SIGHUP. The
// click then opens the edit window of the instance it selected, where the engine's validate-params answer shows while
// typing (the TUI is attached to the background engine over its socket).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, tmuxOn } from '../support/tmux.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOCKET = `tradetui-e2e-mouse-${process.pid}`;
const tmux = tmuxOn(SOCKET);
let dataDir: string;


beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradetui-e2e-mouse-'));
});
afterAll(() => {
  tmux('kill-server');
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'dist/tradetui.mjs'), 'stop', '--yes'], { env: { ...process.env, TRADETUI_DATA_DIR: dataDir }, stdio: 'ignore' });
  } catch {
    // none running
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function session(name: string, cols: number, rows: number, args: string) {
  const cmd = `cd '${ROOT}' && env TRADETUI_DATA_DIR='${dataDir}' LANG=C.UTF-8 TERM=xterm-256color node dist/tradetui.mjs ${args}; echo "EXITED $?"; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), cmd);
  const screen = (): string => tmux('capture-pane', '-p', '-t', name);
  return {
    screen,
    /** The pane's mouse modes as tmux tracks them from what the application asked: "standard sgr", 1 = on. */
    mouseFlags: (): string => tmux('display', '-p', '-t', name, '#{mouse_standard_flag} #{mouse_sgr_flag}').trim(),
    keys: (...k: string[]): void => {
      for (const key of k) {
        tmux('send-keys', '-t', name, ...(key.length === 1 ? ['-l', key] : [key]));
        execFileSync('sleep', ['0.3']);
      }
    },
    /** A left click as the terminal reports it (SGR, 1-based), sent as raw bytes. */
    click: (x: number, y: number): void => {
      for (const end of ['M', 'm']) tmux('send-keys', '-t', name, '-H', ...[...Buffer.from(`\x1b[<0;${x + 1};${y + 1}${end}`)].map((b) => b.toString(16)));
      execFileSync('sleep', ['0.3']);
    },
    waitFor: async (what: string | RegExp, timeoutMs = 60_000): Promise<string> => {
      const deadline = Date.now() + timeoutMs;
      let s = '';
      while (Date.now() < deadline) {
        s = screen();
        if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`screen never showed ${String(what)}; last screen:\n${s}`);
    },
    /** The TUI's own process (the shell's node child). */
    pid: (): number => Number(execFileSync('pgrep', ['-P', tmux('display', '-p', '-t', name, '#{pane_pid}').trim(), 'node'], { encoding: 'utf8' }).trim().split('\n')[0]),
  };
}

describe.skipIf(!hasTmux)('tradetui --mouse in tmux', () => {
  it('120x40: reporting on, a click selects and e edits it (validate-params while typing); a SIGHUP turns reporting off', { timeout: 120_000 }, async () => {
    const t = session('m120', 120, 40, '--mouse --speed 1');
    await t.waitFor('2 Strategies');
    expect(t.mouseFlags()).toBe('1 1');
    // Strategies: from x 70, header on y 2, the first instance on y 3
    await t.waitFor(/ma-cross +BTC\/USDT/);
    t.click(80, 3);
    t.keys('e');
    await t.waitFor('Edit:');
    t.keys('BSpace', 'BSpace', '5', '0');
    await t.waitFor('fast (50) must be below slow (30)', 10_000);
    t.keys('Escape');
    process.kill(t.pid(), 'SIGHUP');
    await t.waitFor('EXITED');
    expect(t.mouseFlags()).toBe('0 0');
  });

  it('80x24: without --mouse the terminal is not asked; with it a tab click focuses its pane, and q l leaves with reporting off', { timeout: 120_000 }, async () => {
    const plain = session('plain', 80, 24, 'attach');
    await plain.waitFor('1 Chart');
    expect(plain.mouseFlags()).toBe('0 0');
    plain.keys('q', 'l');
    await plain.waitFor('EXITED');
    const t = session('m80', 80, 24, 'attach --mouse');
    await t.waitFor('1 Chart');
    expect(t.mouseFlags()).toBe('1 1');
    const tabs = t.screen().split('\n')[1]!;
    t.click(tabs.indexOf('2 Strategies') + 3, 1);
    await t.waitFor(/State +Strategy/);
    t.keys('q', 'l');
    await t.waitFor('EXITED 0');
    expect(t.mouseFlags()).toBe('0 0');
  });
});
