// `--slippage-model` / `account.slippageModel`: sqrt-impact costs more than the fixed rate alone on the same
// run, the stored run says which model priced it, and a bad model is a clear error (exit 2, naming where).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/run-cli.js';
// The command's output is under test, not the process: in-process runs (tests/e2e keeps the process tests).
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

const ARGS = ['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2025-06-01', '--to', '2025-09-01', '--slippage', '0.0005', '--stake-pct', '100'];

describe('backtest --slippage-model', () => {
  it('sqrt-impact pays more than the fixed rate on the same trades and is shown in the report', async () => {
    const dataDir = tempDir();
    const fixed = await runCli([...ARGS, '--json'], { dataDir });
    expect(fixed.code, fixed.stderr).toBe(0);
    const impact = await runCli([...ARGS, '--slippage-model', 'sqrt-impact', '--impact-k', '20', '--json'], { dataDir });
    expect(impact.code, impact.stderr).toBe(0);
    const f = JSON.parse(fixed.stdout).runs[0];
    const i = JSON.parse(impact.stdout).runs[0];
    expect(i.trades.length).toBe(f.trades.length);
    // Same decisions, worse prices: every buy higher, every sell lower.
    i.trades.forEach((t: { entryPrice: number; exitPrice: number; exitReason: string }, n: number) => {
      expect(t.entryPrice).toBeGreaterThan(f.trades[n].entryPrice);
      if (t.exitReason !== 'end') expect(t.exitPrice).toBeLessThan(f.trades[n].exitPrice);
    });
    expect(i.metrics.finalEquity).toBeLessThan(f.metrics.finalEquity);
    const shown = await runCli(['backtest', 'show', '--no-charts'], { dataDir });
    expect(shown.stdout).toMatch(/slippage 0\.050% \+ 20 × σ × √\(qty\/volume\) \(sqrt-impact, at most 5\.00%\)/);
  }, 120_000);

  it('refuses an unknown model from the flag and from the config, naming where', async () => {
    const bad = await runCli([...ARGS, '--slippage-model', 'linear']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--slippage-model: unknown slippage model "linear"; use fixed or sqrt-impact/);
    const dir = tempDir();
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'account:\n  slippageModel: linear\n');
    const cfg = await runCli(['--config', file, ...ARGS]);
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toMatch(/account\.slippageModel/);
  });
});
