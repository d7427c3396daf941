// The HTML report of a backtest, written by the real CLI (`backtest … --html`, `backtest show RUN --html`) and
// rendered in headless Chromium (Debian's /usr/bin/chromium through playwright-core: no browser download). It must
// load with no console error and no network request, draw the price, equity and drawdown charts, and mark every
// trade's entry and exit. A screenshot is kept in the temp dir for a human look.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromium } from 'playwright-core';
import { tempDir } from '../../support/run-cli.js';
// The command's output is under test, not the process: in-process runs (tests/e2e keeps the process tests).
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dataDir = tempDir('tradetui-html-');

interface Rendered {
  consoleErrors: string[];
  requests: string[];
  counts: Record<string, number>;
  markerTitles: string[];
  text: string;
}

async function render(browser: Browser, file: string, shot: string): Promise<Rendered> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const count = (sel: string): Promise<number> => page.locator(sel).count();
  const counts: Record<string, number> = {
    priceSvg: await count('svg.price-chart'),
    equitySvg: await count('svg.equity-chart'),
    drawdownSvg: await count('svg.drawdown-chart'),
    markers: await count('svg.price-chart path.marker'),
    entries: await count('svg.price-chart path.marker.entry'),
    exits: await count('svg.price-chart path.marker.exit'),
    tradeRows: await count('table.trades tr') - 1,
    equityLines: await count('svg.equity-chart polyline.equity'),
  };
  const markerTitles = await page.locator('svg.price-chart path.marker title').allTextContents();
  const text = await page.locator('body').innerText();
  // the equity line must have a real drawn length, not an empty element
  const equityBox = await page.locator('svg.equity-chart polyline.equity').boundingBox();
  counts.equityWidth = Math.round(equityBox?.width ?? 0);
  await page.screenshot({ path: shot, fullPage: true });
  await page.close();
  return { consoleErrors, requests, counts, markerTitles, text };
}

describe('HTML backtest report in headless Chromium', () => {
  let browser: Browser;
  let run: Record<string, any>;
  const file = join(dataDir, 'report.html');
  const shown = join(dataDir, 'shown.html');

  beforeAll(async () => {
    // .ci/run installs Debian's chromium; elsewhere: apt-get install chromium, or CHROMIUM_PATH=/path/to/chrome
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
    const res = await runCli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--from', '2021-01-01', '--to', '2023-01-01', '--html', file, '--json'], { dataDir });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    run = JSON.parse(res.stdout).runs[0];
    const show = await runCli(['backtest', 'show', String(run.id), '--html', shown], { dataDir });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`HTML report written to ${shown}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('renders offline with no console error, no request but the file, every chart, and one marker per entry and exit', async () => {
    const trades = run.trades.length as number;
    expect(trades).toBeGreaterThan(2);
    const r = await render(browser, file, join(dataDir, 'report.png'));
    expect(r.consoleErrors).toEqual([]);
    expect(r.requests).toEqual([pathToFileURL(file).href]);
    expect(r.counts).toMatchObject({ priceSvg: 1, equitySvg: 1, drawdownSvg: 1, equityLines: 1, markers: 2 * trades, entries: trades, exits: trades, tradeRows: trades });
    expect(r.counts.equityWidth).toBeGreaterThan(800);
    // each marker names its trade; the first entry's time and price are the run's
    const first = run.trades[0];
    expect(r.markerTitles[0]).toContain(`#1 ${first.side} entry ${first.entryTime.slice(0, 16).replace('T', ' ')}`);
    expect(r.text).toContain('Total return');
    expect(r.text).toContain(`${run.metrics.totalReturnPct.toFixed(2)}%`);
    expect(existsSync(join(dataDir, 'report.png'))).toBe(true);
    console.info(`html report screenshot: ${join(dataDir, 'report.png')}`);
  }, 60_000);

  it('backtest show RUN --html writes the same run (same markers and metrics)', async () => {
    const r = await render(browser, shown, join(dataDir, 'shown.png'));
    expect(r.consoleErrors).toEqual([]);
    expect(r.counts.markers).toBe(2 * run.trades.length);
    expect(r.text).toContain(`Backtest #${run.id}`);
    // one file: no script, no link, no external src
    const html = readFileSync(shown, 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  }, 60_000);

  it('a shared-account run over two markets draws one price chart per market, each with its own trades', async () => {
    const multi = join(dataDir, 'multi.html');
    const res = await runCli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT,ETH/USDT', '--timeframe', '1h', '--from', '2024-01-01', '--to', '2024-03-01', '--html', multi, '--json'], { dataDir });
    expect(res.code, res.stderr).toBe(0);
    const trades = JSON.parse(res.stdout).runs[0].trades as Array<{ symbol: string }>;
    expect(new Set(trades.map((t) => t.symbol))).toEqual(new Set(['BTC/USDT', 'ETH/USDT']));
    const r = await render(browser, multi, join(dataDir, 'multi.png'));
    expect(r.consoleErrors).toEqual([]);
    expect(r.counts.priceSvg).toBe(2);
    expect(r.counts.markers).toBe(2 * trades.length);
    expect(r.text).toContain('BTC/USDT');
    expect(r.text).toContain('ETH/USDT');
  }, 120_000);

  it('an unwritable --html path is a clear error naming the flag and the file (exit 2)', async () => {
    const res = await runCli(['backtest', 'show', String(run.id), '--html', join(dataDir, 'no/such/dir/r.html')], { dataDir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`--html: cannot write ${join(dataDir, 'no/such/dir/r.html')}: its directory does not exist`);
  }, 60_000);
});
