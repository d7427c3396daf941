// `r` resumes from any protection (issue 15): a person's resume lifts windowed pauses too, and the daily loss
// limit does not fire again on the next candle for the loss already taken.
import { describe, expect, it } from 'vitest';
import { cfg, H, intent, recorded, T0, trade } from './helpers.js';

describe('resume lifts every protection', () => {
  it('a cooldown and a daily loss limit end on resume and stay ended', () => {
    const { layer } = recorded(cfg({ protections: { cooldown: { minutes: 600 }, dailyLossLimit: { pct: 5 } } }));
    layer.onCandle('BTC/USDT', T0, 10_000);
    layer.onTradeClosed(trade(), T0 + H);
    layer.onCandle('BTC/USDT', T0 + 2 * H, 9_400); // −6% today
    expect(layer.active().map((p) => p.name).sort()).toEqual(['cooldown', 'dailyLossLimit']);
    expect(layer.vetEntry(intent({ time: T0 + 2 * H })).verdict).toBe('rejected');
    layer.resume(T0 + 2 * H);
    expect(layer.active()).toEqual([]);
    layer.onCandle('BTC/USDT', T0 + 3 * H, 9_380);
    expect(layer.active()).toEqual([]);
    expect(layer.vetEntry(intent({ time: T0 + 3 * H })).verdict).toBe('accepted');
  });
});
