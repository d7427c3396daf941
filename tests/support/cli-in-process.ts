// Runs the tradetui CLI inside the test process: the same yargs program (src/cli/main.ts) a trader's command
// runs, with stdout, stderr and the exit code captured, and the environment a child would get (data dir,
// config home, NO_COLOR). A CLI call costs milliseconds instead of a node start and a bundle load (~0.5 s).
//
// Same arguments and result as runCli (tests/support/run-cli.ts): switching a test is changing the import.
// Use runCli where the process itself is under test (signals, TTYs, exit on a crash, the built bundle, the
// engine's background process, stdin prompts); `cliInProcess` refuses `input` for that reason.
import { format } from 'node:util';
import { main } from '../../src/cli/main.js';
import { tempDir, type CliResult } from './run-cli.js';

export type { CliResult } from './run-cli.js';

type Write = typeof process.stdout.write;

let running = false;

export async function cliInProcess(args: string[], opts: { dataDir?: string; env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  if (opts.input !== undefined) throw new Error('cliInProcess: a command reading stdin runs as a process: use runCli');
  // stdout and the environment are the process's: two CLI runs at once would mix their output.
  if (running) throw new Error('cliInProcess: one CLI run at a time in a test file (await each call; use runCli for concurrent runs)');
  running = true;
  const env: Record<string, string | undefined> = {
    NO_COLOR: '1',
    TRADETUI_DATA_DIR: opts.dataDir ?? tempDir(),
    XDG_CONFIG_HOME: opts.env?.XDG_CONFIG_HOME ?? tempDir('tradetui-cfg-'),
    ...opts.env,
  };
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const savedExitCode = process.exitCode;
  const out = process.stdout.write;
  const err = process.stderr.write;
  // yargs prints --help, --version and usage through console, which vitest intercepts: capture it too.
  const { log, error, warn } = console;
  let stdout = '';
  let stderr = '';
  const capture = (append: (s: string) => void): Write =>
    ((chunk: string | Uint8Array, encodingOrCb?: unknown, cb?: unknown) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as Write;
  try {
    for (const [k, v] of Object.entries(env)) setEnv(k, v);
    process.exitCode = undefined;
    process.stdout.write = capture((s) => (stdout += s));
    process.stderr.write = capture((s) => (stderr += s));
    console.log = (...a: unknown[]) => void (stdout += `${format(...a)}\n`);
    console.error = (...a: unknown[]) => void (stderr += `${format(...a)}\n`);
    console.warn = console.error;
    await main(args, { exitProcess: false });
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    Object.assign(console, { log, error, warn });
    process.exitCode = savedExitCode;
    for (const [k, v] of Object.entries(savedEnv)) setEnv(k, v);
    running = false;
  }
}

function setEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
