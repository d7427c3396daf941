// `tradetui data`: import candle CSV files, download candles from an exchange, list the candle cache.
// Import and list seed the shipped candles first so a fresh install shows them.
import type { Argv, CommandModule } from 'yargs';
import type { MarketKey } from '../core/candle.js';
import { OutageError, UserError } from '../core/errors.js';
import { iso, parseDate, parseTimeframe, timeframeMs, TIMEFRAME_LIST, type Timeframe } from '../core/time.js';
import { SqliteCandleStore } from '../adapters/store/sqlite/candle-cache.js';
import { createExchange } from '../adapters/exchange/ccxt.js';
import { importCsv, type ImportReport } from '../data/import.js';
import { downloadCandles, type DownloadProgress } from '../data/download.js';
import { ensureSeeded } from '../data/seed.js';
import { createContext, output, type CliContext, type GlobalArgs } from './context.js';
import { importSeriesCommand } from './series.js';

interface ImportArgs extends GlobalArgs {
  file: string;
  symbol: string;
  timeframe: string;
  exchange?: string;
  skipInvalid?: boolean;
}

interface DownloadArgs extends GlobalArgs {
  symbol: string;
  timeframe: string;
  exchange?: string;
  from: string;
  to?: string;
}

/** "btc/usdt" → "BTC/USDT"; anything not BASE/QUOTE is the user's mistake. */
function parseSymbol(input: string): string {
  const s = String(input).trim().toUpperCase();
  if (!/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s)) throw new UserError(`"${input}" is not a symbol like BTC/USDT`, '--symbol');
  return s;
}

function parseExchangeName(input: string): string {
  const s = String(input).trim().toLowerCase();
  if (!/^[a-z0-9]+$/.test(s)) throw new UserError(`"${input}" is not an exchange id like binance`, '--exchange');
  return s;
}

/** ISO without milliseconds for people; JSON keeps iso(). */
function when(t: number | null): string {
  return t === null ? '-' : iso(t).replace('.000Z', 'Z');
}

function isoOrNull(t: number | null): string | null {
  return t === null ? null : iso(t);
}

async function seed(ctx: CliContext, store: SqliteCandleStore): Promise<void> {
  let announced = false;
  const report = await ensureSeeded(store, {
    onFile: () => {
      if (!announced && !ctx.json) process.stderr.write('tradetui: adding the shipped candles to the cache (first run)…\n');
      announced = true;
    },
  });
  for (const f of report.failed) process.stderr.write(`tradetui: warning: shipped candles not added: ${f.error}\n`);
}

function withContext<A extends GlobalArgs>(fn: (ctx: CliContext, args: A) => Promise<void>): (args: A) => Promise<void> {
  return async (args) => {
    const ctx = createContext(args);
    try {
      await fn(ctx, args);
    } finally {
      ctx.close();
    }
  };
}

function importJson(r: ImportReport, key: MarketKey): unknown {
  return { ...key, ...r, first: isoOrNull(r.first), last: isoOrNull(r.last) };
}

const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import <file>',
  describe: 'import a candle CSV file (timestamp,open,high,low,close,volume; .csv or .csv.gz) into the cache',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('file', { type: 'string', demandOption: true, describe: 'CSV file; timestamps in epoch ms, epoch seconds or ISO-8601 (UTC)' })
      .option('symbol', { type: 'string', demandOption: true, describe: 'market the candles belong to, e.g. BTC/USDT' })
      .option('timeframe', { type: 'string', demandOption: true, choices: TIMEFRAME_LIST, describe: 'candle timeframe' })
      .option('exchange', { type: 'string', describe: 'exchange the candles come from (default: exchange.name in the config)' })
      .option('skip-invalid', { type: 'boolean', default: false, describe: 'skip bad rows and report them instead of failing' })
      .example('$0 data import btc-1h.csv --symbol BTC/USDT --timeframe 1h', 'import hourly candles for binance BTC/USDT')
      .example('$0 data import eth.csv.gz --symbol ETH/USDT --timeframe 1d --exchange kraken --skip-invalid', 'import gzip, skipping bad rows')
      .example('$0 data import btc.csv --symbol BTC/USDT --timeframe 1h --json', 'print the import report as JSON') as unknown as Argv<ImportArgs>,
  handler: withContext<ImportArgs>(async (ctx, args) => {
    const key: MarketKey = {
      exchange: parseExchangeName(args.exchange ?? ctx.config.exchange.name),
      symbol: parseSymbol(args.symbol),
      timeframe: parseTimeframe(args.timeframe, '--timeframe'),
    };
    const store = new SqliteCandleStore(ctx.db());
    await seed(ctx, store);
    const r = await importCsv(store, args.file, key, { skipInvalid: args.skipInvalid });
    output(ctx, importJson(r, key), () => {
      const lines = [
        `Imported ${r.file} into ${key.exchange} ${key.symbol} ${key.timeframe}: ${r.rows} rows, ${r.inserted} new, ${r.unchanged} already cached` +
          (r.duplicates > 0 ? `, ${r.duplicates} duplicate rows collapsed` : '') +
          (r.skipped.length > 0 ? `, ${r.skipped.length} skipped` : ''),
        `  ${when(r.first)} → ${when(r.last)}, ${gapText(r.gaps, r.largestGap)}`,
      ];
      for (const s of r.skipped.slice(0, 20)) lines.push(`  skipped ${r.file}:${s.line}: ${s.field} "${s.value}" ${s.reason}`);
      if (r.skipped.length > 20) lines.push(`  … and ${r.skipped.length - 20} more skipped rows (--json lists all)`);
      return lines.join('\n');
    });
  }),
};

function gapText(gaps: number, largest: number): string {
  return gaps === 0 ? 'no gaps' : `${gaps} gap${gaps === 1 ? '' : 's'} (largest ${largest} candle${largest === 1 ? '' : 's'}), not filled`;
}

const downloadCommand: CommandModule<GlobalArgs, DownloadArgs> = {
  command: 'download',
  describe: 'download closed candles from an exchange into the cache (resumes after the last cached candle)',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('exchange', { type: 'string', describe: 'ccxt exchange id (default: exchange.name in the config)' })
      .option('symbol', { type: 'string', demandOption: true, describe: 'market, e.g. BTC/USDT' })
      .option('timeframe', { type: 'string', demandOption: true, choices: TIMEFRAME_LIST, describe: 'candle timeframe' })
      .option('from', { type: 'string', demandOption: true, describe: 'first candle wanted: ISO-8601 date (UTC) or epoch ms' })
      .option('to', { type: 'string', describe: 'last candle wanted (default: the last closed candle)' })
      .example('$0 data download --exchange binance --symbol BTC/USDT --timeframe 1h --from 2024-01-01', 'hourly candles since 2024')
      .example('$0 data download --symbol ETH/USDT --timeframe 1d --from 2020-01-01 --to 2020-12-31', 'one year of daily candles')
      .example('$0 data download --symbol BTC/USDT --timeframe 1m --from 2025-06-01 --json', 'print the download report as JSON') as unknown as Argv<DownloadArgs>,
  handler: withContext<DownloadArgs>(async (ctx, args) => {
    const cfg = ctx.config.exchange;
    const name = parseExchangeName(args.exchange ?? cfg.name);
    const key: MarketKey = { exchange: name, symbol: parseSymbol(args.symbol), timeframe: parseTimeframe(args.timeframe, '--timeframe') };
    const from = parseDate(args.from, '--from');
    const to = args.to === undefined ? undefined : parseDate(args.to, '--to');
    if (to !== undefined && to < from) throw new UserError(`${args.to} is before --from ${args.from}`, '--to');
    const store = new SqliteCandleStore(ctx.db());
    // The config's options (urls, rate limits, keys) belong to the configured exchange only.
    const exchange = await createExchange(
      name === cfg.name ? { name, options: cfg.options, apiKey: cfg.apiKey, secret: cfg.secret } : { name },
    );
    const bar = ctx.json || !process.stderr.isTTY ? null : await progressBar();
    let fetched = 0;
    let report;
    try {
      report = await downloadCandles(store, exchange, key, {
        from,
        to,
        retries: cfg.retries,
        onProgress: (p) => {
          fetched = p.fetched;
          bar?.update(p, key.timeframe);
        },
        onRetry: ({ attempt, delayMs, error }) => {
          if (!ctx.json) process.stderr.write(`\ntradetui: ${name}: retry ${attempt}/${cfg.retries} in ${(delayMs / 1000).toFixed(1)} s: ${(error as Error).message.slice(0, 200)}\n`);
        },
      });
    } catch (err) {
      bar?.stop();
      if (err instanceof OutageError) {
        const last = store.last(key);
        throw new OutageError(
          `${err.message}\n${fetched} candles fetched before the failure are kept${last === null ? '' : ` (cached up to ${when(last)})`}; run the same command again to resume`,
          err.service,
          { cause: err },
        );
      }
      throw err;
    }
    bar?.stop();
    const r = report;
    output(
      ctx,
      { ...key, ...r, first: isoOrNull(r.first), last: isoOrNull(r.last), from: iso(r.from), to: r.to >= r.from ? iso(r.to) : null },
      () =>
        r.fetched === 0
          ? `${key.exchange} ${key.symbol} ${key.timeframe}: nothing new to download (cached up to ${when(store.last(key))})`
          : `Downloaded ${key.exchange} ${key.symbol} ${key.timeframe}: ${r.fetched} candles in ${r.pages} requests (${r.inserted} new, ${r.unchanged} already cached)\n` +
            `  ${when(r.first)} → ${when(r.last)}, ${gapText(r.gaps, r.largestGap)}`,
    );
  }),
};

/** A cli-progress bar on stderr, loaded only when it is shown. */
async function progressBar(): Promise<{ update(p: DownloadProgress, tf: Timeframe): void; stop(): void }> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {bar} {percentage}% | {value}/{total} candles | {time}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p, tf) {
      const total = Math.max(1, Math.round((p.to - p.from) / timeframeMs(tf)) + 1);
      const done = Math.min(total, Math.round((p.time - p.from) / timeframeMs(tf)) + 1);
      if (!started) bar.start(total, done, { time: when(p.time) });
      else bar.update(done, { time: when(p.time) });
      started = true;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

const listCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'list the cached candles per exchange, symbol and timeframe: range, count, gaps',
  builder: (y) =>
    y
      .example('$0 data list', 'a table of the cached markets')
      .example('$0 data list --json', 'the same as one JSON document'),
  handler: withContext<GlobalArgs>(async (ctx) => {
    const store = new SqliteCandleStore(ctx.db());
    await seed(ctx, store);
    const markets = store.list();
    output(
      ctx,
      { markets: markets.map((m) => ({ ...m, first: iso(m.first), last: iso(m.last) })) },
      () => {
        if (markets.length === 0) return 'The candle cache is empty. Add candles with "tradetui data import" or "tradetui data download".';
        const head = ['EXCHANGE', 'SYMBOL', 'TF', 'FIRST', 'LAST', 'CANDLES', 'GAPS', 'LARGEST GAP'];
        const rows = markets.map((m) => [m.exchange, m.symbol, m.timeframe, when(m.first), when(m.last), String(m.count), String(m.gaps), String(m.largestGap)]);
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        const fmt = (r: string[]) => r.map((c, i) => (i >= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
        return [fmt(head), ...rows.map(fmt)].join('\n');
      },
    );
  }),
};

export const dataCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'data <command>',
  describe: 'candle data: import CSV files, download from an exchange, list the cache',
  builder: (y) =>
    y
      .command(importCommand)
      .command(downloadCommand)
      .command(listCommand)
      .command(importSeriesCommand)
      .demandCommand(1, 'name a data command: import, download, list or import-series')
      .example('$0 data list', 'what candles are cached')
      .example('$0 data import btc.csv --symbol BTC/USDT --timeframe 1h', 'import a CSV file')
      .example('$0 data download --symbol BTC/USDT --timeframe 1h --from 2024-01-01', 'download from the exchange'),
  handler: () => {},
};
