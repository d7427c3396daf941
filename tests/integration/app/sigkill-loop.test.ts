// Issue #10: SIGKILL at random moments during a replay with several instances and protections, restarting
// each time on the same data directory until the replay ends. The interrupted run must equal an
// uninterrupted one trade for trade, quantities included; no fill is applied twice; cash equals the fills
// to the cent; and what `--headless --json` printed is what the database holds: every fill and trade line
// carries the id stored for it, and none is printed twice (under the same id or a new one) across restarts.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../support/run-cli.js';

const CONFIG = `
account: { balance: 10000, fee: 0.001 }
risk:
  sizing: { mode: percent, pct: 30 }
  exits: { stopLossPct: 1 }
  protections:
    cooldown: { minutes: 120 }
    stoplossGuard: { trades: 2, lookbackMinutes: 1440, stopMinutes: 240, perSymbol: false }
    dailyLossLimit: { pct: 1 }
paper:
  speed: 1000
  replayFrom: "2026-03-08"
  instances:
    - { strategy: ma-cross, symbol: BTC/USDT, timeframe: 1h, params: { fast: 5, slow: 20 } }
    - { strategy: rsi-macd, symbol: ETH/USDT, timeframe: 1h }
    - { strategy: bollinger-reversion, symbol: BTC/USDT, timeframe: 1h }
`;

interface Run {
  killed: boolean;
  /** Complete JSON lines printed (a line cut by the kill is not a line). */
  events: Array<Record<string, any>>;
}

/** Starts headless --json; unless `killAfterFills` is null, SIGKILLs it `delayMs` after that many fill lines. */
function run(configFile: string, dataDir: string, killAfterFills: number | null, delayMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), '--headless', '--json', '--exit-at-end', '--config', configFile], {
      cwd: ROOT,
      env: { ...process.env, TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: tempDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let armed = false;
    let killed = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (killAfterFills !== null && !armed && (out.match(/"type":"fill"/g) ?? []).length >= killAfterFills) {
        armed = true;
        setTimeout(() => (killed = child.kill('SIGKILL')), delayMs);
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (!killed && code !== 0) return reject(new Error(`tradetui exited ${code}: ${err}`));
      const lines = out.split('\n');
      lines.pop(); // after the last newline: empty, or a line the kill cut short
      resolve({ killed, events: lines.map((l) => JSON.parse(l)) });
    });
  });
}

function read(dataDir: string) {
  const db = new Database(join(dataDir, 'tradetui.db'), { readonly: true });
  try {
    const account = db.prepare('SELECT initial_balance, cash FROM account').get() as { initial_balance: number; cash: number };
    const fills = db.prepare('SELECT id, order_id, instance_id, side, purpose, qty, price, fee, time FROM fills ORDER BY time, instance_id, purpose').all() as Array<Record<string, any>>;
    let expectedCash = account.initial_balance;
    for (const f of fills) expectedCash += f.side === 'buy' ? -(f.qty * f.price + f.fee) : f.qty * f.price - f.fee;
    const doubled = db.prepare('SELECT COUNT(*) FROM (SELECT order_id FROM fills GROUP BY order_id HAVING COUNT(*) > 1)').pluck().get() as number;
    return {
      cash: account.cash,
      expectedCash,
      doubled,
      fills,
      trades: db.prepare('SELECT id, instance_id, side, qty, entry_time, exit_time, entry_price, exit_price, pnl, fees, exit_reason FROM trades ORDER BY entry_time, instance_id').all() as Array<Record<string, any>>,
      protections: db.prepare('SELECT name, scope, triggered_at FROM protection_events ORDER BY triggered_at, name, scope').all(),
    };
  } finally {
    db.close();
  }
}

/** What a trade or fill is, without the ids a session gives it. */
const withoutIds = (rows: Array<Record<string, any>>) => rows.map(({ id: _id, order_id: _order, ...rest }) => rest);

describe('SIGKILL loop', () => {
  it('random kills during a replay with several instances and protections: the same trades as an uninterrupted run, and --json ids as stored', async () => {
    const dir = tempDir();
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, CONFIG, { mode: 0o600 });
    const straightDir = join(dir, 'straight');
    const killedDir = join(dir, 'killed');
    const straightRun = run(configFile, straightDir, null, 0);

    const printed: Array<Record<string, any>> = [];
    let kills = 0;
    for (let round = 0; ; round++) {
      // Kill after 1–4 more fills and a random delay, for at most 5 rounds; then let it reach the end.
      const last = round >= 5;
      const r = await run(configFile, killedDir, last ? null : 1 + Math.floor(Math.random() * 4), Math.floor(Math.random() * 150));
      printed.push(...r.events);
      const s = read(killedDir);
      expect(s.doubled).toBe(0);
      expect(Math.abs(s.cash - s.expectedCash)).toBeLessThan(0.01);
      if (!r.killed) break;
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(3);

    await straightRun;
    const killed = read(killedDir);
    const expected = read(straightDir);
    expect(expected.trades.length).toBeGreaterThan(5);
    // Several protections fired: their state crosses the restarts too.
    expect(new Set(expected.protections.map((p: any) => p.name)).size).toBeGreaterThanOrEqual(2);
    expect(withoutIds(killed.trades)).toEqual(withoutIds(expected.trades));
    expect(withoutIds(killed.fills)).toEqual(withoutIds(expected.fills));
    expect(killed.protections).toEqual(expected.protections);

    // Printed lines are the database's: each fill and trade once, under its stored id, with its stored values.
    const fills = printed.filter((e) => e.type === 'fill').map((e) => e.fill);
    const trades = printed.filter((e) => e.type === 'trade').map((e) => e.trade);
    expect(fills.length).toBeGreaterThan(0);
    const storedFills = new Map(killed.fills.map((f) => [f.id, f]));
    const storedTrades = new Map(killed.trades.map((t) => [t.id, t]));
    expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
    expect(new Set(fills.map((f) => `${f.instanceId}|${f.time}|${f.purpose}`)).size).toBe(fills.length);
    for (const f of fills) expect(storedFills.get(f.id), f.id).toMatchObject({ order_id: f.orderId, qty: f.qty, price: f.price, time: f.time });
    expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length);
    for (const t of trades) expect(storedTrades.get(t.id), t.id).toMatchObject({ qty: t.qty, pnl: t.pnl, exit_time: t.exitTime });
  }, 60_000);
});
