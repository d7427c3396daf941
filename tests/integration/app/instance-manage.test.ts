// Instance management through the engine API (the commands the TUI, Telegram and the CLI send): delete (refused
// while the instance holds a position, its history kept), edit with restart (position kept), and hot reload of a
// user strategy file (the new code runs without an engine restart; a broken file keeps the old code and alerts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import type { EngineEvent } from '../../../src/core/events.js';
import type { DefaultRiskLayer as RiskLayerImpl } from '../../../src/engine/risk/layer.js';
import { tempDir } from '../../support/run-cli.js';

/** Enters once and holds; its series \`version\` carries the code's version, so a test can tell which code ran. */
const holder = (version: number, extra = ''): string => `
export default {
  name: 'holder',
  description: 'enters long once and holds (a test strategy)',
  timeframe: '1h',
  params: [{ name: 'every', type: 'int', default: 3, min: 1, max: 50 }],
  warmup: () => 1,
  compute: (candles) => ({ version: new Float64Array(candles.length).fill(${version}) }),
  decide(i, input, position) {
    if (!position && i % input.params.every === 0) return { action: 'enter-long', reason: 'holder v${version} enters' };
    return null;
  },
};${extra}
`;

const ID = 'holder@binance:BTC/USDT:1h';
const by = 'cli' as const;

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function open(home: string, dataDir: string, strategyPollMs = 0): Promise<App> {
  const config = parseConfig({ strategiesDir: './mine', paper: { speed: 200, replayFrom: '2026-03-20', instances: [{ strategy: 'holder', symbol: 'BTC/USDT', timeframe: '1h' }] } });
  return createApp({ config, configSource: join(home, 'config.yaml'), dataDir, logger: createLogger(null), strategyPollMs });
}

/** Lets `n` more candles through a paused replay and waits for them. */
async function step(app: App, n: number): Promise<void> {
  const before = app.snapshot().feed.lastCandleTime ?? 0;
  for (let k = 0; k < n; k++) await app.send({ type: 'replay', action: 'step', by });
  await until(() => (app.snapshot().feed.lastCandleTime ?? 0) >= before + n * 3_600_000, `${n} candle(s)`);
}

describe('instance management through the engine API', { timeout: 120_000 }, () => {
  it('delete is refused while a position is open, edit restarts keeping it, delete after the close keeps the history', async () => {
    const home = tempDir();
    const dataDir = tempDir();
    mkdirSync(join(home, 'mine'));
    writeFileSync(join(home, 'mine', 'holder.js'), holder(1));
    let app = await open(home, dataDir);
    try {
      await app.send({ type: 'start', instanceId: ID, by });
      await app.start();
      await until(() => app.snapshot().positions.length > 0, 'an open position');
      await app.send({ type: 'replay', action: 'pause', by });
      const pos = app.snapshot().positions[0]!;
      expect(pos.instanceId).toBe(ID);

      const refused = await app.send({ type: 'delete-instance', instanceId: ID, by });
      expect(refused.ok).toBe(false);
      expect(refused.message).toContain('holds an open long position');
      expect(refused.message).toContain('close it first');
      expect(app.snapshot().instances.map((i) => i.id)).toEqual([ID]);

      // Edit: bad input is refused with the parameter named, nothing changes.
      const bad = await app.send({ type: 'edit-instance', instanceId: ID, params: { every: 0 }, by });
      expect(bad.ok).toBe(false);
      expect(bad.message).toMatch(/every/);
      const badRisk = await app.send({ type: 'edit-instance', instanceId: ID, risk: { sizing: { riskPct: 99 } }, by });
      expect(badRisk.ok).toBe(false);
      expect(badRisk.message).toContain('risk.sizing.riskPct');
      const events: EngineEvent[] = [];
      app.bus.on('instance', (e) => events.push(e));
      const edited = await app.send({ type: 'edit-instance', instanceId: ID, params: { every: 7 }, risk: { exits: { takeProfitPct: 50 } }, by });
      expect(edited).toMatchObject({ ok: true });
      expect(edited.message).toContain('every=7');
      expect(edited.message).toContain('keeps its open position');
      expect(events.map((e) => e.type === 'instance' && e.change)).toEqual(['updated']);
      const after = app.snapshot();
      expect(after.instances[0]).toMatchObject({ id: ID, params: { every: 7 }, running: true });
      expect(after.positions.map((p) => [p.id, p.instanceId, p.qty])).toEqual([[pos.id, ID, pos.qty]]);
      // The restarted instance keeps trading from where it stood: the next candle is decided by it.
      await step(app, 1);
      expect(app.kernel.instances.get(ID)!.cursor).toBe(app.kernel.instances.get(ID)!.candles.length - 1);
      expect(app.indicators(ID, 1).version?.[0]).toBe(1);

      // Close, let the fill happen, then delete: accepted; the trade stays in the history.
      expect((await app.send({ type: 'stop', instanceId: ID, by })).ok).toBe(true);
      expect((await app.send({ type: 'close', symbol: 'BTC/USDT', positionId: pos.id, by })).ok).toBe(true);
      await step(app, 1);
      await until(() => app.snapshot().positions.length === 0, 'the close to fill');
      const deleted = await app.send({ type: 'delete-instance', instanceId: ID, by });
      expect(deleted.ok).toBe(true);
      expect(deleted.message).toContain('1 trade(s)');
      expect(app.snapshot().instances).toEqual([]);
      expect(events.at(-1)).toMatchObject({ type: 'instance', change: 'removed', instance: { id: ID } });
      expect(app.trades({}).map((t) => t.instanceId)).toEqual([ID]);
      expect((await app.send({ type: 'delete-instance', instanceId: ID, by })).message).toContain('no strategy instance');
    } finally {
      await app.stop();
    }
    // After a restart the deleted instance stays deleted (the config's instance is not added again) and its trade
    // and decisions are still readable with their strategy and market.
    app = await open(home, dataDir);
    try {
      expect(app.snapshot().instances).toEqual([]);
      expect(app.trades({}).map((t) => [t.instanceId, t.strategy])).toEqual([[ID, 'holder']]);
      expect(app.snapshot().signals.find((s) => s.instanceId === ID)).toMatchObject({ strategy: 'holder', symbol: 'BTC/USDT' });
    } finally {
      await app.stop();
    }
  });

  it('edited params and risk overrides survive a restart', async () => {
    const home = tempDir();
    const dataDir = tempDir();
    mkdirSync(join(home, 'mine'));
    writeFileSync(join(home, 'mine', 'holder.js'), holder(1));
    let app = await open(home, dataDir);
    try {
      const r = await app.send({ type: 'edit-instance', instanceId: ID, params: { every: 9 }, risk: { exits: { takeProfitPct: 40 } }, by });
      expect(r.ok).toBe(true);
    } finally {
      await app.stop();
    }
    app = await open(home, dataDir);
    try {
      expect(app.snapshot().instances[0]).toMatchObject({ id: ID, params: { every: 9 } });
      expect((app.kernel.risk as unknown as RiskLayerImpl).configFor(ID).exits.takeProfitPct).toBe(40);
    } finally {
      await app.stop();
    }
  });

  it('hot reload: a changed file runs in its instance without a restart, position kept; a broken file keeps the old code and alerts', async () => {
    const home = tempDir();
    const dir = join(home, 'mine');
    mkdirSync(dir);
    const file = join(dir, 'holder.js');
    writeFileSync(file, holder(1));
    const app = await open(home, tempDir());
    try {
      await app.send({ type: 'start', instanceId: ID, by });
      await app.start();
      await until(() => app.snapshot().positions.length > 0, 'an open position');
      await app.send({ type: 'replay', action: 'pause', by });
      const pos = app.snapshot().positions[0]!;
      await step(app, 1);
      const version = (): number | undefined => app.indicators(ID, 1).version?.[0];
      expect(version()).toBe(1);

      writeFileSync(file, holder(2, '\n// second version'));
      const r2 = await app.send({ type: 'reload-strategies', by });
      expect(r2.ok).toBe(true);
      await until(() => app.snapshot().alerts.some((a) => a.message.includes('reloaded')), 'the reload alert');
      const alert = app.snapshot().alerts.find((a) => a.message.includes('reloaded'))!;
      expect(alert.message).toContain(file);
      expect(alert.message).toContain('1 instance(s) run the new code');
      // one alert says both: reloaded, and the instance restarted in place keeping its position (not a second one)
      expect(alert.message).toContain(`restarted in place (${ID}), positions and orders kept`);
      expect(app.snapshot().alerts.filter((a) => a.message.includes('restarted'))).toEqual([alert]);
      expect(version()).toBe(2);
      await step(app, 1);
      expect(version()).toBe(2);
      expect(app.snapshot().positions.map((p) => p.id)).toEqual([pos.id]);

      // A broken save: the old (v2) code keeps running, an alert names the file and the error.
      writeFileSync(file, 'export default { name: "holder", oops');
      const r = await app.send({ type: 'reload-strategies', by });
      expect(r.ok).toBe(false);
      expect(r.message).toContain(file);
      expect(r.message).toContain('the running code is kept');
      await until(() => app.snapshot().alerts.some((a) => a.severity === 'error' && a.message.includes(file)), 'the failure alert');
      await step(app, 1);
      expect(version()).toBe(2);

      // A version that drops the instance's parameter is refused the same way.
      writeFileSync(file, holder(3).replace("[{ name: 'every', type: 'int', default: 3, min: 1, max: 50 }]", '[]').replace('input.params.every', '3'));
      const r3 = await app.send({ type: 'reload-strategies', by });
      expect(r3.ok).toBe(false);
      expect(r3.message).toContain('unknown parameter "every"');
      expect(app.snapshot().instances[0]!.params).toEqual({ every: 3 });
    } finally {
      await app.stop();
    }
  });

  it('the strategies folder is watched: a saved file is reloaded without a command', async () => {
    const home = tempDir();
    mkdirSync(join(home, 'mine'));
    const file = join(home, 'mine', 'holder.js');
    writeFileSync(file, holder(1));
    const app = await open(home, tempDir(), 25);
    try {
      await app.start();
      await app.send({ type: 'replay', action: 'pause', by });
      writeFileSync(file, holder(2, '\n// saved again'));
      await until(() => app.snapshot().alerts.some((a) => a.message.includes('reloaded')), 'the reload alert');
      expect(app.indicators(ID, 1).version?.[0]).toBe(2);
      expect(app.strategies().find((s) => s.name === 'holder')!.description).toContain('enters long once');
    } finally {
      await app.stop();
    }
  });
});
