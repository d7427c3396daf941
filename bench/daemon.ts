// What the engine-and-viewers split costs, measured with whole commands: a real engine (this process, the code
// `tradetui --headless` runs) and real `tradetui attach` TUIs in 120x40 pseudo-terminals.
// - attach → first frame: from spawning `tradetui attach` to the first frame on its terminal;
// - control-socket bytes/s sent to one attached TUI at 1 candle/s, and on an idle engine;
// - the engine's time per candle (kernel, store, events) with 0, 1 and 4 TUIs attached: viewers must not slow it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pty from 'node-pty';
import { createApp } from '../src/app/compose.js';
import { createLogger } from '../src/app/logger.js';
import { loadConfig } from '../src/config/load.js';
import { dbFile } from '../src/config/paths.js';
import { openDb } from '../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite/candle-cache.js';
import { ReplayFeed } from '../src/adapters/feed/replay.js';
import { parseDate } from '../src/core/time.js';
import type { FeedSink } from '../src/engine/ports.js';
import type { EngineServer } from '../src/server/engine-server.js';
import { attach, runEngineProcess } from '../src/server/daemon.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/tradetui.mjs');

interface Engine {
  server: EngineServer;
  /** ms per candle delivered by the feed, in order. */
  candleMs: number[];
  stop(): Promise<void>;
}

/** A real engine on `dataDir` in this process, its feed timed around each candle. */
async function startEngine(dataDir: string, speed: number, replayFrom?: string): Promise<Engine> {
  const cfgFile = join(dataDir, 'bench-config.yaml');
  writeFileSync(cfgFile, `paper:\n  speed: ${speed}\n${replayFrom ? `  replayFrom: '${replayFrom}'\n` : ''}`);
  const { config, source } = loadConfig({ configFile: cfgFile, dataDir });
  const logger = createLogger(join(dataDir, 'tradetui.log'), 'warn');
  const candleMs: number[] = [];
  let server!: EngineServer;
  const listening = new Promise<void>((r) => {
    void runEngineProcess({
      dataDir,
      logger,
      headless: null,
      onListening: (s) => {
        server = s;
        r();
      },
      createApp: () => {
        const inner = new ReplayFeed(new SqliteCandleStore(openDb(dbFile(dataDir))), { speed, from: replayFrom ? parseDate(replayFrom, 'replayFrom') : undefined });
        const feed = {
          get label() {
            return inner.label;
          },
          watch: (k: Parameters<ReplayFeed['watch']>[0]) => inner.watch(k),
          unwatch: (k: Parameters<ReplayFeed['unwatch']>[0]) => inner.unwatch(k),
          history: (k: Parameters<ReplayFeed['history']>[0], n: number) => inner.history(k, n),
          resumeAfter: (k: Parameters<ReplayFeed['resumeAfter']>[0], t: number) => inner.resumeAfter(k, t),
          setSpeed: (n: number) => inner.setSpeed(n),
          stop: () => inner.stop(),
          run: (sink: FeedSink) =>
            inner.run({
              open: sink.open ? (k, t, p) => sink.open!(k, t, p) : undefined,
              status: (s) => sink.status(s),
              candle(k, c) {
                const t0 = performance.now();
                sink.candle(k, c);
                candleMs.push(performance.now() - t0);
              },
            }),
        };
        return createApp({ config, configSource: source, dataDir, logger, feedOverride: feed });
      },
    });
  });
  await listening;
  return {
    server,
    candleMs,
    async stop() {
      const r = await attach(dataDir, { client: 'bench', events: false });
      await r.stopEngine();
      await r.closed;
    },
  };
}

interface Viewer {
  firstFrameMs: Promise<number>;
  kill(): void;
}

function attachTui(dataDir: string): Viewer {
  const t0 = performance.now();
  const term = pty.spawn(process.execPath, [BIN, 'attach'], {
    name: 'xterm-256color',
    cols: 120,
    rows: 40,
    cwd: ROOT,
    env: { ...process.env, TRADETUI_DATA_DIR: dataDir, LANG: 'C.UTF-8' } as Record<string, string>,
  });
  let text = '';
  const firstFrameMs = new Promise<number>((resolveFrame) => {
    const sub = term.onData((d) => {
      text += d;
      if (/PAPER/.test(text)) {
        sub.dispose();
        resolveFrame(performance.now() - t0);
      }
    });
  });
  return { firstFrameMs, kill: () => term.kill('SIGHUP') };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function stats(ms: number[]): { candles: number; meanUs: number; p95Us: number } {
  const s = [...ms].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { candles: s.length, meanUs: mean * 1000, p95Us: (s[Math.floor(s.length * 0.95)] ?? NaN) * 1000 };
}

/** The machine's floor for any command: `tradetui --help` from spawn to exit (node start, bundle load, yargs). */
async function helpMs(): Promise<number> {
  const t0 = performance.now();
  const term = pty.spawn(process.execPath, [BIN, '--help'], { cols: 120, rows: 40, cwd: ROOT, env: process.env as Record<string, string> });
  await new Promise<void>((r) => term.onExit(() => r()));
  return performance.now() - t0;
}

export interface DaemonFigures {
  /** `tradetui --help`, measured next to each attach, for the ratio on a noisy machine. */
  helpMs: number[];
  attachFirstFrameMs: number[];
  bytesPerSecond: { replay: number; idle: number };
  perCandle: Array<{ viewers: number; candles: number; meanUs: number; p95Us: number }>;
}

export async function benchDaemon(seconds = 20): Promise<DaemonFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-daemon-'));
  const idleDir = mkdtempSync(join(tmpdir(), 'tradetui-bench-daemon-idle-'));
  try {
    // Replay at 1 candle/s: attach times, bytes to one viewer, candle time with 0, 1, 4 viewers.
    const engine = await startEngine(dir, 1);
    const attachFirstFrameMs: number[] = [];
    const help: number[] = [];
    for (let i = 0; i < 3; i++) {
      help.push(await helpMs());
      const v = attachTui(dir);
      attachFirstFrameMs.push(await v.firstFrameMs);
      v.kill();
      await sleep(300);
    }
    const perCandle: DaemonFigures['perCandle'] = [];
    const window = async (viewers: number): Promise<number> => {
      const vs = Array.from({ length: viewers }, () => attachTui(dir));
      await Promise.all(vs.map((v) => v.firstFrameMs));
      await sleep(1000);
      const from = engine.candleMs.length;
      const b0 = engine.server.stats().bytesSent;
      const w0 = performance.now();
      await sleep(seconds * 1000);
      const bytesPerSecond = (engine.server.stats().bytesSent - b0) / ((performance.now() - w0) / 1000);
      perCandle.push({ viewers, ...stats(engine.candleMs.slice(from)) });
      for (const v of vs) v.kill();
      await sleep(500);
      return bytesPerSecond;
    };
    await window(0);
    const replay = await window(1);
    await window(4);
    await engine.stop();

    // Idle: a replay that starts at the last cached candle has nothing left to deliver after one candle.
    const idleEngine = await startEngine(idleDir, 1, '2026-03-31T23:00:00Z');
    const v = attachTui(idleDir);
    await v.firstFrameMs;
    await sleep(3000);
    const b0 = idleEngine.server.stats().bytesSent;
    const w0 = performance.now();
    await sleep(seconds * 1000);
    const idle = (idleEngine.server.stats().bytesSent - b0) / ((performance.now() - w0) / 1000);
    v.kill();
    await idleEngine.stop();
    return { helpMs: help, attachFirstFrameMs, bytesPerSecond: { replay, idle }, perCandle };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(idleDir, { recursive: true, force: true });
  }
}
