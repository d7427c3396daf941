// SVG helpers of the HTML report: downsampling keeps extremes, time ticks at round UTC boundaries with the year
// when the span crosses one, text escaped.
import { describe, expect, it } from 'vitest';
import { esc, minMaxPoints, niceTicks, timeTicks } from '../../../src/report/svg.js';
import { htmlReport } from '../../../src/report/html.js';

describe('report svg helpers', () => {
  it('minMaxPoints keeps each bucket’s extremes in time order (a one-candle crash survives)', () => {
    const n = 10_000;
    const times = Float64Array.from({ length: n }, (_, i) => i);
    const values = Float64Array.from({ length: n }, () => 100);
    values[4321] = 5;
    values[777] = 900;
    const pts = minMaxPoints(times, values, 100);
    expect(pts.length).toBeLessThanOrEqual(200);
    expect(pts).toContainEqual([4321, 5]);
    expect(pts).toContainEqual([777, 900]);
    for (let i = 1; i < pts.length; i++) expect(pts[i]![0]).toBeGreaterThan(pts[i - 1]![0]);
  });

  it('timeTicks: months within a year, years named when the span crosses one', () => {
    const t = (s: string): number => Date.parse(s);
    expect(timeTicks(t('2024-01-01T00:00Z'), t('2024-05-01T00:00Z')).map((x) => x.label)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05']);
    // a longer span steps by quarters
    expect(timeTicks(t('2024-01-01T00:00Z'), t('2024-12-31T00:00Z')).map((x) => x.label)).toEqual(['2024-01', '2024-04', '2024-07', '2024-10']);
    const days = timeTicks(t('2023-12-29T00:00Z'), t('2024-01-03T00:00Z')).map((x) => x.label);
    expect(days).toEqual(['2023-12-29', '2023-12-30', '2023-12-31', '2024-01-01', '2024-01-02', '2024-01-03']);
    expect(timeTicks(t('2024-03-01T00:00Z'), t('2024-03-06T00:00Z')).map((x) => x.label)).toEqual(['03-01', '03-02', '03-03', '03-04', '03-05', '03-06']);
    expect(timeTicks(t('2024-03-01T00:00Z'), t('2024-03-02T00:00Z')).map((x) => x.label)).toEqual(['03-01 00:00', '03-01 06:00', '03-01 12:00', '03-01 18:00', '03-02 00:00']);
    expect(timeTicks(t('2017-08-17T00:00Z'), t('2026-04-01T00:00Z')).map((x) => x.label)).toEqual(['2018', '2019', '2020', '2021', '2022', '2023', '2024', '2025', '2026']);
  });

  it('niceTicks are round steps inside the range', () => {
    expect(niceTicks(16_000, 69_000, 6)).toEqual([20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(niceTicks(-9.3, 0, 4)).toEqual([-7.5, -5, -2.5, 0]);
  });

  it('escapes outside text (strategy names, params) in the document', () => {
    expect(esc(`<b a="x">&'`)).toBe('&lt;b a=&quot;x&quot;&gt;&amp;&#39;');
    const html = htmlReport([], 0);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain('<script');
  });
});
