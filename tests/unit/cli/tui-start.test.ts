// The TUI's fast start: which command lines skip yargs (and which go to it, so it can say what is wrong), the
// background engine's command line, and the data directory found before the config is checked in full, which
// must be the one loadConfig resolves whenever it answers at all (the engine is spawned on it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineArgs, tuiStartArgs } from '../../../src/cli/tui-start.js';
import { engineProcessMain } from '../../../src/cli/engine-process.js';
import { dataDirBeforeCheck } from '../../../src/config/data-dir.js';
import { loadConfig } from '../../../src/config/load.js';
import { tempDir } from '../../support/run-cli.js';

describe('a plain TUI start skips yargs', () => {
  it('takes no arguments, or only the TUI start options, each well formed', () => {
    expect(tuiStartArgs([])).toEqual({});
    expect(tuiStartArgs(['--data-dir', '/d', '--config=/c.yaml', '--speed', '20', '--feed', 'exchange', '--ascii', '--readonly'])).toEqual({
      dataDir: '/d',
      config: '/c.yaml',
      speed: 20,
      feed: 'exchange',
      ascii: true,
      readonly: true,
    });
    expect(tuiStartArgs(['--speed', '0.5'])).toEqual({ speed: 0.5 });
  });

  it('hands everything else to yargs: commands, help, version, other modes, unknown, repeated or odd values', () => {
    for (const argv of [
      ['data', 'list'],
      ['--help'],
      ['-h'],
      ['--version'],
      ['--headless'],
      ['--live'],
      ['--engine-process'],
      ['--json'],
      ['--dataDir', '/d'],
      ['--no-ascii'],
      ['--speed', 'fast'],
      ['--speed', '1e3'],
      ['--speed', '-2'],
      ['--feed', 'csv'],
      ['--data-dir'],
      ['--data-dir', ''],
      ['--speed', '2', '--speed', '3'],
      ['--nope'],
    ]) {
      expect(tuiStartArgs(argv), argv.join(' ')).toBeNull();
    }
  });

  it('writes the background engine command line with absolute paths (the engine runs from another directory)', () => {
    expect(engineArgs('rel/data', { config: 'my.yaml', speed: 5, feed: 'replay', ascii: true })).toEqual([
      '--engine-process',
      '--data-dir',
      join(process.cwd(), 'rel/data'),
      '--config',
      join(process.cwd(), 'my.yaml'),
      '--speed',
      '5',
      '--feed',
      'replay',
    ]);
  });

  it('the engine process takes only that command line; anything else goes to yargs', async () => {
    expect(await engineProcessMain(['--engine-process'])).toBe(false);
    expect(await engineProcessMain(['--engine-process', '--data-dir', '/d', '--headless'])).toBe(false);
    expect(await engineProcessMain(['--engine-process', '--data-dir', '/d', '--speed', '0'])).toBe(false);
    expect(await engineProcessMain(['--engine-process', '--data-dir', '/d', '--feed', 'csv'])).toBe(false);
    expect(await engineProcessMain(['--engine-process', '--data-dir', '/d', 'extra'])).toBe(false);
  });
});

describe('the data directory before the config is checked', () => {
  const config = (text: string): string => {
    const f = join(tempDir(), 'config.yaml');
    writeFileSync(f, text);
    return f;
  };
  const both = async (opts: { configFile?: string; dataDir?: string; env?: NodeJS.ProcessEnv }) => ({
    early: await dataDirBeforeCheck(opts),
    full: loadConfig(opts).dataDir,
  });

  it('is the one loadConfig resolves: flag, then TRADETUI_DATA_DIR, then the config file, then the default', async () => {
    const f = config('dataDir: /from/config\naccount:\n  balance: 500\n');
    for (const opts of [
      { configFile: f, dataDir: '/from/flag', env: { TRADETUI_DATA_DIR: '/from/env' } },
      { configFile: f, env: { TRADETUI_DATA_DIR: '/from/env' } },
      { configFile: f, env: {} },
      { configFile: config('dataDir: null\n'), env: {} },
      { configFile: config(''), env: {} },
      { configFile: config('# only a comment\n'), env: {} },
      { env: {} },
    ]) {
      const { early, full } = await both(opts);
      expect(early, JSON.stringify(opts)).toBe(full);
    }
    expect((await both({ configFile: f, env: {} })).early).toBe('/from/config');
  });

  it('is null when the file cannot say without the full check, which then reports the error', async () => {
    for (const text of ['dataDir: [unclosed\n', 'dataDir: 42\n', '- a list\n', 'just text\n']) {
      const f = config(text);
      expect(await dataDirBeforeCheck({ configFile: f, env: {} }), text).toBeNull();
      expect(() => loadConfig({ configFile: f, env: {} }), text).toThrow();
    }
    expect(await dataDirBeforeCheck({ configFile: join(tempDir(), 'missing.yaml'), env: {} })).toBeNull();
  });
});
