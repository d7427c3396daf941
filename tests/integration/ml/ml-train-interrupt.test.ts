// Ctrl-C during `tradetui ml train` stops after the current batch, says nothing was saved, exits 130 and
// leaves no model folder (not even a temporary one) in the data directory. Runs the built CLI (`npm test`
// builds it first), the process a trader interrupts.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../support/run-cli.js';

describe('tradetui ml train, interrupted', () => {
  it('SIGINT keeps nothing half-written', async () => {
    const dataDir = tempDir('tradetui-ml-int-');
    const child = spawn(
      process.execPath,
      [join(ROOT, 'dist/tradetui.mjs'), 'ml', 'train', '--model', 'lstm', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2023-01-01', '--to', '2023-04-01', '--lookback', '16', '--units', '8', '--epochs', '200', '--patience', '500'],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: tempDir('tradetui-cfg-') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && /epoch 1\/200/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('Stopping after the current batch');
    expect(stderr).toContain('training cancelled; nothing was saved');
    expect(code).toBe(130);
    expect(stdout).not.toContain('Saved model');
    const models = join(dataDir, 'models');
    expect(existsSync(models) ? readdirSync(models) : []).toEqual([]);
  }, 300_000);
});
