// attach / status / stop and --headless from the command line (the built binary): exit codes and messages when no
// engine runs, a second engine refused on the same data directory, a clean stop through the socket.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'dist/tradetui.mjs');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradetui-engine-cli-'));
const env = { ...process.env, TRADETUI_DATA_DIR: dataDir, NO_COLOR: '1', XDG_CONFIG_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'tradetui-cfg-')) };

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => {
  cli('stop', '--yes');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('engine commands', () => {
  it('say clearly that no engine runs (exit 3), also as JSON', () => {
    const s = cli('status');
    expect(s.code).toBe(3);
    expect(s.stderr).toContain(`no engine is running on ${dataDir}`);
    const j = cli('status', '--json');
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout)).toEqual({ running: false, dataDir });
    expect(cli('stop', '--yes').code).toBe(3);
  });

  it('the TUI without a terminal is an error and starts no engine', () => {
    const r = cli();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the TUI needs a terminal');
    expect(fs.existsSync(path.join(dataDir, 'engine.sock'))).toBe(false);
  });

  it('--headless serves status, refuses a second engine, and stops cleanly through tradetui stop', async () => {
    const headless = spawn(process.execPath, [BIN, '--headless', '--speed', '20'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number>((r) => headless.once('exit', (code) => r(code ?? -1)));
    let st = cli('status', '--json');
    const deadline = Date.now() + 120_000;
    while (st.code !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      st = cli('status', '--json');
    }
    expect(st.code).toBe(0);
    const status = JSON.parse(st.stdout);
    expect(status).toMatchObject({ running: true, pid: headless.pid, headless: true, mode: 'paper', viewers: 0 });
    expect(status.instances[0].id).toMatch(/^ma-cross@/);

    const second = cli('--headless');
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`an engine already runs on ${dataDir}`);
    expect(second.stderr).toContain('tradetui attach');

    expect(cli('status').stdout).toMatch(/engine +pid \d+, foreground \(--headless\)/);
    const stop = cli('stop', '--yes');
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(`engine stopped (pid ${headless.pid})`);
    expect(await exited).toBe(0);
    expect(cli('status').code).toBe(3);
  }, 180_000);
});
