// The TUI attached to a real engine over its control socket (as a trader runs it): the edit and add forms check the
// strategy's cross-parameter rule (fast < slow) while typing, asked of the engine with validate-params, because the
// strategy's validate() does not cross the socket. A stale answer (for values since changed) is dropped. 80x24 and
// 120x40, no colour.
import fs from 'node:fs';
import path from 'node:path';
import React from 'react';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App as EngineApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { startEngineServer, type EngineServer } from '../../../src/server/engine-server.js';
import { socketFile } from '../../../src/server/protocol.js';
import { RemoteEngine } from '../../../src/server/remote.js';
import { App } from '../../../src/tui/App.js';
import type { Line } from '../../../src/tui/components/line.js';
import { linesToAnsi } from '../../../src/tui/theme/ansi.js';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { ViewStore } from '../../../src/tui/store/view-store.js';
import { KEYS, settle, stripAnsi } from '../../unit/tui/harness.js';
import { tempDir } from '../../support/run-cli.js';

const BTC = 'ma-cross@binance:BTC/USDT:1h';
const mono = makeTheme({ color: false, unicode: true });
let dir: string;
let app: EngineApp;
let server: EngineServer;

beforeAll(async () => {
  dir = tempDir();
  const config = parseConfig({ paper: { speed: 0.25, instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 10, slow: 30 } }] } });
  app = await createApp({ config, dataDir: dir, logger: createLogger(null) });
  server = await startEngineServer({ api: app, socketPath: socketFile(dir), dataDir: dir, logger: createLogger(path.join(dir, 'engine.log')), headless: true, onStopRequest: () => undefined, frameMs: 20 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function attach(cols: number, rows: number) {
  const remote = await RemoteEngine.connect(socketFile(dir), { client: 'tui' });
  const store = new ViewStore(remote, { maxFps: 30, manual: true });
  let last: { lines: readonly Line[] } | null = null;
  const r = render(<App api={remote} store={store} theme={mono} frames={{ writeLines: (lines) => (last = { lines }) }} cols={cols} rows={rows} onQuit={() => undefined} onDetach={() => undefined} onStopEngine={() => undefined} />);
  await settle();
  const screen = (): string => (last ? stripAnsi(linesToAnsi(last.lines, mono)) : '');
  const press = async (...keys: string[]): Promise<void> => {
    for (const k of keys) {
      r.stdin.write(k);
      await settle();
    }
  };
  /** Waits for the engine's answer to arrive (debounce plus a socket round trip). */
  const until = async (what: () => boolean, ms = 5000): Promise<void> => {
    const end = Date.now() + ms;
    while (!what() && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
  };
  const done = async (): Promise<void> => {
    r.unmount();
    store.dispose();
    await remote.stop();
  };
  return { remote, screen, press, until, done };
}

describe('attached TUI: forms check cross-parameter rules while typing, through validate-params', { timeout: 60_000 }, () => {
  for (const [cols, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`edit: fast 50 > slow 30 shows the rule's message as typed, and clears when fixed, at ${cols}x${rows}`, async () => {
      const t = await attach(cols, rows);
      try {
        // the listing crossed the socket without validate(): only the engine can answer the rule
        expect(t.remote.strategies().find((s) => s.name === 'ma-cross')!.validate).toBeUndefined();
        await t.press('2', 'e');
        expect(t.screen()).toContain('Edit:');
        // fast 10 → 50 (backspace twice, then 5, 0)
        await t.press(KEYS.backspace, KEYS.backspace, '5', '0');
        await t.until(() => t.screen().includes('fast (50) must be below slow (30)'));
        const s = t.screen();
        expect(s).toContain('fast (50) must be below slow (30)');
        expect(s.split('\n').every((l) => [...l].length <= cols)).toBe(true);
        // Enter does not reach the review while the rule is broken
        await t.press(KEYS.enter);
        expect(t.screen()).not.toContain(`Restart ${BTC}`);
        // fixed: fast 5; the message goes once the engine has answered for the new values
        await t.press(KEYS.backspace);
        await t.until(() => !t.screen().includes('must be below'));
        expect(t.screen()).not.toContain('must be below');
        await t.press(KEYS.escape);
      } finally {
        await t.done();
      }
    });
  }

  it('add: the rule shows on the params step of a new instance; values typed past show no message of their own', async () => {
    const t = await attach(120, 40);
    try {
      await t.press('2', 'a', KEYS.enter, KEYS.enter, KEYS.enter);
      expect(t.screen()).toMatch(/fast\s+10/);
      // slow 30 → 3 and straight on to 35 before the engine can answer for 3: the answer for 3 must not show
      await t.press(KEYS.down, KEYS.backspace);
      await t.press('5');
      await new Promise((res) => setTimeout(res, 600));
      await settle();
      expect(t.screen()).not.toContain('must be below');
      // slow 35 → 3: typed and left alone, the engine's answer shows
      await t.press(KEYS.backspace);
      await t.until(() => t.screen().includes('fast (10) must be below slow (3)'));
      expect(t.screen()).toContain('fast (10) must be below slow (3)');
    } finally {
      await t.done();
    }
  });
});
