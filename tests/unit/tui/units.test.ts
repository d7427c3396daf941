// Pure TUI parts: capability detection, the batched view store, the keymap table, param validation, chart drawing
// and the cell-diffing screen writer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { detectCapabilities, makeTheme } from '../../../src/tui/theme/theme.js';
import { ViewStore } from '../../../src/tui/store/view-store.js';
import { KEYMAP, PANES, footerBindings, lookup } from '../../../src/tui/keys/keymap.js';
import { CROSS, engineCheckFor, formKey, newAddForm, validateParam, withEngineCheck } from '../../../src/tui/store/add-form.js';
import { PAGE_STEP, pagedCount, pickOverlays, renderCandleChart } from '../../../src/tui/components/chart.js';
import { type Line, plain, seg, wrapText } from '../../../src/tui/components/line.js';
import { ScreenWriter } from '../../../src/tui/screen-writer.js';
import { FakeEngine, MA_CROSS, T0, makeSeries } from '../../support/fake-engine.js';

describe('detectCapabilities', () => {
  it('turns colour off for a non-empty NO_COLOR, --no-color and TERM=dumb only', () => {
    expect(detectCapabilities({ LANG: 'en_US.UTF-8' }).color).toBe(true);
    expect(detectCapabilities({ NO_COLOR: '1', LANG: 'en_US.UTF-8' }).color).toBe(false);
    expect(detectCapabilities({ NO_COLOR: '', LANG: 'en_US.UTF-8' }).color).toBe(true);
    expect(detectCapabilities({}, { noColor: true }).color).toBe(false);
    expect(detectCapabilities({ TERM: 'dumb' }).color).toBe(false);
    expect(detectCapabilities({ TERM: 'screen-256color' }).color).toBe(true);
  });

  it('uses Unicode only in a UTF-8 locale, LC_ALL over LC_CTYPE over LANG, and never with --ascii', () => {
    expect(detectCapabilities({ LANG: 'en_US.UTF-8' }).unicode).toBe(true);
    expect(detectCapabilities({ LANG: 'C.utf8' }).unicode).toBe(true);
    expect(detectCapabilities({}).unicode).toBe(false);
    expect(detectCapabilities({ LANG: 'C' }).unicode).toBe(false);
    expect(detectCapabilities({ LANG: 'en_US.UTF-8', LC_ALL: 'C' }).unicode).toBe(false);
    expect(detectCapabilities({ LANG: 'C', LC_CTYPE: 'en_US.UTF-8' }).unicode).toBe(true);
    expect(detectCapabilities({ LANG: 'en_US.UTF-8' }, { ascii: true }).unicode).toBe(false);
  });

  it('the monochrome theme has no colour for any role', () => {
    expect(Object.values(makeTheme({ color: false, unicode: true }).colors).every((c) => c === undefined)).toBe(true);
  });
});

describe('ViewStore', () => {
  afterEach(() => vi.useRealTimers());

  it('batches a burst of events into one snapshot per frame, and builds none while nothing changes', () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2024, 0, 1, 10, 0, 5));
    const api = new FakeEngine();
    const store = new ViewStore(api, { maxFps: 4, now: () => Date.now() });
    let notified = 0;
    store.subscribe(() => notified++);
    const snapshots = vi.spyOn(api, 'snapshot');
    for (let i = 0; i < 50; i++) api.emit({ type: 'equity', time: T0 + i, equity: 10_000 + i, cash: 1, exposure: 0 });
    expect(notified).toBe(0);
    vi.advanceTimersByTime(0);
    expect(notified).toBe(1);
    expect(store.get().engine.equity).toBe(10_049);
    // a second burst inside the same frame waits for the frame to end
    api.emit({ type: 'equity', time: T0, equity: 1, cash: 1, exposure: 0 });
    vi.advanceTimersByTime(100);
    expect(notified).toBe(1);
    vi.advanceTimersByTime(150);
    expect(notified).toBe(2);
    // idle: nothing but the minute clock
    const before = snapshots.mock.calls.length;
    vi.advanceTimersByTime(10_000);
    expect(store.flush()).toBe(false);
    expect(snapshots.mock.calls.length).toBe(before);
    store.dispose();
  });

  it('advances the clock once a minute, and stops listening after dispose', () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2024, 0, 1, 10, 0, 30));
    const api = new FakeEngine();
    const store = new ViewStore(api, { maxFps: 4 });
    let notified = 0;
    store.subscribe(() => notified++);
    vi.advanceTimersByTime(29_000);
    expect(notified).toBe(0);
    vi.advanceTimersByTime(1_100);
    expect(notified).toBe(1);
    expect(new Date(store.get().now).getUTCMinutes()).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(notified).toBe(2);
    store.dispose();
    api.emit({ type: 'equity', time: T0, equity: 1, cash: 1, exposure: 0 });
    vi.advanceTimersByTime(120_000);
    expect(notified).toBe(2);
  });

  it('keeps decisions and rejected/resized verdicts newest first, drops accepted ones, dedupes alerts, records fills as markers', () => {
    const api = new FakeEngine();
    const store = new ViewStore(api, { maxFps: 4, manual: true });
    const id = 'ma-cross@binance:BTC/USDT:1h';
    api.emit({ type: 'decision', instanceId: id, strategy: 'ma-cross', symbol: 'BTC/USDT', time: 1, action: 'enter-long', reason: 'r1' });
    api.emit({ type: 'risk', instanceId: id, symbol: 'BTC/USDT', time: 1, verdict: 'accepted', reason: 'ok' });
    api.emit({ type: 'risk', instanceId: id, symbol: 'BTC/USDT', time: 2, verdict: 'rejected', reason: 'too big' });
    const alert = { id: 'x', time: 3, severity: 'error' as const, category: 'error', message: 'boom' };
    api.emit({ type: 'alert', alert });
    api.emit({ type: 'alert', alert });
    api.emit({ type: 'fill', fill: { id: 'f', orderId: 'o', instanceId: id, symbol: 'BTC/USDT', side: 'buy', purpose: 'entry', qty: 1, price: 5, fee: 0, time: 4, reason: 'r', positionId: 'p' } });
    expect(store.flush()).toBe(true);
    const v = store.get();
    expect(v.signals.map((s) => [s.kind, s.action, s.strategy])).toEqual([
      ['risk', 'rejected', 'ma-cross'],
      ['decision', 'enter-long', 'ma-cross'],
    ]);
    expect(v.alerts.filter((a) => a.id === 'x')).toHaveLength(1);
    expect(v.alerts[0]!.id).toBe('x');
    // seeded from trades (entry + exit) plus the fill
    expect(v.markers.map((m) => `${m.side}:${m.purpose}`)).toEqual(['buy:entry', 'sell:exit', 'buy:entry']);
    store.dispose();
  });
});

describe('keymap', () => {
  it('has a description for every binding and no key bound twice in one scope', () => {
    const seen = new Set<string>();
    for (const b of KEYMAP) {
      expect(b.description.length).toBeGreaterThan(3);
      for (const k of b.keys) {
        const id = `${b.scope}:${k}`;
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
    }
  });

  it('pane keys win over global ones, and the issue keys are all bound', () => {
    expect(lookup('h', ['chart', 'global'])?.id).toBe('cursor-left');
    expect(lookup('{', ['chart', 'global'])?.id).toBe('pan-left');
    expect(lookup('h', ['positions', 'global'])?.id).toBe('focus-left');
    expect(lookup('s', ['chart', 'global'])).toBeUndefined();
    for (const k of ['tab', 'shift-tab', '1', '5', 'up', 'down', 'j', 'k', 'K', '[', ']', '/', '+', '-', '?', 'q', 'a'])
      expect(lookup(k, ['strategies', 'global']), k).toBeDefined();
    expect(lookup('s', ['strategies'])?.id).toBe('toggle-strategy');
    expect(lookup('b', ['strategies'])?.id).toBe('backtest');
    expect(lookup('x', ['positions'])?.id).toBe('close-position');
    expect(lookup('enter', ['confirm'])).toBeUndefined();
    for (const p of PANES) expect(footerBindings([p, 'global']).some((b) => b.id === 'help')).toBe(true);
  });
});

describe('add-instance form', () => {
  it('validates numbers against type and range, enums and bools against their values', () => {
    const [fast, , type, short] = MA_CROSS.params;
    expect(validateParam(fast!, '12')).toEqual({ ok: true, value: 12 });
    expect(validateParam(fast!, '1')).toMatchObject({ ok: false, error: 'fast: must be between 2 and 200' });
    expect(validateParam(fast!, '2.5')).toMatchObject({ ok: false, error: 'fast: must be a whole number' });
    expect(validateParam(fast!, 'abc')).toMatchObject({ ok: false });
    expect(validateParam(fast!, '')).toMatchObject({ ok: false });
    expect(validateParam(type!, 'ema')).toEqual({ ok: true, value: 'ema' });
    expect(validateParam(type!, 'hma')).toMatchObject({ ok: false });
    expect(validateParam(short!, 'true')).toEqual({ ok: true, value: true });
  });

  it('refuses to review while a field is invalid', () => {
    let f = newAddForm([MA_CROSS], [{ symbol: 'BTC/USDT', timeframes: ['4h', '1h'] }]);
    for (const k of ['enter', 'enter']) f = formKey(f, k).form!;
    // the strategy's own timeframe is offered first
    expect(f.step).toBe('timeframe');
    f = formKey(f, 'enter').form!;
    f = formKey(f, 'backspace').form!;
    f = formKey(f, 'backspace').form!;
    const r = formKey(f, 'enter');
    expect(r.form!.step).toBe('params');
    expect(r.form!.errors.fast).toContain('not a number');
    expect(r.command).toBeUndefined();
  });

  it('attached (no validate() in the listing): asks the engine once per set of values, drops a stale answer, folds a current one', () => {
    const { validate: _v, ...remoteListing } = MA_CROSS;
    void _v;
    let f = newAddForm([remoteListing], [{ symbol: 'BTC/USDT', timeframes: ['1h'] }]);
    for (const k of ['enter', 'enter', 'enter']) f = formKey(f, k).form!;
    // slow 30 → 3: fast 10 is not below it, but only the engine can say so
    f = formKey(formKey(f, 'down').form!, 'backspace').form!;
    expect(f.errors[CROSS]).toBeUndefined();
    const q3 = engineCheckFor(f)!;
    expect(q3).toMatchObject({ strategy: 'ma-cross', params: { fast: 10, slow: 3, type: 'sma', short: false } });
    // typed on (slow 35) before the answer for 3 came: that answer is dropped
    const f35 = formKey(f, '5').form!;
    expect(withEngineCheck(f35, q3.key, 'fast (10) must be below slow (3)')).toBe(f35);
    // the answer for the values held is folded in, and not asked again
    const f3 = withEngineCheck(f, q3.key, 'fast (10) must be below slow (3)');
    expect(f3.errors[CROSS]).toBe('fast (10) must be below slow (3)');
    expect(engineCheckFor(f3)).toBeNull();
    expect(formKey(f3, 'enter').form!.step).toBe('params');
    // a field that does not parse: nothing to ask
    expect(engineCheckFor(formKey(f, 'backspace').form!)).toBeNull();
    // an answer that arrives while the review shows a broken rule goes back to the params
    const fine = formKey(formKey(f, '5').form!, 'enter').form!;
    expect(fine.step).toBe('review');
    const back = withEngineCheck(fine, engineCheckFor(fine)!.key, 'nope');
    expect(back.step).toBe('params');
    expect(back.errors[CROSS]).toBe('nope');
  });
});

describe('candle chart', () => {
  const theme = makeTheme({ color: false, unicode: true });

  it('fills exactly width × height, right axis labels and last price', () => {
    const s = makeSeries(200, 100, 3_600_000);
    const lines = renderCandleChart({ candles: s, overlays: [], markers: [], timeframeMs: 3_600_000, width: 60, height: 12, theme });
    expect(lines).toHaveLength(12);
    for (const l of lines) expect([...plain(l)].length).toBe(60);
    expect(plain(lines[0]!)).toMatch(/\d/);
  });

  it('draws only ASCII in the ASCII theme', () => {
    const s = makeSeries(50, 100, 60_000);
    const ascii = makeTheme({ color: false, unicode: false });
    const text = renderCandleChart({ candles: s, overlays: [{ name: 'x', values: s.close }], markers: [], timeframeMs: 60_000, width: 40, height: 10, theme: ascii }).map(plain).join('\n');
     
    expect(text).toMatch(/^[\x20-\x7e\n]+$/);
  });

  it('a paged chart moves its left edge two candles at a time, leaving at most one column empty', () => {
    const tf = 60_000;
    const counts = Array.from({ length: 12 }, (_, i) => pagedCount((1000 + i) * tf, tf, 40, 500));
    // before: up to an eighth of the width (5 of 40 columns) stayed empty while following the newest candle
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(39);
    for (const c of counts) expect(c).toBeLessThanOrEqual(40);
    // full every other candle; the left edge moves by PAGE_STEP
    const diffs = counts.slice(1).map((c, i) => c - counts[i]!);
    expect(diffs.filter((d) => d === 1).length).toBe(6);
    expect(diffs.filter((d) => d === -1).length).toBe(5);
    expect(PAGE_STEP).toBe(2);
  });

  it('overlays: declared names win; otherwise only series on the price scale', () => {
    const s = makeSeries(100, 100, 60_000);
    const rsi = new Float64Array(100).fill(50);
    const ma = s.close.slice();
    expect(pickOverlays({ ma, rsi }, s).map((o) => o.name)).toEqual(['ma']);
    expect(pickOverlays({ ma, rsi }, s, ['rsi']).map((o) => o.name)).toEqual(['rsi']);
  });
});

describe('ScreenWriter', () => {
  const sink = (): { out: string[]; write: (d: string) => void; columns: number; rows: number } => {
    const out: string[] = [];
    return { out, write: (d: string) => out.push(d), columns: 20, rows: 5 };
  };

  it('clears the rows a shorter frame no longer covers, and draws nothing of what Ink itself writes', () => {
    const s = sink();
    const w = new ScreenWriter(s);
    const theme = makeTheme({ color: false, unicode: true });
    w.writeLines([[seg('one')], [seg('two')], [seg('three')]], theme);
    w.flush();
    s.out.length = 0;
    // Ink renders an empty tree into the writer (debug mode): its erase sequences and any text are not drawn.
    w.write('\x1b[2K\x1b[1A\x1b[2K\x1b[G');
    w.write('stray text\n');
    w.flush();
    expect(s.out).toEqual([]);
    w.writeLines([[seg('one')]], theme);
    w.flush();
    const text = s.out.join('');
    expect(text).toContain('\x1b[2;1H');
    expect(text).toContain('\x1b[3;1H');
    expect(text).toContain('\x1b[K');
    expect(text).not.toContain('one');
  });

  it('writes composed lines with the theme: role colours, bold and inverse; a second identical frame writes nothing', () => {
    const s = sink();
    const w = new ScreenWriter(s);
    const lines: Line[] = [[seg('up', 'up'), seg(' '), seg('sel', undefined, { inverse: true }), seg(' '), seg('b', 'muted', { bold: true })], [seg('plain')]];
    w.writeLines(lines, makeTheme({ color: true, unicode: true }));
    w.flush();
    const text = s.out.join('');
    expect(text).toContain('\x1b[1;1H');
    expect(text).toContain('\x1b[0;32mup');
    expect(text).toContain('\x1b[0;7msel');
    expect(text).toContain('\x1b[0;1;90mb');
    expect(text).toContain('plain');
    s.out.length = 0;
    w.writeLines(lines.map((l) => l.map((x) => ({ ...x }))), makeTheme({ color: true, unicode: true }));
    w.flush();
    expect(s.out).toEqual([]);
  });

  it('the monochrome theme writes no colour codes but keeps bold and inverse', () => {
    const s = sink();
    const w = new ScreenWriter(s);
    w.writeLines([[seg('▲ +1', 'up'), seg('x', 'error', { bold: true }), seg('sel', 'focus', { inverse: true }), seg('d', 'muted', { dim: true })]], makeTheme({ color: false, unicode: true }));
    w.flush();
    const text = s.out.join('');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\x1b\[[0-9;]*(3[0-7]|9[0-7])m/);
    expect(text).toContain('\x1b[0;1mx');
    expect(text).toContain('\x1b[0;7msel');
    expect(text).toContain('▲ +1');
  });

  it('rewrites only changed cells of composed lines and clears a line that got shorter', () => {
    const s = sink();
    const w = new ScreenWriter(s);
    const theme = makeTheme({ color: true, unicode: true });
    w.writeLines([[seg('price 100.00   ')], [seg('second line')], [seg('│ box │', 'muted')]], theme);
    w.flush();
    s.out.length = 0;
    w.writeLines([[seg('price 101.00   ')], [seg('second')], [seg('│ box │', 'muted')]], theme);
    w.flush();
    const text = s.out.join('');
    expect(text).toContain('\x1b[1;9H');
    expect(text).toContain('1');
    expect(text).not.toContain('price');
    expect(text).toContain('\x1b[2;7H\x1b[0m\x1b[K');
    expect(text).not.toContain('box');
    // a style change alone is a change
    s.out.length = 0;
    w.writeLines([[seg('price 101.00   ')], [seg('second')], [seg('│ box │', 'focus')]], theme);
    w.flush();
    expect(s.out.join('')).toContain('\x1b[0;36m│ box │');
  });

  it('repaints everything after a resize', () => {
    const listeners: Array<() => void> = [];
    const s = { ...sink(), on: (_e: 'resize', l: () => void) => listeners.push(l) };
    const w = new ScreenWriter(s);
    const theme = makeTheme({ color: false, unicode: false });
    w.writeLines([[seg('hello')]], theme);
    w.flush();
    s.out.length = 0;
    listeners.forEach((l) => l());
    w.writeLines([[seg('hello')]], theme);
    w.flush();
    expect(s.out.join('')).toContain('\x1b[2J');
    expect(s.out.join('')).toContain('hello');
  });
});

describe('wrapText', () => {
  it('wraps at spaces like Ink did, cutting words longer than a line', () => {
    expect(wrapText('this terminal is 40×10: make it larger, or q to quit', 40)).toEqual(['this terminal is 40×10: make it larger,', 'or q to quit']);
    expect(wrapText('abcdefgh ij', 3)).toEqual(['abc', 'def', 'gh', 'ij']);
    expect(wrapText('fits', 10)).toEqual(['fits']);
  });
});
