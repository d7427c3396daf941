// Issue #9: `--headless` at the end of a replay keeps the engine up until it is stopped (it used to exit with
// code 13, a restart loop under systemd), or exits 0 with --exit-at-end. The built CLI, as a trader runs it.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../support/run-cli.js';

function start(extra: string[]) {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.yaml'), `paper:\n  speed: 1000\n  replayFrom: '2026-03-28'\n  instances:\n    - { strategy: ma-cross, symbol: BTC/USDT, timeframe: 1h }\n`);
  const child = spawn(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), '--headless', '--config', join(dir, 'config.yaml'), ...extra], {
    cwd: ROOT,
    env: { ...process.env, TRADETUI_DATA_DIR: dir, XDG_CONFIG_HOME: tempDir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const ended = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (/^feed ended/m.test(out)) {
        clearInterval(check);
        resolve();
      }
    }, 50);
  });
  return { child, exited, ended, out: () => out };
}

describe('--headless at the end of a replay', () => {
  it('keeps the engine up until SIGTERM, then exits 0', async () => {
    const run = start([]);
    await run.ended;
    const early = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('still running'), 1500))]);
    expect(early).toBe('still running');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.out().match(/replay finished/g)).toHaveLength(1);
  }, 60_000);

  it('exits 0 right after the end with --exit-at-end', async () => {
    const run = start(['--exit-at-end']);
    expect(await run.exited).toBe(0);
    expect(run.out()).toMatch(/^feed ended/m);
  }, 60_000);
});
