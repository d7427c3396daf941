// The tradetui command line: one module per command under src/cli/. Exit codes: 0 ok, 1 runtime failure,
// 2 usage, config or input error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { UserError } from '../core/errors.js';
import { globalOptions } from './context.js';
import { commands } from './commands.js';
import { copyableExamples } from './help-format.js';
import { packageRoot } from '../data/seed.js';
import { reportError } from './report-error.js';

export { reportError };

/** `exitProcess: false` keeps --help and --version from ending the process (the CLI run inside a test). */
export async function main(argv: string[], opts: { exitProcess?: boolean } = {}): Promise<void> {
  quietWhenReaderLeaves();
  let usageError: string | undefined;
  // the terminal's width (COLUMNS when piped, e.g. `COLUMNS=80 tradetui --help | less`), at most 110
  const width = Math.min(110, process.stdout.columns || Number(process.env.COLUMNS) || 100);
  const cli = globalOptions(copyableExamples(yargs(argv) as Argv, width))
    .scriptName('tradetui')
    .usage('$0 [command]\n\nTerminal trading: paper trading TUI by default, backtests, data and strategies.')
    .command(commands)
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // yargs looks for package.json from the working directory in an ES module: "unknown" anywhere else
    .version(tradetuiVersion())
    .exitProcess(opts.exitProcess ?? true)
    .wrap(width)
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg;
      // Throwing stops yargs here: a fail handler that returns lets the command's handler run anyway.
      throw new UserError(msg);
    });
  try {
    await cli.parseAsync();
  } catch (err) {
    if (!usageError) process.exitCode = reportError(err);
  }
  if (usageError) {
    process.stderr.write(`tradetui: ${usageError}\nRun "tradetui --help" for usage.\n`);
    process.exitCode = 2;
  }
}

/**
 * `tradetui backtest --json | head`: the reader closing the pipe early is not a failure of the command. Node
 * ignores SIGPIPE, so the write fails with EPIPE, which unhandled would end the process with a stack trace.
 * The command finishes its work (a run is stored, a download completes); only its output goes nowhere.
 */
function quietWhenReaderLeaves(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return;
    throw err;
  });
}

function tradetuiVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
