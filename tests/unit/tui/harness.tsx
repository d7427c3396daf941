// Test harness: renders the App over a FakeEngine at a fixed size with a manual (synchronous) view store.
// Ink (through ink-testing-library) hosts the App and feeds it keys; the screen the App composes goes to a frame
// sink that keeps the last frame, read back as text with SGR codes the way the terminal would be told to style it.
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../../src/tui/App.js';
import type { Keymap } from '../../../src/tui/keys/keymap.js';
import type { Line } from '../../../src/tui/components/line.js';
import type { FrameSink } from '../../../src/tui/screen-writer.js';
import { linesToAnsi } from '../../../src/tui/theme/ansi.js';
import { ViewStore } from '../../../src/tui/store/view-store.js';
import { makeTheme, type Theme } from '../../../src/tui/theme/theme.js';
import { FakeEngine, type FakeOptions } from '../../support/fake-engine.js';
import { MouseInput } from '../../../src/tui/mouse.js';

export const NOW = Date.UTC(2024, 2, 13, 14, 5);

export interface Harness {
  api: FakeEngine;
  store: ViewStore;
  quits: number;
  /** With `attached`: d / "leave running" detaches, S in the quit dialog stops the engine. */
  detaches: number;
  engineStops: number;
  frame: () => string;
  press: (...keys: string[]) => Promise<void>;
  flush: () => Promise<void>;
  unmount: () => void;
  setSize: (cols: number, rows: number) => Promise<void>;
}

export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
/** Lets Ink's input parser, React and the throttled renderer settle (setImmediate + a few turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setImmediate(r));
    await tick();
  }
}

export async function mount(opts: { cols?: number; rows?: number; theme?: Theme; fake?: FakeOptions; api?: FakeEngine; attached?: boolean; readonly?: boolean; keymap?: Keymap; mouse?: boolean } = {}): Promise<Harness> {
  const api = opts.api ?? new FakeEngine(opts.fake);
  const store = new ViewStore(api, { maxFps: 30, manual: true, now: () => NOW });
  const theme = opts.theme ?? makeTheme({ color: true, unicode: true });
  let quits = 0;
  let last: { lines: readonly Line[]; theme: Theme } | null = null;
  const frames: FrameSink = {
    writeLines: (lines, t) => {
      last = { lines, theme: t };
    },
  };
  // as run.tsx does with --mouse: the reports are filtered out of stdin before Ink reads keys
  const mouse = opts.mouse ? new MouseInput() : undefined;
  const el = (cols: number, rows: number): React.ReactElement => (
    <App api={api} store={store} theme={theme} frames={frames} cols={cols} rows={rows} onQuit={() => (h.quits = ++quits)} readonly={opts.readonly} {...(opts.keymap ? { keymap: opts.keymap } : {})} {...(opts.attached ? { onDetach: () => h.detaches++, onStopEngine: () => h.engineStops++ } : {})} {...(mouse ? { mouse } : {})} />
  );
  const r = render(el(opts.cols ?? 120, opts.rows ?? 40));
  mouse?.attach(r.stdin as unknown as { read: () => unknown });
  const h: Harness = {
    api,
    store,
    quits: 0,
    detaches: 0,
    engineStops: 0,
    frame: () => (last ? linesToAnsi(last.lines, last.theme) : ''),
    press: async (...keys) => {
      for (const k of keys) {
        r.stdin.write(k);
        await settle();
      }
    },
    flush: async () => {
      store.flush();
      await settle();
    },
    unmount: () => {
      r.unmount();
      store.dispose();
    },
    setSize: async (cols, rows) => {
      r.rerender(el(cols, rows));
      await settle();
    },
  };
  await settle();
  return h;
}

export const KEYS = { enter: '\r', escape: '\x1b', tab: '\t', shiftTab: '\x1b[Z', up: '\x1b[A', down: '\x1b[B', left: '\x1b[D', right: '\x1b[C', ctrlC: '\x03', backspace: '\x7f' };

// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
