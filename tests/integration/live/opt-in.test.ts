// The opt-in to real orders, and that keys change nothing without it: paper trading and public data never
// send a key or call a private endpoint; `balance` and `orders` read the account; --live refuses to start
// without every part of the opt-in.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { confirmsExchange, liveOptIn } from '../../../src/live/opt-in.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { tempDir } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

let fake: FakeBinance | undefined;
let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.close();
  app = fake = undefined;
});

const withKeys = (extra: Record<string, unknown> = {}) => parseConfig({ exchange: { apiKey: 'k', secret: 's', ...extra } });

describe('liveOptIn', () => {
  it('is paper unless --live; --i-understand-the-risks alone is a mistake', () => {
    expect(liveOptIn({}, withKeys())).toEqual({ live: false });
    expect(() => liveOptIn({ iUnderstandTheRisks: true }, withKeys())).toThrow(/only goes with --live/);
  });
  it('needs keys, and headless needs --i-understand-the-risks; the TUI asks to type the exchange name', () => {
    expect(() => liveOptIn({ live: true }, parseConfig({}), { env: {} })).toThrow(/API key and secret/);
    expect(() => liveOptIn({ live: true, headless: true }, withKeys(), { env: {} })).toThrow(/--i-understand-the-risks/);
    expect(liveOptIn({ live: true, headless: true, iUnderstandTheRisks: true }, withKeys({ sandbox: true }), { env: {} })).toEqual({ live: true, exchange: 'binance', sandbox: true, needsTypedConfirmation: false });
    expect(liveOptIn({ live: true }, withKeys(), { env: {} })).toMatchObject({ needsTypedConfirmation: true });
    expect(confirmsExchange('binance', 'binance')).toBe(true);
    expect(confirmsExchange('', 'binance')).toBe(false);
    expect(confirmsExchange('yes', 'binance')).toBe(false);
  });
  it('refuses keys from a config file other users can read', () => {
    const file = join(tempDir(), 'config.yaml');
    writeFileSync(file, 'exchange: { apiKey: k, secret: s }\n');
    chmodSync(file, 0o644);
    expect(() => liveOptIn({ live: true, headless: true, iUnderstandTheRisks: true }, withKeys(), { configSource: file, env: {} })).toThrow(/other users can read it/);
    chmodSync(file, 0o600);
    expect(liveOptIn({ live: true, headless: true, iUnderstandTheRisks: true }, withKeys(), { configSource: file, env: {} })).toMatchObject({ live: true });
  });
});

describe('keys without the opt-in', { timeout: 180_000 }, () => {
  it('paper trading on the exchange feed with keys configured sends no key and calls no private endpoint', async () => {
    fake = await FakeBinance.start({ now: Date.UTC(2026, 2, 10, 10, 30) });
    const config = parseConfig({
      exchange: { name: 'binance', options: fake.ccxtOptions(), apiKey: fake.apiKey, secret: fake.secret, retries: 0 },
      paper: { feed: 'exchange', pollSeconds: 1, instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] },
    });
    app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null), now: () => fake!.now });
    await app.start();
    const end = Date.now() + 10_000;
    while (!fake.requests.some((r) => r.path === '/api/v3/klines' && r.status === 200) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(fake.klineRequests().length).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => r.apiKey !== undefined)).toEqual([]);
    expect(fake.orderRequests()).toEqual([]);
  });
});

describe('CLI: balance, orders, --live', { timeout: 180_000 }, () => {
  async function setup(): Promise<{ configFile: string; env: Record<string, string> }> {
    fake = await FakeBinance.start({ balances: { USDT: 1000, BTC: 0.5 } });
    fake.setPrice('BTCUSDT', 50_000);
    const configFile = join(tempDir(), 'config.yaml');
    writeFileSync(configFile, stringify({ exchange: { options: fake.ccxtOptions() } }));
    chmodSync(configFile, 0o600);
    return { configFile, env: { TRADETUI_EXCHANGE_API_KEY: fake.apiKey, TRADETUI_EXCHANGE_SECRET: fake.secret } };
  }

  it('balance --json shows the account; the overridden API host is warned about', async () => {
    const { configFile, env } = await setup();
    const r = await runCli(['balance', '--json', '--config', configFile], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).balances).toEqual([
      { asset: 'BTC', free: 0.5, used: 0, total: 0.5 },
      { asset: 'USDT', free: 1000, used: 0, total: 1000 },
    ]);
    expect(r.stderr).toMatch(/keys will be sent to 127\.0\.0\.1/);
    expect(fake!.requests.filter((x) => x.method !== 'GET')).toEqual([]);
  });

  it('orders --open lists open orders, marked as not placed by tradetui', async () => {
    const { configFile, env } = await setup();
    fake!.externalTrade('BTCUSDT', 'SELL', 0.01);
    const r0 = await runCli(['orders', '--open', '--json', '--config', configFile], { env });
    expect(JSON.parse(r0.stdout).orders).toEqual([]);
    const all = await runCli(['orders', '--config', configFile], { env });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/BTC\/USDT sell market 0.01 filled 0.01 @ 50000 {2}closed {2}other/);
  });

  it('--live without keys or without the headless confirmation exits 2 and calls no private endpoint', async () => {
    const { configFile, env } = await setup();
    const noKeys = await runCli(['--live', '--headless', '--i-understand-the-risks', '--config', configFile]);
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/exchange.apiKey/);
    const noConfirm = await runCli(['--live', '--headless', '--config', configFile], { env });
    expect(noConfirm.code).toBe(2);
    expect(noConfirm.stderr).toMatch(/--i-understand-the-risks/);
    expect(fake!.orderRequests()).toEqual([]);
  });
});
