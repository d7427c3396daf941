// `tradetui strategies` through the CLI run in-process (tests/support/cli-in-process.ts): built-ins and the trader's own folder, human and JSON output.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

const USER_STRATEGY = `export default {
  name: 'my-breakout',
  description: 'close above the previous high',
  timeframe: '15m',
  params: [
    { name: 'lookback', type: 'int', default: 20, min: 2, max: 500, description: 'candles in the range' },
    { name: 'side', type: 'enum', default: 'long', values: ['long', 'both'], description: 'which side to trade' },
  ],
  warmup: (p) => p.lookback,
  compute: () => ({}),
  decide: () => null,
};
`;

function configWith(strategiesDir: string): string {
  const dir = tempDir('tradetui-cfg-');
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `strategiesDir: ${JSON.stringify(strategiesDir)}\n`);
  return file;
}

describe('tradetui strategies', () => {
  it('--json lists every built-in with typed parameters', async () => {
    const r = await runCli(['strategies', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { strategies: { name: string; builtin: boolean; timeframe: string; description: string; params: Record<string, unknown>[] }[] };
    expect(doc.strategies.map((s) => s.name)).toEqual(['ma-cross', 'rsi-macd', 'adaptive-ema', 'enhanced', 'bollinger-reversion', 'high-risk', 'ichimoku', 'ml-classifier', 'ml-forecast', 'ml-ensemble']);
    const ma = doc.strategies[0]!;
    expect(ma).toMatchObject({ builtin: true, timeframe: '1h' });
    expect(ma.description).toMatch(/crossover/);
    expect(ma.params).toEqual([
      { name: 'fast', type: 'int', default: 10, min: 2, max: 200, values: null, description: 'fast moving-average period (candles)' },
      { name: 'slow', type: 'int', default: 30, min: 3, max: 400, values: null, description: 'slow moving-average period (candles); above fast' },
      { name: 'type', type: 'enum', default: 'sma', min: null, max: null, values: ['sma', 'ema', 'wma'], description: 'moving-average kind' },
      { name: 'short', type: 'bool', default: false, min: null, max: null, values: ['true', 'false'], description: 'enter short on the bearish cross when flat' },
    ]);
  });

  it('prints a readable table by default', async () => {
    const r = await runCli(['strategies']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ma-cross {2}\(1h, built-in\)$/m);
    expect(r.stdout).toMatch(/^ {2}type +enum +sma +sma\|ema\|wma +moving-average kind$/m);
    expect(r.stdout).toMatch(/^ {2}stopAtr +float +2 +0\.5\.\.6 /m);
    expect(r.stdout).toContain('--param key=value');
  });

  it('includes the trader\'s strategies from config strategiesDir', async () => {
    const dir = tempDir('tradetui-strats-');
    writeFileSync(join(dir, 'breakout.mjs'), USER_STRATEGY);
    const r = await runCli(['strategies', '--json', '--config', configWith(dir)]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { strategies: { name: string; builtin: boolean; file: string | null; params: unknown[] }[] };
    const mine = doc.strategies.at(-1)!;
    expect(mine).toMatchObject({ name: 'my-breakout', builtin: false, file: join(dir, 'breakout.mjs') });
    expect(mine.params[1]).toEqual({ name: 'side', type: 'enum', default: 'long', min: null, max: null, values: ['long', 'both'], description: 'which side to trade' });
  });

  it('exits 2 naming the file when a strategy in the folder is invalid', async () => {
    const dir = tempDir('tradetui-strats-');
    writeFileSync(join(dir, 'broken.mjs'), `export default { name: 'broken' };`);
    const r = await runCli(['strategies', '--config', configWith(dir)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`tradetui: ${join(dir, 'broken.mjs')}: not a valid strategy: missing or wrong description`);
  });

  it('--help shows an example', async () => {
    const r = await runCli(['strategies', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tradetui strategies --json');
  });
});
