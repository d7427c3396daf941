// The control socket over a scripted engine: the remote EngineApi sees what the engine sees, commands from one viewer
// show in the others, hostile or broken input gets an error reply and never stops the engine, a socket that is not
// the user's is refused, and a viewer that stops reading costs the engine nothing (it is resynced later).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/events.js';
import { createLogger } from '../../../src/app/logger.js';
import { startEngineServer, type EngineServer } from '../../../src/server/engine-server.js';
import { MAX_REQUEST_BYTES, socketFile } from '../../../src/server/protocol.js';
import { RemoteEngine } from '../../../src/server/remote.js';
import { FakeEngine, T0 } from '../../support/fake-engine.js';

let dir: string;
let engine: FakeEngine;
let server: EngineServer;
let stopRequests: number;
const remotes: RemoteEngine[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradetui-sock-'));
  engine = new FakeEngine();
  stopRequests = 0;
  server = await startEngineServer({
    api: Object.assign(engine, { exchange: 'binance' }),
    socketPath: socketFile(dir),
    dataDir: dir,
    logger: createLogger(path.join(dir, 'test.log')),
    headless: false,
    onStopRequest: () => stopRequests++,
    frameMs: 20,
    highWaterBytes: 64 * 1024,
  });
});
afterEach(async () => {
  for (const r of remotes.splice(0)) await r.stop();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function connect(client = 'test'): Promise<RemoteEngine> {
  const r = await RemoteEngine.connect(socketFile(dir), { client });
  remotes.push(r);
  return r;
}

/** A raw socket speaking lines, for what a well-behaved client never sends. */
async function raw(): Promise<{ socket: net.Socket; send(line: string | Buffer): void; next(match?: (m: any) => boolean): Promise<any> }> {
  const socket = net.createConnection(socketFile(dir));
  await new Promise((r) => socket.once('connect', r));
  const queue: any[] = [];
  let buf = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (d) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      queue.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  return {
    socket,
    send: (line) => socket.write(typeof line === 'string' ? `${line}\n` : line),
    async next(match = () => true) {
      for (;;) {
        const i = queue.findIndex(match);
        if (i >= 0) return queue.splice(i, 1)[0];
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('remote EngineApi', () => {
  it('reads the snapshot, candles, indicators and trades, and sends commands to the engine', async () => {
    const r = await connect();
    expect(r.info.pid).toBe(process.pid);
    expect(r.exchange).toBe('binance');
    expect(r.snapshot().instances.map((i) => i.id)).toEqual(engine.snapshot().instances.map((i) => i.id));
    expect(r.strategies().map((s) => s.name)).toEqual(['ma-cross', 'rsi-macd']);
    await r.prefetch();
    expect(r.trades({ limit: 200 })[0]!.id).toBe('t1');

    const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
    let updates = 0;
    r.onUpdate(() => updates++);
    expect(r.candles(key, 50).length).toBe(0); // not loaded yet: the TUI draws what it has, then redraws
    await until(() => updates > 0);
    const c = r.candles(key, 50);
    expect(c.length).toBe(50);
    expect(Array.from(c.close)).toEqual(Array.from(engine.candles(key, 50).close));
    r.indicators('ma-cross@binance:BTC/USDT:1h', 50);
    await until(() => Object.keys(r.indicators('ma-cross@binance:BTC/USDT:1h', 50)).length === 3);

    const result = await r.send({ type: 'stop', instanceId: 'ma-cross@binance:BTC/USDT:1h', by: 'keyboard' });
    expect(result.ok).toBe(true);
    expect(engine.sent).toEqual([{ type: 'stop', instanceId: 'ma-cross@binance:BTC/USDT:1h', by: 'keyboard' }]);
  });

  it('a command from one viewer shows in the others at once, with a fresh snapshot', async () => {
    const a = await connect('a');
    const b = await connect('b');
    const seen: EngineEvent[] = [];
    b.bus.onAny((e) => seen.push(e));
    await a.send({ type: 'stop', instanceId: 'ma-cross@binance:BTC/USDT:1h', by: 'keyboard' });
    await until(() => seen.some((e) => e.type === 'instance'));
    expect(b.snapshot().instances.find((i) => i.id === 'ma-cross@binance:BTC/USDT:1h')!.running).toBe(false);
  });

  it('a new candle makes cached candles stale and refetched', async () => {
    const r = await connect();
    const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
    r.candles(key, 10);
    await until(() => r.candles(key, 10).length === 10);
    const before = r.candles(key, 10).time[9]!;
    const t = before + 3_600_000;
    engine.emit({ type: 'candle', instanceId: 'ma-cross@binance:BTC/USDT:1h', symbol: 'BTC/USDT', timeframe: '1h', candle: { time: t, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 } });
    await until(() => r.candles(key, 10).time[9] === t);
  });

  it('stop-engine asks the engine process to stop', async () => {
    const r = await connect();
    await r.stopEngine();
    await until(() => stopRequests === 1);
  });
});

describe('hostile input', () => {
  it('answers garbage, unknown messages, calls before hello and bad calls with errors, and keeps serving', async () => {
    const c = await raw();
    c.send('this is not json');
    expect((await c.next()).message).toMatch(/not JSON/);
    c.send(JSON.stringify({ type: 'call', id: 1, method: 'snapshot', args: [] }));
    expect((await c.next()).message).toMatch(/say hello first/);
    c.send(JSON.stringify({ type: 'hello', version: 1, client: 'raw' }));
    expect((await c.next((m) => m.type === 'welcome')).pid).toBe(process.pid);
    c.send(JSON.stringify({ type: 'call', id: 2, method: 'rm', args: [] }));
    expect(await c.next((m) => m.id === 2)).toMatchObject({ type: 'result', ok: false });
    c.send(JSON.stringify({ type: 'call', id: 3, method: 'send', args: [{ type: 'kill', by: 'mallory' }] }));
    expect((await c.next((m) => m.id === 3)).error).toMatch(/by/);
    c.send(JSON.stringify({ type: 'call', id: 4, method: 'candles', args: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, 1e12] }));
    expect(await c.next((m) => m.id === 4)).toMatchObject({ ok: false });
    c.send(JSON.stringify({ type: 'shutdown' }));
    expect((await c.next((m) => m.type === 'error')).message).toMatch(/unknown message type/);
    c.send('[1,2,3]');
    c.send('null');
    await c.next((m) => m.type === 'error');
    c.send(JSON.stringify({ type: 'call', id: 5, method: 'snapshot', args: [] }));
    expect((await c.next((m) => m.id === 5)).value.mode).toBe('paper');
    expect(engine.sent).toEqual([]);
    expect(server.stats().badMessages).toBeGreaterThanOrEqual(7);
    c.socket.destroy();
  });

  it('skips a line longer than the bound with an error, without buffering it, then reads the next line', async () => {
    const c = await raw();
    c.send(JSON.stringify({ type: 'hello', version: 1, client: 'raw' }));
    await c.next((m) => m.type === 'welcome');
    const huge = Buffer.alloc(MAX_REQUEST_BYTES * 8, 'x'.charCodeAt(0));
    c.socket.write(huge);
    c.send('');
    expect((await c.next((m) => m.type === 'error')).message).toMatch(/line too long/);
    c.send(JSON.stringify({ type: 'call', id: 9, method: 'snapshot', args: [] }));
    expect((await c.next((m) => m.id === 9)).ok).toBe(true);
    c.socket.destroy();
  });

  it('refuses a viewer of another protocol version, naming the versions it needs', async () => {
    const c = await raw();
    c.send(JSON.stringify({ type: 'hello', version: 99, client: 'future' }));
    const m = await c.next();
    expect(m.type).toBe('refused');
    expect(m.versions).toEqual([1]);
    expect(m.message).toMatch(/version 1.*99/);
    // and the engine still serves others
    const r = await connect();
    expect(r.snapshot().mode).toBe('paper');
  });

  it('a peer that disconnects mid-line or mid-call does not disturb the engine', async () => {
    const c = await raw();
    c.send(JSON.stringify({ type: 'hello', version: 1, client: 'raw' }));
    await c.next((m) => m.type === 'welcome');
    c.socket.write(JSON.stringify({ type: 'call', id: 1, method: 'backtest', args: ['ma-cross@binance:BTC/USDT:1h'] }) + '\n{"type":"ca');
    c.socket.destroy();
    const r = await connect();
    expect((await r.send({ type: 'pause', by: 'keyboard' })).ok).toBeDefined();
  });
});

describe('socket ownership', () => {
  it('creates the socket owner-only (0600)', () => {
    expect(fs.statSync(socketFile(dir)).mode & 0o777).toBe(0o600);
  });

  it('a viewer refuses a socket others may open, or that another user owns', async () => {
    fs.chmodSync(socketFile(dir), 0o666);
    await expect(RemoteEngine.connect(socketFile(dir), { client: 't' })).rejects.toThrow(/open to other users/);
    fs.chmodSync(socketFile(dir), 0o600);
    if (process.getuid?.() === 0) {
      fs.chownSync(socketFile(dir), 4242, 4242);
      await expect(RemoteEngine.connect(socketFile(dir), { client: 't' })).rejects.toThrow(/belongs to uid 4242/);
      fs.chownSync(socketFile(dir), 0, 0);
    }
  });
});

describe('slow viewers', () => {
  it('a viewer that stops reading does not slow the engine; it is resynced from the snapshot when it reads again', async () => {
    const stuck = await raw();
    stuck.send(JSON.stringify({ type: 'hello', version: 1, client: 'stuck' }));
    await stuck.next((m) => m.type === 'welcome');
    stuck.socket.pause();
    const healthy = await connect('healthy');
    let healthyEvents = 0;
    healthy.bus.on('alert', () => healthyEvents++);

    // 100 frames of big alerts: far more than the stuck viewer's socket buffers hold
    const started = performance.now();
    for (let f = 0; f < 100; f++) {
      for (let i = 0; i < 5; i++) engine.emit({ type: 'alert', alert: { id: `x${f}-${i}`, time: T0, severity: 'info', category: 'system', message: 'y'.repeat(2000) } });
      await new Promise((r) => setTimeout(r, 1));
    }
    const emitMs = performance.now() - started;
    await until(() => healthyEvents >= 500, 10_000);
    expect(server.stats().framesDropped).toBeGreaterThan(0);
    // the emits themselves never waited for a socket: 500 events in well under the time of the frames
    expect(emitMs).toBeLessThan(5000);

    stuck.socket.resume();
    const resync = await stuck.next((m) => m.type === 'frame' && m.resync === true);
    expect(resync.snapshot.alerts.length).toBe(engine.snapshot().alerts.length);
    stuck.socket.destroy();
  });
});

describe('replay restart: the served API is swapped', () => {
  it('holds (calls answered with why, no frame, a new viewer greeted later), then resets every viewer onto the new API', async () => {
    const r = await connect();
    let resets = 0;
    r.onReset(() => resets++);
    server.hold('the engine is restarting the replay on a new account; try again in a moment');
    // while held nothing reads the old API: its database is closing
    engine.snapshot = () => {
      throw new Error('the database connection is not open');
    };
    engine.bus.emit({ type: 'feed', status: 'replay', detail: 'REPLAY 2/s', lastCandleTime: T0 });
    await expect(r.send({ type: 'pause', by: 'keyboard' })).rejects.toThrow('the engine is restarting the replay on a new account; try again in a moment');
    const late = RemoteEngine.connect(socketFile(dir), { client: 'late' });
    await new Promise((res) => setTimeout(res, 100));

    const next = new FakeEngine({ positions: false });
    next.snap.cash = 12_345;
    server.replaceApi(Object.assign(next, { exchange: 'binance' }));
    const l = await late;
    remotes.push(l);
    expect(l.snapshot().cash).toBe(12_345);
    await until(() => resets === 1 && r.snapshot().cash === 12_345);
    expect(r.snapshot().positions).toEqual([]);
    // events and commands now go to the new API
    expect((await r.send({ type: 'pause', by: 'keyboard' })).ok).toBe(true);
    expect(next.sent).toEqual([{ type: 'pause', by: 'keyboard' }]);
  });
});
