// The whole CLI trading live headless (`node dist/tradetui.mjs --live --headless --i-understand-the-risks`)
// against the local Binance, killed with SIGKILL at each step of an order's life — before the request reached
// the exchange, after the exchange took it (reply lost), after the fill, in the middle of the start-up
// reconciliation — then started again: no order is ever placed twice, and the positions and cash the engine
// keeps equal what the exchange holds. Candles close by the fake exchange's market clock
// (TRADETUI_TEST_CLOCK_URL, honoured only with a test exchange on 127.0.0.1).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { stringify } from 'yaml';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { PaperStore } from '../../../src/adapters/store/sqlite/paper-store.js';
import { liveDbFile } from '../../../src/app/live.js';
import { LiveJournal } from '../../../src/live/journal.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { liveConfig, until as waitFor } from '../../support/live-app.js';
import { ROOT, tempDir } from '../../support/run-cli.js';

const H = 3_600_000;

interface Run {
  child: ChildProcess;
  out: () => string;
  /** What it printed, and how it ended, for failure messages. */
  log: () => string;
  exited: Promise<void>;
  kill(): void;
}

/** One account on its own fake exchange, and a way to start the real CLI on it (all gone when the test ends). */
async function account(test: TestContext) {
  const fake = await FakeBinance.start({ now: Date.UTC(2026, 2, 10, 10, 30), balances: { USDT: 10_000 } });
  const children: ChildProcess[] = [];
  // Per test, not afterEach: these tests run concurrently.
  test.onTestFinished(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await fake.close();
  });
  const { raw, configFile } = liveConfig(fake);
  const { apiKey: _k, secret: _s, ...exchange } = raw.exchange as Record<string, unknown>;
  // Four CLIs and their fakes share two busy cores here: a slow answer is not the failure under test.
  exchange.options = { ...(exchange.options as Record<string, unknown>), timeout: 15_000 };
  writeFileSync(configFile, stringify({ ...raw, exchange }));
  chmodSync(configFile, 0o600);
  const dataDir = tempDir();
  const env = { ...process.env, NO_COLOR: '1', TRADETUI_EXCHANGE_API_KEY: fake.apiKey, TRADETUI_EXCHANGE_SECRET: fake.secret, TRADETUI_TEST_CLOCK_URL: `${fake.url}/fake/now`, XDG_CONFIG_HOME: tempDir('tradetui-cfg-') };
  /** Starts the CLI and resolves once it trades (or when it dies: `onSpawn` may kill it before that). */
  const start = async (onSpawn?: (run: Run) => void): Promise<Run> => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), '--live', '--headless', '--i-understand-the-risks', '--data-dir', dataDir, '--config', configFile], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<void>((r) => child.on('close', () => r()));
    let killed = false;
    const run: Run = {
      child,
      out: () => out,
      log: () => `exit ${child.exitCode ?? child.signalCode ?? 'running'}; stdout: ${out}; stderr: ${err}`,
      exited,
      kill: () => {
        killed = true;
        child.kill('SIGKILL');
      },
    };
    onSpawn?.(run);
    // Trading: reconciled with no difference, and the feed has polled once (a candle closing now is traded).
    let gone = false;
    await Promise.race([until(() => gone || (/no differences: trading/.test(out) && /feed connected/.test(out)), 60_000, 'the engine to trade', run), exited.then(() => (gone = true))]);
    if (gone && !killed) throw new Error(`the live CLI ended before it traded (${run.log()})`);
    return run;
  };
  /** The next hourly candle closes on the exchange's clock (the flip strategy enters when flat, exits when holding). */
  const nextCandle = (): void => {
    fake.now += H;
  };
  return { fake, dataDir, start, nextCandle };
}

/** What the engine's database holds against what the exchange holds: no order twice, positions and cash equal. */
function expectEqualToExchange(fake: FakeBinance, dataDir: string, orders: number, more?: (journal: LiveJournal) => void): void {
  const placed = [...fake.orders.values()];
  expect(placed).toHaveLength(orders);
  expect(new Set(placed.map((o) => o.clientOrderId)).size).toBe(placed.length);
  const db = openDb(liveDbFile(dataDir, { name: 'binance', sandbox: false }));
  try {
    const journal = new LiveJournal(db);
    for (const o of placed) expect(journal.get(o.clientOrderId), `order ${o.clientOrderId} journaled`).toBeDefined();
    expect(journal.fills()).toHaveLength(fake.trades.length);
    const state = new PaperStore(db).load()!;
    const held = state.positions.reduce((s, p) => s + p.qty, 0);
    // Below one quantity step a remainder cannot be sold: the exchange keeps that dust, tradetui writes it off.
    expect(Math.abs(held - fake.balance('BTC').free)).toBeLessThan(0.00001);
    expect(state.account.cash).toBeCloseTo(fake.balance('USDT').free, 4);
    expect(journal.unfinished()).toEqual([]);
    // No reconciliation ever found a difference, not even one it then resolved: each crash left a state the
    // restart explains from its own journal (an order in doubt, a trade or balance not made by tradetui would show).
    expect(journal.differences()).toEqual([]);
    more?.(journal);
  } finally {
    db.close();
  }
}

/** Waits for `cond`, failing with what the process printed. */
async function until(cond: () => boolean, ms: number, what: string, run?: Run): Promise<void> {
  try {
    await waitFor(cond, ms, what);
  } catch (err) {
    throw new Error(`${(err as Error).message}${run ? ` (${run.log()})` : ''}`, { cause: err });
  }
}

const filledLine = (purpose: 'entry' | 'exit') => new RegExp(`order \\S+ filled \\S+ BTC/USDT market ${purpose}`);

describe.concurrent('SIGKILL the live CLI at each step of an order, then restart', { timeout: 120_000 }, () => {
  it('before the request reaches the exchange: the journaled order is found never placed, nothing is resent', async (test) => {
    const { fake, dataDir, start, nextCandle } = await account(test);
    const a = await start();
    fake.onOrderRequest = () => {
      fake.onOrderRequest = null;
      a.kill();
      return 'unreached';
    };
    nextCandle();
    await a.exited;
    expect(fake.orders.size).toBe(0);
    const b = await start();
    nextCandle();
    await until(() => filledLine('entry').test(b.out()), 30_000, 'the next entry', b);
    b.kill();
    await b.exited;
    // The killed request was looked up at the restart and found never placed after its time window: not resent.
    expectEqualToExchange(fake, dataDir, 1, (journal) => expect(journal.all().map((r) => r.exchangeStatus)).toEqual(['not-placed', 'closed']));
  });

  it('after the exchange took the order and before the reply: the restart finds it by client id and books its fill once', async (test) => {
    const { fake, dataDir, start, nextCandle } = await account(test);
    const a = await start();
    fake.loseReply('POST', '/api/v3/order', 'hang');
    fake.onOrderRequest = () => {
      fake.onOrderRequest = null;
      setTimeout(() => a.kill(), 20);
    };
    nextCandle();
    await a.exited;
    expect(fake.orders.size).toBe(1);
    // The restart looks the order up before it trades: the entry is booked (the exit below sells it).
    const b = await start();
    nextCandle();
    await until(() => filledLine('exit').test(b.out()), 30_000, 'the exit after the restart', b);
    b.kill();
    await b.exited;
    expectEqualToExchange(fake, dataDir, 2);
  });

  it('after the fill: the restart holds the position the exchange holds and sells it once', async (test) => {
    const { fake, dataDir, start, nextCandle } = await account(test);
    const a = await start();
    nextCandle();
    await until(() => /position opened long BTC\/USDT/.test(a.out()), 30_000, 'the entry fill', a);
    a.kill();
    await a.exited;
    const b = await start();
    nextCandle();
    await until(() => filledLine('exit').test(b.out()), 30_000, 'the exit after the restart', b);
    b.kill();
    await b.exited;
    expectEqualToExchange(fake, dataDir, 2);
  });

  it('in the middle of the start-up reconciliation (after a lost reply): the next start finishes it, nothing doubled', async (test) => {
    const { fake, dataDir, start, nextCandle } = await account(test);
    const a = await start();
    fake.loseReply('POST', '/api/v3/order', 'hang');
    fake.onOrderRequest = () => {
      fake.onOrderRequest = null;
      setTimeout(() => a.kill(), 20);
    };
    nextCandle();
    await a.exited;
    // The restart is killed when its reconciliation scans the account's trades.
    let killedMidReconcile = false;
    const b = await start((run) => {
      fake.onRequest = (method, path) => {
        if (method !== 'GET' || path !== '/api/v3/myTrades') return;
        fake.onRequest = null;
        killedMidReconcile = true;
        run.kill();
      };
    });
    await b.exited;
    expect(killedMidReconcile).toBe(true);
    expect(b.out()).not.toMatch(/reconciled/);
    const c = await start();
    nextCandle();
    await until(() => filledLine('exit').test(c.out()), 30_000, 'the exit after the second restart', c);
    c.kill();
    await c.exited;
    expectEqualToExchange(fake, dataDir, 2);
  });
});

describe('the test clock', () => {
  it('is refused unless the exchange is on this machine (exit 2, naming the variable)', async () => {
    const home = tempDir();
    const configFile = join(home, 'config.yaml');
    writeFileSync(configFile, stringify({ exchange: { name: 'binance' }, paper: { feed: 'exchange', instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] } }));
    chmodSync(configFile, 0o600);
    const child = spawn(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), '--live', '--headless', '--i-understand-the-risks', '--data-dir', tempDir(), '--config', configFile], {
      cwd: ROOT,
      env: { ...process.env, TRADETUI_EXCHANGE_API_KEY: 'k', TRADETUI_EXCHANGE_SECRET: 's', TRADETUI_TEST_CLOCK_URL: 'http://127.0.0.1:9/fake/now', XDG_CONFIG_HOME: tempDir('tradetui-cfg-') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/TRADETUI_TEST_CLOCK_URL.*test exchange on this machine/);
  });
});
