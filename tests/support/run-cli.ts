// Runs the real tradetui CLI (the built bundle, as a trader runs it; tests/support/global-setup.ts keeps it
// fresh) in a child process with its own data dir.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'tradetui-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function runCli(args: string[], opts: { dataDir?: string; env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        NO_COLOR: '1',
        TRADETUI_DATA_DIR: opts.dataDir ?? tempDir(),
        XDG_CONFIG_HOME: opts.env?.XDG_CONFIG_HOME ?? tempDir('tradetui-cfg-'),
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
