// Attached to a background engine: d detaches at once; q asks whether to stop the engine too, naming the running
// strategies; only S stops it (Enter and s do not), l or d leave it running, Esc stays.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, KEYS, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const screen = (): string => stripAnsi(h.frame());

describe('attached to a background engine', () => {
  it('d detaches, and the footer says so', async () => {
    h = await mount({ attached: true });
    expect(screen()).toContain('d detach');
    await h.press('d');
    expect(h.detaches).toBe(1);
    expect(h.quits).toBe(0);
    expect(h.engineStops).toBe(0);
  });

  it('q asks, naming the running strategies; Enter and s do nothing, Esc stays attached', async () => {
    h = await mount({ attached: true });
    await h.press('q');
    const s = screen();
    expect(s).toContain('Quit: leave the engine running?');
    expect(s).toContain('Running strategies: ma-cross@binance:BTC/USDT:1h.');
    expect(s).toContain('tradetui attach');
    await h.press(KEYS.enter, 's', 'y');
    expect(h.engineStops + h.detaches + h.quits).toBe(0);
    await h.press(KEYS.escape);
    expect(screen()).not.toContain('leave the engine running?');
    expect(h.engineStops + h.detaches + h.quits).toBe(0);
  });

  it('q then l leaves the engine running; q then S stops it', async () => {
    h = await mount({ attached: true });
    await h.press('q', 'l');
    expect(h.detaches).toBe(1);
    expect(h.engineStops).toBe(0);
    await h.press(KEYS.escape, 'q', 'S');
    expect(h.engineStops).toBe(1);
  });

  it('Ctrl-C asks the same question instead of stopping the engine', async () => {
    h = await mount({ attached: true });
    await h.press(KEYS.ctrlC);
    expect(screen()).toContain('Quit: leave the engine running?');
    expect(h.quits + h.engineStops).toBe(0);
  });
});

describe('running its own engine (no background engine)', () => {
  it('d says there is nothing to detach from; q quits at once', async () => {
    h = await mount();
    await h.press('d');
    expect(screen()).toContain('nothing to detach from');
    expect(h.quits).toBe(0);
    await h.press('q');
    expect(h.quits).toBe(1);
  });
});
