// `tradetui data …` through the CLI run in-process (tests/support/cli-in-process.ts), each with its own data dir; download talks to a local
// Binance server through the real ccxt client.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { DATA_DIR } from '../../support/candles.js';

const HEADER = 'timestamp,open,high,low,close,volume';
const T0 = 1_704_067_200_000;
const H = 3_600_000;

function csvFile(dir: string, name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...rows].join('\n') + '\n');
  return path;
}

const good = (i: number) => `${T0 + i * H},1,2,0.5,1.5,3`;

// Each test spawns the CLI one to three times; on a loaded 2-core machine that can take a while.
const SLOW = { timeout: 120_000 };

describe('tradetui data (seeded cache)', SLOW, () => {
  // One data dir for the file: the first command seeds the shipped candles, the others reuse them.
  const dataDir = tempDir();
  const work = tempDir('tradetui-files-');

  it('data list --json seeds the shipped candles on first use and prints one JSON document', async () => {
    const r = await runCli(['data', 'list', '--json'], { dataDir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { markets: Array<Record<string, unknown>> };
    expect(doc.markets).toContainEqual({
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1h',
      first: '2017-08-17T04:00:00.000Z',
      last: '2026-03-31T23:00:00.000Z',
      count: 75444,
      gaps: 28,
      largestGap: 33,
    });
    const keys = doc.markets.map((m) => `${m.exchange} ${m.symbol} ${m.timeframe}`);
    expect(keys).toEqual(expect.arrayContaining(['binance ETH/USDT 1h', 'binance BTC/USDT 1d', 'binance BTC/USDT 1m']));
  });

  it('data list prints a table with range, count and gaps', async () => {
    const r = await runCli(['data', 'list'], { dataDir });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^EXCHANGE\s+SYMBOL\s+TF\s+FIRST\s+LAST\s+CANDLES\s+GAPS\s+LARGEST GAP$/);
    expect(lines.find((l) => l.includes('ETH/USDT'))).toMatch(/binance\s+ETH\/USDT\s+1h\s+2017-08-17T04:00:00Z\s+2026-03-31T23:00:00Z\s+75444\s+28\s+33/);
  });

  it('data import reports what it imported; importing again inserts nothing', async () => {
    const f = csvFile(work, 'mine.csv', [good(0), good(1), good(4)]);
    const args = ['data', 'import', f, '--symbol', 'test/usdt', '--timeframe', '1h', '--exchange', 'lab', '--json'];
    const r = await runCli(args, { dataDir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      exchange: 'lab',
      symbol: 'TEST/USDT',
      timeframe: '1h',
      rows: 3,
      inserted: 3,
      unchanged: 0,
      skipped: [],
      first: '2024-01-01T00:00:00.000Z',
      last: '2024-01-01T04:00:00.000Z',
      gaps: 1,
      largestGap: 2,
    });
    const again = await runCli(args, { dataDir });
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, unchanged: 3 });
    const human = await runCli(args.slice(0, -1), { dataDir });
    expect(human.stdout).toContain('0 new, 3 already cached');
    expect(human.stdout).toContain('1 gap (largest 2 candles), not filled');
  });

  it('a bad row exits 2 naming FILE:LINE, the field and the value, and imports nothing', async () => {
    const f = csvFile(work, 'bad.csv', [good(0), good(1), `${T0 + 2 * H},1,2,0.5,1.5,-7`]);
    const r = await runCli(['data', 'import', f, '--symbol', 'BAD/USDT', '--timeframe', '1h', '--exchange', 'lab'], { dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`tradetui: ${f}:4: volume "-7"`);
    const list = JSON.parse((await runCli(['data', 'list', '--json'], { dataDir })).stdout) as { markets: Array<{ symbol: string }> };
    expect(list.markets.some((m) => m.symbol === 'BAD/USDT')).toBe(false);
  });

  it('--skip-invalid imports the good rows and lists the skipped lines', async () => {
    const f = csvFile(work, 'mixed.csv', [good(0), `${T0 + H},1,2,0.5,1.5,-7`, good(2)]);
    const r = await runCli(['data', 'import', f, '--symbol', 'MIX/USDT', '--timeframe', '1h', '--exchange', 'lab', '--skip-invalid'], { dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 new');
    expect(r.stdout).toContain(`skipped ${f}:3: volume "-7"`);
  });

  it('bad flags exit 2 naming the flag', async () => {
    const f = csvFile(work, 'ok.csv', [good(0)]);
    const sym = await runCli(['data', 'import', f, '--symbol', 'BTCUSDT', '--timeframe', '1h'], { dataDir });
    expect(sym.code).toBe(2);
    expect(sym.stderr).toContain('--symbol');
    const tf = await runCli(['data', 'import', f, '--symbol', 'BTC/USDT', '--timeframe', '7m'], { dataDir });
    expect(tf.code).toBe(2);
    expect(tf.stderr).toMatch(/timeframe/);
    const missing = await runCli(['data', 'import', join(work, 'nope.csv'), '--symbol', 'BTC/USDT', '--timeframe', '1h'], { dataDir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv: file not found');
  });
});

describe('tradetui data help', SLOW, () => {
  it.each([['import'], ['download'], ['list']])('data %s --help shows examples', async (cmd) => {
    const r = await runCli(['data', cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(`tradetui data ${cmd}`);
  });
});

describe('tradetui data download (local Binance through ccxt)', SLOW, () => {
  let fake: FakeBinance;
  let configFile: string;

  beforeAll(async () => {
    // The shared candles include a market tradetui does not ship (BNB/USDT), so a new data dir, which starts
    // with the shipped candles, has something to download.
    fake = await FakeBinance.start({ now: Date.parse('2026-11-20T00:00:00Z'), dataDir: DATA_DIR });
    const dir = tempDir('tradetui-cfg-');
    configFile = join(dir, 'config.yaml');
    // JSON is YAML: the exchange options go to ccxt untouched.
    writeFileSync(configFile, JSON.stringify({ exchange: { name: 'binance', retries: 1, options: fake.ccxtOptions({ rateLimit: 5 }) } }));
  });

  afterAll(async () => {
    await fake.close();
  });

  it('downloads into the cache and reports it as JSON (no progress bar off a terminal)', async () => {
    const dataDir = tempDir();
    const args = ['data', 'download', '--config', configFile, '--exchange', 'binance', '--symbol', 'BNB/USDT', '--timeframe', '1h', '--from', '2023-03-01', '--to', '2023-03-02'];
    const r = await runCli([...args, '--json'], { dataDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      exchange: 'binance',
      symbol: 'BNB/USDT',
      timeframe: '1h',
      fetched: 25,
      inserted: 25,
      first: '2023-03-01T00:00:00.000Z',
      last: '2023-03-02T00:00:00.000Z',
      gaps: 0,
    });
    const again = await runCli(args, { dataDir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing new to download (cached up to 2023-03-02T00:00:00Z)');
  });

  it('bad dates exit 2 naming the flag', async () => {
    const r = await runCli(['data', 'download', '--config', configFile, '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from');
    const back = await runCli(['data', 'download', '--config', configFile, '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2024-02-01', '--to', '2024-01-01']);
    expect(back.code).toBe(2);
    expect(back.stderr).toContain('--to');
  });

  it('an unknown market exits 2', async () => {
    const r = await runCli(['data', 'download', '--config', configFile, '--symbol', 'NOPE/USDT', '--timeframe', '1h', '--from', '2024-01-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('NOPE/USDT');
  });

  it('an exchange that is down exits 1 with a clear message', async () => {
    const dir = tempDir('tradetui-cfg-');
    const deadConfig = join(dir, 'config.yaml');
    const dead = await FakeBinance.start();
    const options = dead.ccxtOptions({ rateLimit: 5 });
    await dead.close();
    writeFileSync(deadConfig, JSON.stringify({ exchange: { name: 'binance', retries: 0, options } }));
    const r = await runCli(['data', 'download', '--config', deadConfig, '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2024-01-01']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tradetui: error: binance: loading markets failed after 1 attempt/);
  });
});
