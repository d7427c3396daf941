#!/usr/bin/env node
// React picks its production build from NODE_ENV when it is first imported (lazily, by the TUI): the
// development build costs several times the CPU per frame.
process.env.NODE_ENV ??= 'production';
// When nothing is left to do, end at once: what Node does after 'beforeExit' on its own is tear the heap down
// piece by piece (~0.1 s after a year's backtest, ~0.05 s after any command), and no output or file waits on it.
// 'exit' listeners still run; a command's pending work (a write, a timer, a socket) keeps the loop from ending.
process.once('beforeExit', () => process.exit());
const argv = process.argv.slice(2);
// Two command lines skip yargs and its every command module, whose loading would delay the TUI's first frame:
// the background engine's own (written by the TUI's start) and a plain TUI start. Anything else, or anything
// they do not recognise, goes through the full command line.
if (argv[0] === '--engine-process') {
  const { engineProcessMain } = await import('../src/cli/engine-process.js');
  const { reportError } = await import('../src/cli/report-error.js');
  if (!(await engineProcessMain(argv).catch((err: unknown) => ((process.exitCode = reportError(err)), true)))) await full();
} else {
  const { startTui, tuiStartArgs } = await import('../src/cli/tui-start.js');
  const args = tuiStartArgs(argv);
  if (args) {
    const { reportError } = await import('../src/cli/report-error.js');
    await startTui(args).catch((err: unknown) => (process.exitCode = reportError(err)));
  } else await full();
}

async function full(): Promise<void> {
  const { main } = await import('../src/cli/main.js');
  await main(argv);
}
