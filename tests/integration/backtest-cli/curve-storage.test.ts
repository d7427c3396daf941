// Stored runs keep their curves in the compact form (backtest/curve-codec.ts, migration 75): on the shipped
// candles, `backtest show --json` prints byte for byte what `backtest --json` printed, and a run stored in the
// older raw form (16 MB a year of 1m) prints the same bytes. The human report likewise.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packFloat64, getRun } from '../../../src/backtest/runs.js';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { tempDir } from '../../support/run-cli.js';
import { cliInProcess } from '../../support/cli-in-process.js';

const dataDir = tempDir('tradetui-curves-');
const dbPath = join(dataDir, 'tradetui.db');
const cli = (args: string[]) => cliInProcess(args, { dataDir });

/** The run's curves rewritten in the raw packed Float64 form of runs stored before migration 75. */
function storeAsRaw(id: number): void {
  const ro = openDb(dbPath);
  const run = getRun(ro, id)!;
  ro.close();
  const db = new Database(dbPath);
  db.prepare('UPDATE runs SET equity_times = ?, equity_values = ?, equity_cash = ?, equity_exposure = ?, equity_format = NULL WHERE id = ?').run(
    packFloat64(run.equityTimes),
    packFloat64(run.equity),
    packFloat64(run.cash!),
    packFloat64(run.exposure!),
    id,
  );
  db.close();
}

function blobBytes(id: number): { compact: number; raw: number | null } {
  const db = new Database(dbPath, { readonly: true });
  const r = db.prepare('SELECT length(equity_times) + length(equity_values) + length(equity_cash) + length(equity_exposure) AS compact, equity_format FROM runs WHERE id = ?').get(id) as { compact: number; equity_format: number | null };
  db.close();
  return { compact: r.compact, raw: r.equity_format };
}

describe.each([
  // June 2025 of shipped BTC minutes (43,000 candles, many flat stretches) and the shipped ETH hours.
  ['rsi-macd', 'BTC/USDT', '1m', []],
  ['ma-cross', 'ETH/USDT', '1h', ['--from', '2023-01-01']],
])('%s on shipped %s %s', (strategy, symbol, timeframe, extra) => {
  let json: string;
  let human: string;
  let id: number;
  beforeAll(async () => {
    const run = await cli(['backtest', '--strategy', strategy, '--symbol', symbol, '--timeframe', timeframe, ...extra, '--json']);
    expect(run.code, run.stderr).toBe(0);
    json = run.stdout;
    id = JSON.parse(json).runs[0].id;
    const shown = await cli(['backtest', 'show', String(id)]);
    expect(shown.code, shown.stderr).toBe(0);
    human = shown.stdout;
  }, 120_000);

  it('is stored compactly, and show --json prints the same bytes as the run', async () => {
    const n = JSON.parse(json).runs[0].equityCurve.length;
    expect(n).toBeGreaterThan(1000);
    const { compact, raw } = blobBytes(id);
    expect(raw).toBe(1);
    // Four raw curves are 32 bytes a candle.
    expect(compact).toBeLessThan(0.5 * 32 * n);
    const shown = await cli(['backtest', 'show', String(id), '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toBe(json);
  });

  it('a run stored in the raw form before migration 75 prints the same bytes, --json and human', async () => {
    storeAsRaw(id);
    expect(blobBytes(id).raw).toBeNull();
    const shown = await cli(['backtest', 'show', String(id), '--json']);
    expect(shown.stdout).toBe(json);
    const text = await cli(['backtest', 'show', String(id)]);
    expect(text.stdout).toBe(human);
  });
});
