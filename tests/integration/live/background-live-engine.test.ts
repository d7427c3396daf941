// The background live engine's own command line, as the TUI writes it once the trader has typed the exchange's
// name: `tradetui --engine-process --data-dir DIR --config FILE --live`. bin/tradetui.ts runs it without yargs
// (src/cli/engine-process.ts); it must still check the opt-in's keys and start the live engine on the exchange
// through ccxt, reachable by `tradetui status` and stopped by `tradetui stop`.
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeBinance } from '../../support/fake-binance.js';
import { liveConfig } from '../../support/live-app.js';
import { ROOT, runCli, tempDir } from '../../support/run-cli.js';

let fake: FakeBinance | undefined;
const children: Array<{ kill(sig: NodeJS.Signals): boolean; exitCode: number | null }> = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await fake?.close();
  fake = undefined;
});

function engineProcess(dataDir: string, configFile: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), '--engine-process', '--data-dir', dataDir, '--config', configFile, '--live'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { exited, output: () => output };
}

describe('the background live engine command line', { timeout: 180_000 }, () => {
  it('starts the live engine on the exchange (status says live), and stops on tradetui stop', async () => {
    fake = await FakeBinance.start({ now: Date.UTC(2026, 2, 10, 10, 30), balances: { USDT: 10_000 } });
    const { raw, configFile } = liveConfig(fake);
    const { apiKey: _k, secret: _s, ...exchange } = raw.exchange as Record<string, unknown>;
    writeFileSync(configFile, stringify({ ...raw, exchange }));
    chmodSync(configFile, 0o600);
    const dataDir = tempDir();
    const keys = { TRADETUI_EXCHANGE_API_KEY: fake.apiKey, TRADETUI_EXCHANGE_SECRET: fake.secret };
    const engine = engineProcess(dataDir, configFile, { ...process.env, ...keys, XDG_CONFIG_HOME: tempDir('tradetui-cfg-') });
    const cli = (args: string[]) => runCli([...args, '--data-dir', dataDir, '--config', configFile], { env: keys });
    let status: { mode?: string; running?: boolean } = {};
    for (const end = Date.now() + 60_000; status.mode !== 'live'; ) {
      if (Date.now() > end || engine.output().includes('tradetui:')) throw new Error(`no live engine on the status; the engine said: ${engine.output()}`);
      const r = await cli(['status', '--json']);
      if (r.code === 0) status = JSON.parse(r.stdout);
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toMatchObject({ running: true, mode: 'live' });
    const stopped = await cli(['stop', '--yes']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(await engine.exited).toBe(0);
  });

  it('still refuses without the exchange keys, exit 2 naming what is missing, and starts nothing', async () => {
    fake = await FakeBinance.start({ now: Date.UTC(2026, 2, 10, 10, 30), balances: { USDT: 10_000 } });
    const { raw, configFile } = liveConfig(fake);
    const { apiKey: _k, secret: _s, ...exchange } = raw.exchange as Record<string, unknown>;
    writeFileSync(configFile, stringify({ ...raw, exchange }));
    chmodSync(configFile, 0o600);
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: tempDir('tradetui-cfg-') };
    delete env.TRADETUI_EXCHANGE_API_KEY;
    delete env.TRADETUI_EXCHANGE_SECRET;
    const engine = engineProcess(tempDir(), configFile, env);
    expect(await engine.exited).toBe(2);
    expect(engine.output()).toMatch(/exchange\.apiKey: --live needs the exchange API key and secret/);
    expect(fake.orderRequests()).toEqual([]);
  });
});
