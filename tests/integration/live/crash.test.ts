// SIGKILL at each step of an order's life (before the request leaves, after it left with the reply lost,
// after the fill), then a restart over the same journal: no duplicate order, and the journal's fills and
// positions equal the exchange's.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBinance } from '../../support/fake-binance.js';
import { ROOT, tempDir } from '../../support/run-cli.js';

let fake: FakeBinance | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function child(args: string[], onSpawn?: (kill: () => void) => void): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/support/live-child.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    onSpawn?.(() => p.kill('SIGKILL'));
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('crash at each step, then restart', { timeout: 240_000 }, () => {
  for (const step of ['before-send', 'after-send', 'after-fill'] as const) {
    it(`SIGKILL ${step}: no duplicate order; fills and position equal the exchange's`, async () => {
      fake = await FakeBinance.start({ balances: { USDT: 10_000 } });
      fake.setPrice('BTCUSDT', 50_000);
      const dir = tempDir();
      const base = [dir, fake.url, fake.apiKey, fake.secret];
      if (step === 'after-send') {
        // The exchange accepts the order; the process dies before it hears back.
        fake.loseReply('POST', '/api/v3/order', 'hang');
        let kill: () => void = () => {};
        fake.onOrderRequest = () => setTimeout(() => kill(), 50);
        const crashed = await child(['place', ...base], (k) => (kill = k));
        expect(crashed.signal).toBe('SIGKILL');
      } else {
        const crashed = await child(['place', ...base, step]);
        expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
      }
      const placedBefore = fake.orders.size;
      const restarted = await child(['restart', ...base]);
      expect(restarted.code, restarted.stderr).toBe(0);
      const out = JSON.parse(restarted.stdout) as { differences: string[]; fills: number; held: number; orders: Array<{ state: string; status: string }> };
      expect(fake.orders.size).toBe(placedBefore);
      expect(fake.orders.size).toBe(step === 'before-send' ? 0 : 1);
      expect(out.fills).toBe(fake.trades.length);
      expect(out.held).toBeCloseTo(fake.balance('BTC').free, 10);
      expect(out.differences).toEqual([]);
      expect(out.orders.every((o) => o.state === 'done')).toBe(true);
    });
  }
});
