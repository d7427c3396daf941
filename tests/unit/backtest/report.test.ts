import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../src/backtest/metrics.js';
import {
  comparisonReport,
  comparisonTable,
  downsample,
  drawdownChart,
  drawdownSeries,
  equityChart,
  fmtDuration,
  fmtNum,
  fmtPct,
  runJson,
  runListTable,
  runReport,
  table,
} from '../../../src/backtest/report.js';
import type { StoredRun } from '../../../src/backtest/runs.js';
import type { ClosedTrade } from '../../../src/core/trading.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function run(id: number, symbol: string, equityValues: number[], trades: ClosedTrade[] = []): StoredRun {
  const equityTimes = Float64Array.from(equityValues, (_, i) => T0 + i * H);
  const equity = Float64Array.from(equityValues);
  const metrics = computeMetrics({ trades, equityTimes, equity, initialBalance: 1000, timeframe: '1h', exposureCandles: 1, feesPaid: 2, firstPrice: 100, lastPrice: 110 });
  return {
    id,
    createdAt: T0,
    strategy: 'ma-cross',
    exchange: 'binance',
    symbol,
    timeframe: '1h',
    from: T0,
    to: T0 + equityValues.length * H,
    params: { fast: 10, slow: 30 },
    settings: { initialBalance: 1000, fee: 0.001, slippage: 0, allowShort: false, stakePct: null, risk: {}, warmupCandles: 30 },
    metrics,
    trades,
    equityTimes,
    equity,
    cash: Float64Array.from(equityValues, (v) => v / 2),
    exposure: Float64Array.from(equityValues, (v) => v / 2),
    exposureCandles: 1,
    feesPaid: 2,
    riskDecisions: { accepted: 1, resized: 0, rejected: 0 },
    protections: [{ name: 'stoploss-guard', scope: 'global', state: 'released', triggeredAt: T0, releasedAt: T0 + H, reason: 'two stops, in a row' }],
    decisions: 2,
    lookahead: null,
  };
}

const win: ClosedTrade = {
  id: 'a', instanceId: 'i', strategy: 'ma-cross', symbol: 'BTC/USDT', side: 'long', qty: 1,
  entryTime: T0, exitTime: T0 + 2 * H, entryPrice: 100, exitPrice: 110, pnl: 9.8, pnlPct: 9.79, fees: 0.2, exitReason: 'signal',
};

describe('report formatting', () => {
  it('table pads columns to the widest cell, right-aligns where asked and rules the header', () => {
    expect(table([['a', '1'], ['bbb', '22']], ['l', 'r'], ['Name', 'N'])).toBe('Name   N\n----  --\na      1\nbbb   22');
  });

  it('durations read as days, hours and minutes; nulls as a dash', () => {
    expect(fmtDuration(93_784_000)).toBe('1d 2h 3m');
    expect(fmtDuration(0)).toBe('0m');
    expect(fmtDuration(null)).toBe('—');
    expect(fmtPct(null)).toBe('—');
    expect(fmtPct(12.345)).toBe('12.35%');
  });

  it('downsample keeps at most `width` points: bucket last values, or bucket minima for drawdowns', () => {
    const v = [1, 2, 3, 4, 5, 6, -9, 8, 9, 10];
    expect(downsample(v, 20)).toEqual(v);
    expect(downsample(v, 5)).toEqual([2, 4, 6, 8, 10]);
    expect(downsample(v, 5, 'min')).toEqual([1, 3, 5, -9, 9]);
  });

  it('drawdown series is the % below the running peak, starting at the balance', () => {
    expect(drawdownSeries(Float64Array.from([900, 1100, 990]), 1000)).toEqual([-10, 0, -10].map((x) => expect.closeTo(x, 9)));
  });

  it('equity chart fits the terminal: 2000 candles on 80 columns stay within 80 columns and about 10 rows', () => {
    const values = Array.from({ length: 2000 }, (_, i) => 10_000 + 500 * Math.sin(i / 100));
    const text = equityChart(run(1, 'BTC/USDT', values), { columns: 80 });
    const lines = text.split('\n');
    expect(Math.max(...lines.slice(1).map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.length).toBeLessThanOrEqual(13);
  });
});

describe('run report', () => {
  const r = run(3, 'BTC/USDT', [1000, 1010, 990, 1020], [win]);

  it('shows header, key metrics, exit-reason breakdown, protections and both charts', () => {
    const text = runReport(r, { columns: 100 });
    expect(text).toContain('Backtest #3  ma-cross  BTC/USDT 1h  binance');
    expect(text).toContain('fast=10 slow=30');
    expect(text).toMatch(/Total return\s+2\.00%/);
    expect(text).toMatch(/Profit factor\s+inf/);
    expect(text).toMatch(/Max drawdown\s+1\.98%/);
    expect(text).toContain('Exit reason');
    expect(text).toContain('stoploss-guard');
    expect(text).toContain('Equity');
    expect(text).toContain('Drawdown %');
    expect(text).not.toContain('Entry (UTC)');
  });

  it('lists trades only on request', () => {
    const text = runReport(r, { trades: true, charts: false });
    expect(text).toContain('Entry (UTC)');
    expect(text).toContain('2024-01-01 00:00');
    expect(text).not.toContain('Drawdown %');
  });

  it('comparison has one row per run with its key metrics', () => {
    const runs = [r, run(4, 'ETH/USDT', [1000, 950, 900, 900])];
    const lines = comparisonTable(runs).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^Run\s+Strategy\s+Symbol\s+TF\s+Return/);
    expect(lines[2]).toMatch(/^\s*3\s+ma-cross\s+BTC\/USDT\s+1h\s+2\.00%/);
    expect(lines[3]).toMatch(/^\s*4\s+ma-cross\s+ETH\/USDT\s+1h\s+-10\.00%/);
    expect(comparisonReport(runs, { columns: 80 })).toContain('#4 ma-cross ETH/USDT equity');
  });

  it('list says how to make a first run when there is none', () => {
    expect(runListTable([])).toMatch(/tradetui backtest --strategy/);
  });
});

describe('run JSON', () => {
  it('carries the documented keys with ISO-8601 times and nulls for undefined ratios', () => {
    const j = runJson(run(5, 'BTC/USDT', [1000, 1000], []));
    expect(Object.keys(j)).toEqual(['id', 'strategy', 'exchange', 'symbol', 'timeframe', 'from', 'to', 'params', 'initialBalance', 'metrics', 'trades', 'protections', 'riskDecisions', 'equityCurve']);
    expect(j.equityCurve).toEqual([
      { time: '2024-01-01T00:00:00.000Z', equity: 1000, cash: 500, exposure: 500 },
      { time: '2024-01-01T01:00:00.000Z', equity: 1000, cash: 500, exposure: 500 },
    ]);
    expect(j.from).toBe('2024-01-01T00:00:00.000Z');
    expect(j.to).toBe('2024-01-01T02:00:00.000Z');
    const m = j.metrics as Record<string, unknown>;
    expect(m.profitFactor).toBeNull();
    expect(m.sharpe).toBeNull();
    expect(m.maxDrawdownStart).toBeNull();
    expect((j.protections as Array<Record<string, unknown>>)[0]!.releasedAt).toBe('2024-01-01T01:00:00.000Z');
  });

  it('trades have exactly the documented fields', () => {
    const j = runJson(run(6, 'BTC/USDT', [1000, 1010], [win]));
    expect((j.trades as unknown[])[0]).toEqual({
      entryTime: '2024-01-01T00:00:00.000Z', exitTime: '2024-01-01T02:00:00.000Z', side: 'long', entryPrice: 100, exitPrice: 110, qty: 1, pnl: 9.8, pnlPct: 9.79, fees: 0.2, exitReason: 'signal',
    });
  });
});

describe('comparison of runs over different spans', () => {
  it('adds From and To columns only when the spans differ', () => {
    const a = run(1, 'BTC/USDT', [1000, 1010]);
    const b = { ...run(2, 'SOL/USDT', [1000, 990, 980]) };
    expect(comparisonTable([a, { ...a, id: 3 }])).not.toContain('From');
    const lines = comparisonTable([a, b]).split('\n');
    expect(lines[0]).toMatch(/TF\s+From\s+To\s+Return/);
    expect(lines[3]).toMatch(/SOL\/USDT\s+1h\s+2024-01-01\s+2024-01-01\s+-2\.00%/);
    expect(comparisonReport([a, b], { charts: false })).toContain('spans differ');
  });
});

describe('drawdownChart', () => {
  // The chart computes drawdowns as it reads them: it must draw what the kept series downsampled to each
  // column's lowest value draws, for curves longer and shorter than the plot.
  it('draws the same as the drawdown series downsampled to each column’s lowest', async () => {
    const asciichart = (await import('asciichart')).default as { plot(series: number[], cfg: { height: number; format: (x: number) => string }): string };
    let x = 1;
    for (const n of [7, 60, 101, 5000]) {
      const equity = Float64Array.from({ length: n }, (_, i) => 10_000 + 800 * Math.sin(i / 37) + ((x = (x * 48271) % 2147483647) % 400) - i / 3);
      for (const columns of [60, 80, 140]) {
        const dd = drawdownSeries(equity, 10_000);
        const lo = Math.min(...dd);
        const hi = Math.max(...dd);
        const labelWidth = Math.max(fmtNum(lo, 2).length, fmtNum(hi, 2).length) + 1;
        const width = Math.max(40, Math.min(100, columns - labelWidth - 4));
        const expected = `Drawdown %\n${asciichart.plot(downsample(dd, width, 'min'), { height: 10, format: (v) => v.toFixed(2).padStart(labelWidth) })}`;
        expect(drawdownChart({ equity, settings: { initialBalance: 10_000 } as never }, { columns })).toBe(expected);
      }
    }
  });
});
