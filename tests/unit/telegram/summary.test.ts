import { describe, expect, it } from 'vitest';
import { buildDailySummary, localDayStart, nextLocalTime, zonedTime } from '../../../src/alerts/summary.js';
import { FakeEngine, position, trade } from '../../support/fake-engine-telegram.js';

describe('local time scheduling', () => {
  it('finds the next 21:00 in Berlin (UTC+2 in summer), today or tomorrow', () => {
    expect(new Date(nextLocalTime(Date.parse('2024-05-01T10:00Z'), '21:00', 'Europe/Berlin')).toISOString()).toBe('2024-05-01T19:00:00.000Z');
    expect(new Date(nextLocalTime(Date.parse('2024-05-01T19:00Z'), '21:00', 'Europe/Berlin')).toISOString()).toBe('2024-05-02T19:00:00.000Z');
    expect(new Date(nextLocalTime(Date.parse('2024-01-10T22:00Z'), '21:00', 'Europe/Berlin')).toISOString()).toBe('2024-01-11T20:00:00.000Z');
  });

  it('follows a DST change (Berlin moves to UTC+2 on 31 March 2024)', () => {
    expect(new Date(nextLocalTime(Date.parse('2024-03-30T21:00Z'), '21:00', 'Europe/Berlin')).toISOString()).toBe('2024-03-31T19:00:00.000Z');
  });

  it('handles zones west of UTC and the local day start', () => {
    expect(new Date(zonedTime(2024, 5, 1, 0, 0, 'America/New_York')).toISOString()).toBe('2024-05-01T04:00:00.000Z');
    expect(new Date(localDayStart(Date.parse('2024-05-01T02:00Z'), 'America/New_York')).toISOString()).toBe('2024-04-30T04:00:00.000Z');
  });
});

describe('buildDailySummary', () => {
  it('reads equity, day and week P&L, positions and the local day’s trades with best and worst', () => {
    const e = new FakeEngine();
    const now = Date.parse('2024-05-01T19:00Z');
    e.snap.positions = [position('BTC/USDT')];
    e.closedTrades = [
      trade('a', 10, { exitTime: Date.parse('2024-05-01T08:00Z') }),
      trade('b', -4, { exitTime: Date.parse('2024-04-30T22:30Z') }), // 00:30 in Berlin: today there
      trade('c', 50, { exitTime: Date.parse('2024-04-30T21:00Z') }), // 23:00 Berlin the day before
    ];
    e.equityDays = [{ day: 0, equity: 10_200 }, { day: 1, equity: 10_100 }];
    const s = buildDailySummary(e, now, 'Europe/Berlin');
    expect(s).toMatchObject({ equity: 10_100, dayPnl: 100, weekPnl: -100, tradesToday: 2, winsToday: 1, realisedToday: 6 });
    expect(s.best!.id).toBe('a');
    expect(s.worst!.id).toBe('b');
    expect(s.positions).toHaveLength(1);
  });
});
