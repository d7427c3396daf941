// `--help` at 80 columns: no line wider than the terminal, no word cut in two (the bundle's yargs used a cliui
// build that cut every line at the width: "pres/ent"), and every example whole and copyable: a comment line
// then the command, continued with " \" between words, so the joined lines are the same command as at 110.
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../support/run-cli.js';

const dataDir = tempDir('tradetui-help-');
const help = async (cmd: string[], columns: number): Promise<string> => {
  const r = await runCli([...cmd, '--help'], { dataDir, env: { COLUMNS: String(columns) } });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

/**
 * Words of the text, with the line-continuation marks and comment marks left out. cliui glues the right-aligned
 * type hint to a description that fills its column exactly ("file[string]"): split it off again.
 */
const words = (text: string): string[] =>
  text
    .replace(/(\S)\[(string|number|boolean|array|count)\]/g, '$1 [$2]')
    .split(/\s+/)
    .filter((w) => w && w !== '\\' && w !== '#')
    .sort();

/** The examples as whole commands: continuation lines joined, comments dropped. */
function exampleCommands(text: string): string[] {
  const at = text.indexOf('\nExamples:\n');
  if (at < 0) return [];
  const out: string[] = [];
  let cur = '';
  for (const raw of text.slice(at + 11).split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('tradetui') && !cur) continue;
    cur += (cur ? ' ' : '') + line.replace(/ \\$/, '');
    if (!line.endsWith(' \\')) {
      out.push(cur);
      cur = '';
    }
  }
  return out;
}

const COMMANDS = [
  [],
  ['backtest'],
  ['backtest', 'show'],
  ['backtest', 'list'],
  ['data'],
  ['data', 'import'],
  ['data', 'download'],
  ['config', 'check'],
  ['risk'],
  ['optimize'],
  ['ml', 'train'],
  ['status'],
  ['backup'],
];

describe('tradetui --help at 80 columns', () => {
  it.each(COMMANDS.map((c) => [c.join(' ') || '(top)', c] as const))('%s: fits, cuts no word, examples whole', async (_name, cmd) => {
    const [narrow, wide] = await Promise.all([help(cmd, 80), help(cmd, 110)]);
    for (const line of narrow.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    // wrapping only moves whole words between lines: the same words at both widths
    expect(words(narrow)).toEqual(words(wide));
    const examples = exampleCommands(narrow);
    expect(examples).toEqual(exampleCommands(wide));
    for (const e of examples) expect(e).toMatch(/^tradetui( \S+)*$/);
  }, 60_000);

  it('backtest examples are comment + command blocks', async () => {
    const text = await help(['backtest'], 80);
    expect(text).toContain('  # an HTML report to open in a browser: price chart with the trades, equity,\n  # drawdown, metrics\n  tradetui backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1h \\\n  --html report.html\n');
    expect(exampleCommands(text)).toContain('tradetui backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1d --param fast=5 --param slow=20 --trades --trades-csv trades.csv');
  }, 60_000);
});
