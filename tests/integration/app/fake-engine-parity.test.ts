// The engine fakes the TUI and Telegram tests drive (tests/support/fake-engine*.ts) against the real engine API
// (createApp, paper mode) on the same script of commands: the same answers (ok or refused), the same events on
// the bus, the same changes to the snapshot, and snapshots and queries of the same shape. A fake that drifts
// from the engine would let those tests pass against behaviour no trader ever sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Command, CommandResult, EngineEvent } from '../../../src/core/events.js';
import type { EngineApi, EngineSnapshot } from '../../../src/engine/ports.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { FakeEngine as TelegramFakeEngine } from '../../support/fake-engine-telegram.js';
import { tempDir } from '../../support/run-cli.js';

const BTC = 'ma-cross@binance:BTC/USDT:1h';
const ETH = 'rsi-macd@binance:ETH/USDT:1h';
const by = 'keyboard' as const;

/** The script: every command the TUI sends, with the ones an engine must refuse. */
const SCRIPT: Command[] = [
  { type: 'stop', instanceId: BTC, by },
  { type: 'stop', instanceId: 'nope@binance:BTC/USDT:1h', by },
  { type: 'start', instanceId: BTC, by },
  { type: 'start', instanceId: ETH, by },
  { type: 'close', symbol: 'BTC/USDT', by },
  { type: 'pause', by },
  { type: 'resume', by },
  { type: 'set-speed', candlesPerSecond: 5, by },
  { type: 'replay', action: 'pause', by },
  { type: 'replay', action: 'resume', by },
  { type: 'add-instance', strategy: 'ma-cross', symbol: 'ETH/USDT', timeframe: '1h', params: { fast: 10, slow: 30 }, by },
  { type: 'add-instance', strategy: 'ma-cross', symbol: 'ETH/USDT', timeframe: '1h', params: { fast: 10, slow: 30 }, by },
  { type: 'edit-instance', instanceId: BTC, params: { fast: 12 }, by },
  { type: 'edit-instance', instanceId: BTC, params: { fast: 40 }, by },
  { type: 'edit-instance', instanceId: 'nope@binance:BTC/USDT:1h', params: { fast: 12 }, by },
  { type: 'delete-instance', instanceId: 'ma-cross@binance:ETH/USDT:1h#2', by },
  { type: 'delete-instance', instanceId: 'nope@binance:BTC/USDT:1h', by },
  { type: 'reload-strategies', by },
  { type: 'kill', by },
];

interface Step {
  command: string;
  ok: boolean;
  events: string[];
  state: EngineSnapshot['state'];
  running: Record<string, boolean>;
  positions: number;
  speed: number | null;
  paused: boolean | undefined;
}

/** What a viewer can tell from one command: the answer, the events it caused, and the snapshot after it. */
async function play(api: EngineApi): Promise<Step[]> {
  const seen: string[] = [];
  const describeEvent = (e: EngineEvent): string => {
    if (e.type === 'instance') return `instance ${e.change} ${e.instance.id}`;
    if (e.type === 'engine') return `engine ${e.state}`;
    if (e.type === 'feed') return `feed ${e.status}`;
    return e.type;
  };
  const types = ['instance', 'engine', 'feed'] as const;
  for (const t of types) api.bus.on(t, (e: EngineEvent) => seen.push(describeEvent(e)));
  const steps: Step[] = [];
  for (const cmd of SCRIPT) {
    seen.length = 0;
    const r: CommandResult = await api.send(cmd);
    // Events a command causes are emitted before its answer or on the next turn of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    const s = api.snapshot();
    steps.push({
      command: `${cmd.type}${'instanceId' in cmd ? ` ${cmd.instanceId}` : ''}${'action' in cmd ? ` ${cmd.action}` : ''}`,
      ok: r.ok,
      events: [...seen],
      state: s.state,
      running: Object.fromEntries(s.instances.map((i) => [i.id, i.running])),
      positions: s.positions.length,
      speed: s.feed.speed,
      paused: s.feed.paused,
    });
    expect(typeof r.message).toBe('string');
    expect(r.message.length).toBeGreaterThan(0);
  }
  return steps;
}

function shape(x: unknown): unknown {
  if (Array.isArray(x)) return x.length > 0 ? [shape(x[0])] : [];
  if (x instanceof Float64Array) return 'Float64Array';
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, shape((x as Record<string, unknown>)[k])]));
  return typeof x;
}

describe('engine fakes against the real engine API', { timeout: 120_000 }, () => {
  let app: App;

  beforeAll(async () => {
    const config = parseConfig({
      paper: {
        speed: 2,
        instances: [
          { strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 10, slow: 30 } },
          { strategy: 'rsi-macd', symbol: 'ETH/USDT', timeframe: '1h' },
        ],
      },
    });
    app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('the TUI fake answers the command script as the engine does, with the same events and snapshot changes', async () => {
    // The same starting point: the fake's two instances, the ETH one stopped, and no open position.
    const real = app.snapshot();
    expect(real.instances.map((i) => i.id).sort()).toEqual([BTC, ETH]);
    await app.send({ type: 'stop', instanceId: ETH, by });
    if (!app.snapshot().instances.find((i) => i.id === BTC)!.running) await app.send({ type: 'start', instanceId: BTC, by });
    const fake = new FakeEngine({ positions: false });
    const realSteps = await play(app);
    const fakeSteps = await play(fake);
    expect(fakeSteps).toEqual(realSteps);
  });

  it('both fakes give snapshots of the engine snapshot shape', async () => {
    const realShape = shape(app.snapshot()) as Record<string, unknown>;
    const tuiFake = new FakeEngine();
    const tg = new TelegramFakeEngine();
    expect(Object.keys(shape(tuiFake.snapshot()) as object)).toEqual(Object.keys(realShape));
    expect(Object.keys(shape(tg.snapshot()) as object)).toEqual(Object.keys(realShape));
    // Instances and feed carry the same fields.
    const fakeSnap = shape(tuiFake.snapshot()) as Record<string, unknown>;
    expect(fakeSnap.instances).toEqual(realShape.instances);
    expect(Object.keys(fakeSnap.feed as object)).toEqual(Object.keys(realShape.feed as object));
  });

  it('validate-params answers as the engine does: the rule\'s message, a value off its spec, null when fine, unknown strategy refused', async () => {
    const fake = new FakeEngine();
    const cases: Array<[string, Record<string, number | string | boolean>]> = [
      ['ma-cross', { fast: 50, slow: 30 }],
      ['ma-cross', { fast: 10, slow: 30 }],
      ['ma-cross', { fast: 10, slow: 3000 }],
      ['ma-cross', { fast: 10, slow: 30, type: 'hull' }],
      ['ma-cross', { fast: 10.5 }],
      ['ma-cross', { fastest: 1 }],
      ['rsi-macd', { rsiPeriod: 14 }],
    ];
    const real = await Promise.all(cases.map(([s, p]) => app.validateParams(s, p)));
    const faked = await Promise.all(cases.map(([s, p]) => fake.validateParams!(s, p)));
    expect(faked).toEqual(real);
    expect(real[0]).toBe('fast (50) must be below slow (30)');
    expect(real[1]).toBeNull();
    expect(real[2]).toContain('slow must be between 3 and 400');
    await expect(app.validateParams('nope', {})).rejects.toThrow(/unknown strategy "nope"/);
    await expect(fake.validateParams!('nope', {})).rejects.toThrow(/unknown strategy "nope"/);
  });

  it('candles and trades queries follow the engine: the newest `limit` candles, trades newest first', async () => {
    const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
    const fake = new FakeEngine();
    for (const api of [app, fake] as EngineApi[]) {
      const c = api.candles(key, 50);
      expect(c.length).toBe(50);
      for (let i = 1; i < c.length; i++) expect(c.time[i]!).toBeGreaterThan(c.time[i - 1]!);
      expect(api.candles({ ...key, symbol: 'NOPE/USDT' }, 50).length).toBe(0);
    }
    const tg = new TelegramFakeEngine();
    tg.closedTrades = [
      { ...fake.trades()[0]!, id: 'old', exitTime: 1 },
      { ...fake.trades()[0]!, id: 'new', exitTime: 2 },
    ];
    expect(tg.trades().map((t) => t.id)).toEqual(['new', 'old']);
    expect(tg.trades({ limit: 1 }).map((t) => t.id)).toEqual(['new']);
    expect(tg.trades({ since: 2 }).map((t) => t.id)).toEqual(['new']);
    // The real engine's trades come from its store in the same order (none yet on a fresh account).
    expect(app.trades({ limit: 5 })).toEqual([]);
  });
});
