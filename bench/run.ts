// `npm run bench`: every performance figure the product promises, measured in one run on this machine,
// printed with ratios (shared, noisy machines: compare ratios within a run, not absolute times).
// `npm run bench -- --quick` shortens the TUI measurement from 60 s to 10 s per scenario.
import { benchImport, benchCacheLoad, yearOf1m } from './year-1m.js';
import { benchIndicators } from './indicators.js';
import { benchBacktest } from './backtest.js';
import { benchTui } from './tui.js';
import { benchTelegram } from './telegram.js';
import { benchLive } from './live.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const want = (name: string): boolean => !only || only.includes(name);

const f = (n: number, digits = 2): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rate = (n: number): string => (n >= 1e6 ? `${f(n / 1e6)} M/s` : n >= 1e3 ? `${f(n / 1e3)} k/s` : `${f(n)} /s`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  console.log(`tradetui bench — node ${process.version}, ${new Date().toISOString()}\n`);

  if (want('data')) {
    const imp = await benchImport();
    const load = benchCacheLoad();
    console.log('## Candle data');
    console.log(
      table([
        ['what', 'rows', 'seconds', 'throughput'],
        ['CSV import (shipped BTC/USDT 1h .csv.gz → SQLite cache)', String(imp.rows), f(imp.seconds, 3), rate(imp.rowsPerSecond)],
        ['cache write, one year of 1m candles', String(load.rows), f(load.writeSeconds, 3), rate(load.rows / load.writeSeconds)],
        ['cache load, one year of 1m candles (best of 5)', String(load.rows), f(load.seconds, 3), rate(load.rowsPerSecond)],
      ]),
    );
    console.log();
  }

  if (want('backtest')) {
    const year = yearOf1m();
    const ind = benchIndicators(year.close, { high: year.high, low: year.low, repeats: 3 });
    console.log('## Indicators on one year of 1m closes (ns per element)');
    console.log(table([['indicator', 'ours', 'technicalindicators', 'speed-up'], ...ind.rows.map((r) => [r.name, f(r.kernelNsPerElement, 1), r.libraryNsPerElement === null ? '—' : f(r.libraryNsPerElement, 1), r.speedup === null ? '—' : `${f(r.speedup, 1)}×`])]));
    console.log();
    const bt = benchBacktest(year);
    console.log(`## Backtest over ${bt.candles.toLocaleString('en-US')} 1m candles (one year)`);
    console.log(table([['run', 'seconds', 'candles/s', 'trades', '× minimal loop'], ...bt.rows.map((r) => [r.name, f(r.seconds, 3), rate(r.candlesPerSecond), String(r.trades), r.ratioToMinimal === null ? '' : f(r.ratioToMinimal, 1)])]));
    const e = bt.endToEnd;
    console.log(
      `\nrsi-macd end to end (cache load ${f(e.load, 3)} s + indicators and loop ${f(e.backtest, 3)} s + metrics ${f(e.metrics, 3)} s + store ${f(e.store, 3)} s): ` +
        `${f(e.seconds, 3)} s — goal < 1 s: ${e.seconds < 1 ? 'met' : 'NOT met'}; ${f(e.ratioToMinimal, 1)}× the minimal loop`,
    );
    console.log();
  }

  if (want('live')) {
    const l = await benchLive(quick ? 30 : 100);
    console.log('## Live broker, through real ccxt against the local Binance');
    console.log(
      table([
        ['what', 'count', 'p50 ms', 'p95 ms'],
        ['decision → signed order request received (market orders)', String(l.orders), f(l.p50Ms), f(l.p95Ms)],
        ['start-up reconciliation, trades since the last known', String(l.reconcileTrades), f(l.reconcileMs), '-'],
      ]),
    );
    console.log();
  }

  if (want('telegram')) {
    const tg = await benchTelegram();
    console.log('## Telegram, through the real client against a local Bot API server');
    console.log(
      table([
        ['what', 'figure'],
        [`fill → message leaves, p50 (${tg.fills} fills)`, `${f(tg.latencyP50Ms, 1)} ms`],
        ['fill → message leaves, p95', `${f(tg.latencyP95Ms, 1)} ms`],
        ['time inside emit per alert (outbox insert)', `${f(tg.emitUsPerAlert, 0)} µs`],
        [`burst of ${tg.burstAlerts} alerts at ${tg.perChatIntervalMs} ms per chat`, `${tg.burstMessages} messages (${tg.burstMerged} merged) in ${f(tg.burstSeconds, 2)} s`],
        ['burst throughput', `${f(tg.alertsPerSecond, 0)} alerts/s, ${f(tg.messagesPerSecond, 2)} messages/s`],
      ]),
    );
    console.log();
  }

  if (want('tui')) {
    const seconds = quick ? 10 : 60;
    const tui = await benchTui(seconds);
    console.log(`## TUI in a 120x40 pseudo-terminal (${seconds} s each)`);
    console.log(table([['scenario', 'bytes/s', 'CPU %', 'start to first frame ms'], ...tui.map((t) => [t.scenario, f(t.bytesPerSecond, 0), f(t.cpuPct, 2), f(t.firstFrameMs, 0)])]));
    console.log(`goals: replay < 2048 B/s and < 3% CPU; idle ~0 B/s and < 1% CPU; first frame < 1000 ms (first start on a new data dir imports the shipped candles once: ${f(tui[0]!.seedMs, 0)} ms)`);
    console.log();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
