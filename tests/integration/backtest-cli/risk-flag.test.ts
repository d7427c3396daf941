// `tradetui backtest --risk key=value` changes the risk settings for one run, validated like the config.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

const dataDir = tempDir();
const base = ['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2025-01-01', '--to', '2025-04-01', '--json'];

describe('backtest --risk', () => {
  it('applies an override for the run and stores it with the run', async () => {
    const plain = await runCli(base, { dataDir });
    expect(plain.code, plain.stderr).toBe(0);
    const tight = await runCli([...base, '--risk', 'exits.stopLossPct=0.5'], { dataDir });
    expect(tight.code, tight.stderr).toBe(0);
    const reasons = (out: string) => JSON.parse(out).runs[0].trades.map((t: { exitReason: string }) => t.exitReason);
    expect(reasons(plain.stdout)).not.toContain('stop_loss');
    expect(reasons(tight.stdout)).toContain('stop_loss');
  }, 120_000);

  it('rejects a bad key or value with exit 2, naming --risk and the key', async () => {
    const bad = await runCli([...base, '--risk', 'limits.maxPositionPct=150'], { dataDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--risk/);
    expect(bad.stderr).toMatch(/maxPositionPct/);
    expect(bad.stdout).toBe('');
  }, 120_000);
});
