// The real CLI trading live headless against the local Binance: `--live --headless --i-understand-the-risks`
// reconciles first and prints what differs, entries stay halted until `tradetui reconcile ID ACTION`
// resolves it, and `tradetui stop` ends the session cleanly. Without the opt-in nothing private is called.
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeBinance } from '../../support/fake-binance.js';
import { liveConfig, until } from '../../support/live-app.js';
import { ROOT, runCli, tempDir } from '../../support/run-cli.js';

let fake: FakeBinance | undefined;
const children: Array<{ kill(sig: NodeJS.Signals): boolean; exitCode: number | null }> = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await fake?.close();
  fake = undefined;
});

describe('tradetui --live --headless', { timeout: 240_000 }, () => {
  it('prints the start-up reconciliation, stays halted until the difference is resolved from the CLI, stops cleanly', async () => {
    fake = await FakeBinance.start({ now: Date.UTC(2026, 2, 10, 10, 30), balances: { USDT: 10_000, BTC: 0.3 } });
    const { raw, configFile } = liveConfig(fake, { live: { maxCapital: 2_000 } });
    const { apiKey: _k, secret: _s, ...exchange } = raw.exchange as Record<string, unknown>;
    writeFileSync(configFile, stringify({ ...raw, exchange }));
    chmodSync(configFile, 0o600);
    const dataDir = tempDir();
    const env = { ...process.env, NO_COLOR: '1', TRADETUI_EXCHANGE_API_KEY: fake.apiKey, TRADETUI_EXCHANGE_SECRET: fake.secret, XDG_CONFIG_HOME: tempDir('tradetui-cfg-') };
    const child = spawn(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), '--live', '--headless', '--i-understand-the-risks', '--data-dir', dataDir, '--config', configFile], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    // A generous deadline: on a busy machine the CLI's start (node, the bundle, ccxt, the first requests) has
    // taken over a minute; nothing here depends on how fast it starts.
    await until(() => /entries halted until 1 difference/.test(out), 150_000, `the reconciliation report (stdout: ${out} stderr: ${err})`);
    expect(out).toMatch(/LIVE binance: reconciled/);
    expect(out).toMatch(/#1 balance: BTC on binance: 0\.3; tradetui's positions: 0/);
    expect(out).toMatch(/resolve: tradetui reconcile 1 adopt\|flatten\|ignore/);
    const cli = (args: string[]) => runCli([...args, '--data-dir', dataDir, '--config', configFile], { env: { TRADETUI_EXCHANGE_API_KEY: fake!.apiKey, TRADETUI_EXCHANGE_SECRET: fake!.secret } });
    const listed = await cli(['reconcile', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const json = JSON.parse(listed.stdout);
    expect(json).toMatchObject({ exchange: 'binance', state: 'halted', differences: [{ id: 1, kind: 'balance', actions: ['adopt', 'flatten', 'ignore'] }] });
    const wrong = await cli(['reconcile', '1', 'cancel']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/difference #1.*adopt, flatten, ignore, not cancel/);
    const ok = await cli(['reconcile', '1', 'ignore']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/#1: ignored; no differences left/);
    expect(ok.stdout).toMatch(/engine running/);
    await until(() => /engine running by system: live: every difference with binance resolved/.test(out), 10_000, 'the engine to say it runs again');
    expect(out).toMatch(/difference #1 resolved by cli: ignored/);
    // Nothing was ordered: no candle closed while it ran.
    expect(fake.orderRequests().filter((r) => r.method !== 'GET')).toEqual([]);
    const stopped = await cli(['stop', '--yes']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(await exited).toBe(0);
    // Live state is in its own database file, beside paper's.
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dataDir, 'live-binance.db'))).toBe(true);
  });
});
