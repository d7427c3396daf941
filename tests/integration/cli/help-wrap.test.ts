// `--help` at 80 columns: no line wider than the terminal, no word cut in two (the bundle's yargs used a cliui
// build that cut every line at the width: "pres/ent"), and every example whole and copyable: a comment line
// then the command, continued with " \" between words, so the joined lines are the same command as at 110.
// The built bundle renders every command's help at both widths in one process (tests/support/bundle-help.mjs:
// the bundle's own yargs and cliui, one node start instead of 27); one real `tradetui backtest --help` process
// checks that it prints the same text.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../../support/run-cli.js';

const dataDir = tempDir('tradetui-help-');
const env = { ...process.env, NO_COLOR: '1', TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: tempDir('tradetui-cfg-') };
const WIDTHS = [80, 110] as const;
const rendered = new Map<string, string>();
const help = (cmd: string[], columns: number): string => {
  const text = rendered.get(`${cmd.join(' ')}@${columns}`);
  if (text === undefined) throw new Error(`help of "${cmd.join(' ')}" at ${columns} was not rendered`);
  return text;
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

beforeAll(async () => {
  const requests = COMMANDS.flatMap((args) => WIDTHS.map((columns) => ({ args: [...args, '--help'], columns })));
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'tests/support/bundle-help.mjs'), JSON.stringify(requests)], { cwd: ROOT, env, maxBuffer: 16 << 20 });
  const results = JSON.parse(stdout) as Array<{ stdout: string; code: number }>;
  expect(results).toHaveLength(requests.length);
  requests.forEach((r, i) => {
    expect(results[i]!.code, r.args.join(' ')).toBe(0);
    rendered.set(`${r.args.slice(0, -1).join(' ')}@${r.columns}`, results[i]!.stdout);
  });
}, 60_000);

describe('tradetui --help at 80 columns', () => {
  it('the one-process renders are what `tradetui --help` prints as a process', async () => {
    const r = await runCli(['backtest', '--help'], { dataDir, env: { COLUMNS: '80' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(help(['backtest'], 80));
  }, 60_000);

  it.each(COMMANDS.map((c) => [c.join(' ') || '(top)', c] as const))('%s: fits, cuts no word, examples whole', (_name, cmd) => {
    const [narrow, wide] = WIDTHS.map((w) => help(cmd, w)) as [string, string];
    for (const line of narrow.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    // wrapping only moves whole words between lines: the same words at both widths
    expect(words(narrow)).toEqual(words(wide));
    const examples = exampleCommands(narrow);
    expect(examples).toEqual(exampleCommands(wide));
    for (const e of examples) expect(e).toMatch(/^tradetui( \S+)*$/);
  });

  it('backtest examples are comment + command blocks', () => {
    const text = help(['backtest'], 80);
    expect(text).toContain('  # an HTML report to open in a browser: price chart with the trades, equity,\n  # drawdown, metrics\n  tradetui backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1h \\\n  --html report.html\n');
    expect(exampleCommands(text)).toContain('tradetui backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1d --param fast=5 --param slow=20 --trades --trades-csv trades.csv');
  });
});
