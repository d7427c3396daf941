// `tradetui risk` through the CLI run in-process (tests/support/cli-in-process.ts): a fresh multi-symbol backtest and a stored run, JSON shape,
// reproducibility from the seed, and user mistakes named by flag.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

const dataDir = tempDir('tradetui-risk-cli-');
const fresh = ['risk', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT,ETH/USDT', '--timeframe', '1h', '--from', '2024-01-01', '--to', '2024-04-01', '--paths', '300', '--seed', '5'];

describe('tradetui risk', { timeout: 120_000 }, () => {
  it('reports VaR/ES, a seeded Monte Carlo and correlation for a fresh two-symbol backtest', async () => {
    const r = await runCli([...fresh, '--risk', 'protections.cooldown.minutes=120', '--json'], { dataDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['p95', 'p99']) {
      expect(typeof j.var[k]).toBe('number');
      expect(typeof j.es[k]).toBe('number');
      expect(j.es[k]).toBeGreaterThanOrEqual(j.var[k]);
    }
    expect(j.var.p99).toBeGreaterThanOrEqual(j.var.p95);
    expect(j.monteCarlo).toMatchObject({ paths: 300, seed: 5, guardPct: 20 });
    expect(j.monteCarlo.finalEquity.p5).toBeLessThanOrEqual(j.monteCarlo.finalEquity.p50);
    expect(j.monteCarlo.maxDrawdownPct.p50).toBeLessThanOrEqual(j.monteCarlo.maxDrawdownPct.p99);
    expect(j.monteCarlo.probDrawdownGuard).toBeGreaterThanOrEqual(0);
    expect(j.correlation.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(j.correlation.matrix[0][1]).toBeGreaterThan(0.5);
    expect(j.protections.length).toBeGreaterThan(0);
    expect(j.protections[0]).toMatchObject({ name: 'cooldown', scope: expect.stringMatching(/USDT$/) });
    expect(j.riskDecisions.rejected).toBeGreaterThan(0);

    const again = JSON.parse((await runCli([...fresh, '--risk', 'protections.cooldown.minutes=120', '--json'], { dataDir })).stdout);
    expect(again.monteCarlo).toEqual(j.monteCarlo);
    expect(again.var).toEqual(j.var);
  });

  it('shows its progress on a terminal (phases, Monte Carlo paths) and nothing on a pipe or with --json', async () => {
    // A pipe: the human report on stdout, not a byte of progress on stderr.
    const piped = await runCli([...fresh.slice(0, -4), '--paths', '2000', '--seed', '5'], { dataDir });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('Monte Carlo: 2000 paths');
    expect(piped.stderr).toBe('');
    // A terminal (script(1) gives the command a pseudo-terminal): the bar shows each phase on stderr.
    const cmd = [process.execPath, join(ROOT, 'dist/tradetui.mjs'), ...fresh.slice(0, -4), '--paths', '20000', '--seed', '5'].map((a) => `'${a}'`).join(' ');
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: tempDir(), COLUMNS: '100' }, encoding: 'utf8', timeout: 60_000 });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/reading candles .* \d+\/2 markets/);
    expect(tty.stdout).toMatch(/backtest of [\d,]+ candles/);
    expect(tty.stdout).toMatch(/Monte Carlo .* \d+\/20000 paths/);
    expect(tty.stdout).toContain('Monte Carlo: 20000 paths');
  });

  it('reads a stored run: the latest by default, or by id', async () => {
    const bt = await runCli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2024-01-01', '--to', '2024-03-01', '--json'], { dataDir });
    expect(bt.code).toBe(0);
    const id = JSON.parse(bt.stdout).runs[0].id;
    const latest = await runCli(['risk', '--json', '--paths', '100'], { dataDir });
    expect(latest.code).toBe(0);
    const byId = await runCli(['risk', String(id), '--json', '--paths', '100'], { dataDir });
    const a = JSON.parse(latest.stdout);
    expect(JSON.parse(byId.stdout)).toEqual(a);
    expect(a.run).toContain(`run #${id}`);
    expect(a.correlation).toBeNull();
    const human = await runCli(['risk', String(id), '--paths', '100'], { dataDir });
    expect(human.stdout).toContain('VaR 95');
    expect(human.stdout).toContain('Monte Carlo: 100 paths');
  });

  it.each<[string[], RegExp]>([
    [['risk', '--paths', '0'], /--paths/],
    [['risk', '999'], /RUN_ID: no stored run #999/],
    [['risk', 'abc'], /RUN_ID/],
    [[...fresh, '--risk', 'sizing.pct=-1'], /--risk sizing\.pct/],
    [['risk', '--strategy', 'ma-cross', '--symbol', 'NOPE/USDT', '--timeframe', '1h'], /--symbol/],
  ])('%j exits 2 naming the flag or argument', async (args, msg) => {
    const r = await runCli(args, { dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });
});
