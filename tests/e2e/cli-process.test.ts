// The few CLI checks that need the real process: the built bundle (dist/tradetui.mjs) as a trader runs it,
// its exit codes and its streams. Command behaviour is tested in-process (tests/support/cli-in-process.ts);
// these prove the bundle runs those same commands end to end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/run-cli.js';

describe('the tradetui bundle as a process', { timeout: 120_000 }, () => {
  const dataDir = tempDir();

  it('--help exits 0 and lists the commands', async () => {
    const r = await runCli(['--help'], { dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/backtest/);
    expect(r.stdout).toMatch(/data/);
  });

  it('--version prints package.json\'s version from any working directory (it said "unknown" outside the project)', () => {
    const root = join(import.meta.dirname, '../..');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = spawnSync(process.execPath, [join(root, 'dist/tradetui.mjs'), '--version'], { cwd: tempDir(), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('a usage error exits 2 with the message on stderr', async () => {
    const r = await runCli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '7h'], { dataDir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/tradetui: .*7h/);
  });

  it('data list, then a backtest with --json on the shipped candles, then backtest show', async () => {
    const list = await runCli(['data', 'list', '--json'], { dataDir });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).markets.length).toBeGreaterThan(0);
    const bt = await runCli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2024-01-01', '--to', '2024-03-01', '--json'], { dataDir });
    expect(bt.code).toBe(0);
    const run = JSON.parse(bt.stdout).runs[0];
    expect(run.equityCurve.length).toBe(60 * 24);
    const show = await runCli(['backtest', 'show', String(run.id), '--json'], { dataDir });
    expect(show.code).toBe(0);
    // The stored run prints again byte for byte as it was first printed.
    expect(show.stdout).toBe(bt.stdout);
  });

  it('a reader that closes the pipe early (`backtest --json | head`) ends the command quietly: exit 0, no stack trace, the run stored', async () => {
    const root = join(import.meta.dirname, '../..');
    const child = spawn(process.execPath, [join(root, 'dist/tradetui.mjs'), 'backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--json'], {
      env: { ...process.env, NO_COLOR: '1', TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: tempDir('tradetui-cfg-') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Like `head -c 100`: take the first piece, then close the read end.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
    const list = await runCli(['backtest', 'list', '--json'], { dataDir });
    expect(JSON.parse(list.stdout).runs.map((r: { strategy: string; timeframe: string }) => `${r.strategy} ${r.timeframe}`)).toContain('ma-cross 1h');
  });

  it('the tradetui command (bin/tradetui, as npm links it) runs the bundle with glibc huge pages asked for, keeps a GLIBC_TUNABLES of the user, and passes the exit code on', () => {
    const root = join(import.meta.dirname, '../..');
    // npm's link: node_modules/.bin/tradetui -> ../../bin/tradetui, relative.
    const linkDir = join(tempDir('tradetui-link-'), 'node_modules', '.bin');
    mkdirSync(linkDir, { recursive: true });
    const link = join(linkDir, 'tradetui');
    symlinkSync(relative(linkDir, join(root, 'bin/tradetui')), link);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, NODE_OPTIONS: '--import=data:text/javascript,process.stderr.write(`tunables=${process.env.GLIBC_TUNABLES}\\n`)' };
    delete env.GLIBC_TUNABLES;
    const plain = spawnSync(link, ['--version'], { cwd: tempDir(), env, encoding: 'utf8' });
    expect(plain.status).toBe(0);
    expect(plain.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(plain.stderr).toContain('tunables=glibc.malloc.hugetlb=1\n');
    const own = spawnSync(link, ['--version'], { cwd: tempDir(), env: { ...env, GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, encoding: 'utf8' });
    expect(own.stderr).toContain('tunables=glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2\n');
    const theirs = spawnSync(link, ['--version'], { cwd: tempDir(), env: { ...env, GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, encoding: 'utf8' });
    expect(theirs.stderr).toContain('tunables=glibc.malloc.hugetlb=0\n');
    const bad = spawnSync(link, ['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '7h'], { cwd: tempDir(), env: { ...env, TRADETUI_DATA_DIR: dataDir }, encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});

