// `tradetui ml`: train models on cached candles (in a worker thread, with a progress bar, early stopping and
// a clean Ctrl-C), list / show / evaluate / delete them. Every figure is printed beside its baselines on the
// same out-of-sample candles. TensorFlow.js is loaded only when a command trains or predicts.
import type { Argv, CommandModule } from 'yargs';
import type { CandleSeries, MarketKey } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { iso, parseDate, parseTimeframe, timeframeMs, TIMEFRAME_LIST } from '../core/time.js';
import { SqliteCandleStore } from '../adapters/store/sqlite/candle-cache.js';
import { ensureSeeded } from '../data/seed.js';
import { DEFAULT_FEATURES, parseFeatureList, isExternalFeature, type ExternalSeries } from '../ml/features.js';
import { labelText, parseLabel, type LabelSpec } from '../ml/labels.js';
import { MODEL_KIND_LIST, MODEL_KINDS, parseModelKind } from '../ml/models.js';
import { checkModelId, cleanTemporary, deleteModel, findModel, listModels, newModelId, registryDirs, type Evaluation, type Metrics, type ModelEntry } from '../ml/registry.js';
import { readSeries } from '../ml/series.js';
import { DEFAULT_TRAIN, type TrainSettings } from '../ml/train.js';
import { useModelsDataDir } from '../ml/model-ids.js';
import { createContext, output, type CliContext, type GlobalArgs } from './context.js';

interface TrainArgs extends GlobalArgs {
  model: string;
  symbol?: string;
  timeframe?: string;
  exchange?: string;
  from?: string;
  to?: string;
  features?: string;
  label?: string;
  epochs?: number;
  members?: string;
  seed: number;
  lookback?: number;
  units: number;
  batchSize: number;
  valid: number;
  embargo?: number;
  patience: number;
  id?: string;
}

interface IdArgs extends GlobalArgs {
  id: string;
}

interface EvaluateArgs extends IdArgs {
  from?: string;
  to?: string;
}

function withContext<A extends GlobalArgs>(fn: (ctx: CliContext, args: A) => Promise<void>): (args: A) => Promise<void> {
  return async (args) => {
    const ctx = createContext(args);
    useModelsDataDir(ctx.dataDir);
    try {
      await fn(ctx, args);
    } finally {
      ctx.close();
    }
  };
}

function intFlag(v: unknown, name: string, min: number, max: number): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < min || x > max) throw new UserError(`must be a whole number ${min}..${max}, got ${String(v)}`, name);
  return x;
}

/** "btcusdt" and "BTC/USDT" both find the cached BTC/USDT. */
function resolveSymbol(input: string, cached: readonly string[]): string {
  const up = input.trim().toUpperCase();
  if (cached.includes(up)) return up;
  const bare = up.replace(/[/_-]/g, '');
  return cached.find((s) => s.replace('/', '') === bare) ?? up;
}

async function loadCandles(ctx: CliContext, key: MarketKey, from: number | undefined, to: number | undefined, where: string): Promise<CandleSeries> {
  const store = new SqliteCandleStore(ctx.db());
  await ensureSeeded(store, { onFile: (f) => process.stderr.write(`tradetui: importing shipped candles ${f.name}\n`) });
  const cached = [...new Set(store.list().filter((m) => m.exchange === key.exchange).map((m) => m.symbol))];
  const k = { ...key, symbol: resolveSymbol(key.symbol, cached) };
  if (store.first(k) === null) {
    throw new UserError(`no cached ${k.timeframe} candles for ${k.exchange} ${k.symbol}; cached: ${store.list().map((m) => `${m.exchange} ${m.symbol} ${m.timeframe}`).join(', ') || 'none'}`, '--symbol');
  }
  const c = store.read(k, from, to === undefined ? undefined : to - 1);
  if (c.length === 0) throw new UserError(`no cached ${k.symbol} ${k.timeframe} candles in that span (cached ${iso(store.first(k)!)} to ${iso(store.last(k)!)})`, where);
  key.symbol = k.symbol;
  return c;
}

function externalSeries(ctx: CliContext, features: readonly string[]): Map<string, ExternalSeries> {
  const out = new Map<string, ExternalSeries>();
  for (const f of features.filter(isExternalFeature)) {
    const name = f.slice(4);
    const s = readSeries(ctx.db(), name);
    if (!s) throw new UserError(`feature ${f} needs the external series "${name}": import it with "tradetui data import-series FILE --name ${name}"`, '--features');
    out.set(name, s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Printing

const bold = (s: string): string => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[22m` : s);
const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '—');
const f5 = (x: number): string => (Number.isFinite(x) ? x.toFixed(5) : '—');

function metricsColumns(m: Metrics): [string, string][] {
  if ('accuracy' in m) return [['accuracy', f3(m.accuracy)], ['balanced acc', f3(m.balancedAccuracy)], ['F1', f3(m.f1)], ['MCC', f3(m.mcc)]];
  return [['MAE', f5(m.mae)], ['directional acc', f3(m.directionalAccuracy)]];
}

export function evaluationTable(e: Evaluation): string {
  const rows: [string, Metrics][] = [['model', e.model], ...Object.entries(e.baselines)];
  const head = ['', ...metricsColumns(e.model).map(([k]) => k)];
  const body = rows.map(([name, m]) => [name, ...metricsColumns(m).map(([, v]) => v)]);
  const all = [head, ...body];
  const w = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  return all.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('  ')).join('\n');
}

function metaText(e: ModelEntry): string {
  const m = e.meta;
  const lines = [
    `${m.id}  (${e.source === 'project' ? 'shipped' : 'trained'}, ${e.dir})`,
    `  kind       ${m.kind} — ${MODEL_KINDS[m.kind]?.about ?? ''}`,
    `  market     ${m.market.exchange} ${m.market.symbol} ${m.market.timeframe}`,
    `  features   ${m.featureSpec.features.join(', ')} (version ${m.featureSpec.version}), window ${m.featureSpec.lookback} × ${m.featureSpec.features.length}`,
    `  label      ${labelText(m.label)}`,
    `  train      ${m.train.from} → ${m.train.to} (${m.train.rows} rows)`,
    `  validation ${m.valid.from} → ${m.valid.to} (${m.valid.rows} rows), purged ${m.purge} + embargo ${m.embargo} candles before it`,
    m.kind === 'ensemble'
      ? `  members    ${(m.ensemble?.members ?? []).map((x) => `${x.id} × ${x.weight.toFixed(3)}`).join(', ')}`
      : m.kind === 'gbt'
        ? `  training   ${m.epochs.run} boosting rounds, seed ${m.seed}, ${m.backend}, ${m.trainSeconds.toFixed(1)} s`
        : `  training   ${m.epochs.run} of ${m.epochs.max} epochs (best ${m.epochs.best}), seed ${m.seed}, ${m.backend} backend, tfjs ${m.tfjsVersion}, ${m.trainSeconds.toFixed(1)} s`,
    `  data hash  ${m.dataHash.slice(0, 16)}…`,
    ...m.notes.map((n) => `  note       ${n}`),
    '',
    `Validation (${m.kind === 'ensemble' ? 'weights learned here; members out of sample' : 'out of sample'}, ${m.validation.rows} candles, ${m.validation.from} → ${m.validation.to}):`,
    evaluationTable(m.validation),
  ];
  return lines.join('\n');
}

function entryJson(e: ModelEntry): unknown {
  return { ...e.meta, source: e.source === 'project' ? 'shipped' : 'trained', dir: e.dir };
}

// ---------------------------------------------------------------------------------------------------------
// train

function progressLine(p: { epoch: number; epochs: number; loss: number; valLoss: number; valMetric: number; valMetricName: string; etaSeconds: number }): string {
  const width = 20;
  const done = Math.round((p.epoch / p.epochs) * width);
  return `[${'█'.repeat(done)}${'░'.repeat(width - done)}] epoch ${p.epoch}/${p.epochs}  loss ${f5(p.loss)}  val loss ${f5(p.valLoss)}  ${p.valMetricName} ${f3(p.valMetric)}  ETA ${Math.round(p.etaSeconds)} s`;
}

/** `ml train --model ensemble --members A,B`: weights learned on the members' shared validation span. */
async function trainEnsemble(ctx: CliContext, args: TrainArgs): Promise<void> {
  if (!args.members) throw new UserError('an ensemble needs --members ID,ID,… (classifiers from "tradetui ml list")', '--members');
  const dirs = registryDirs(ctx.dataDir);
  cleanTemporary(dirs.data);
  const members = args.members.split(',').map((s) => s.trim()).filter((s) => s).map((id) => findModel(dirs, id, '--members'));
  const { checkMembers, ensembleWarmup, fitEnsemble } = await import('../ml/ensemble.js');
  const span = checkMembers(members);
  const market = members[0]!.meta.market;
  const key: MarketKey = { ...market };
  const warm = (ensembleWarmup(members) + 10) * timeframeMs(market.timeframe);
  const candles = await loadCandles(ctx, key, span.from - warm, span.to + 1, '--members');
  const features = [...new Set(members.flatMap((m) => m.meta.featureSpec.features))];
  const external = externalSeries(ctx, features);
  const id = args.id !== undefined ? checkModelId(String(args.id), '--id') : newModelId(dirs, 'ensemble', market);
  if (listModels(dirs).some((e) => e.id === id)) throw new UserError(`a model "${id}" exists already; pick another id or delete it first`, '--id');
  if (!ctx.json) process.stderr.write(`Learning the weights of ${members.map((m) => m.id).join(', ')} on their shared validation span ${iso(span.from)} → ${iso(span.to)}\n`);
  const r = await fitEnsemble({ dirs, env: { dataDir: ctx.dataDir, externalSeries: (name) => external.get(name) ?? null }, members, candles, target: { root: dirs.data, id } });
  const entry: ModelEntry = { id: r.meta.id, dir: r.dir, source: 'data', meta: r.meta };
  output(ctx, { id: r.meta.id, meta: entryJson(entry) }, () => `Saved model ${r.meta.id}\n\n${metaText(entry)}`);
}

async function trainHandler(ctx: CliContext, args: TrainArgs): Promise<void> {
  const kind = parseModelKind(args.model);
  if (kind === 'ensemble') return trainEnsemble(ctx, args);
  if (args.members !== undefined) throw new UserError('--members is for --model ensemble', '--members');
  const task = MODEL_KINDS[kind].task;
  const label: LabelSpec = parseLabel(args.label ?? (task === 'classify' ? 'direction:h=4,k=0.25' : 'return:h=4'));
  const features = parseFeatureList(args.features ? args.features.split(',').map((s) => s.trim()).filter((s) => s) : [...DEFAULT_FEATURES]);
  if (!args.symbol) throw new UserError('give the market to train on, e.g. --symbol BTC/USDT', '--symbol');
  if (!args.timeframe) throw new UserError('give the candle timeframe, e.g. --timeframe 1h', '--timeframe');
  const key: MarketKey = { exchange: (args.exchange ?? ctx.config.exchange.name).trim().toLowerCase(), symbol: args.symbol, timeframe: parseTimeframe(args.timeframe, '--timeframe') };
  const from = args.from !== undefined ? parseDate(args.from, '--from') : undefined;
  const to = args.to !== undefined ? parseDate(args.to, '--to') : undefined;
  if (from !== undefined && to !== undefined && from >= to) throw new UserError(`--from (${iso(from)}) must be before --to (${iso(to)})`, '--from');
  const settings: TrainSettings = {
    ...DEFAULT_TRAIN,
    kind,
    key,
    features,
    label,
    lookback: intFlag(args.lookback ?? (kind === 'mlp' ? 24 : kind === 'gbt' ? 4 : DEFAULT_TRAIN.lookback), '--lookback', 1, 1000),
    units: intFlag(args.units, '--units', 1, 512),
    epochs: intFlag(args.epochs ?? (kind === 'gbt' ? 100 : DEFAULT_TRAIN.epochs), '--epochs', 1, 5000),
    batchSize: intFlag(args.batchSize, '--batch-size', 1, 65536),
    seed: intFlag(args.seed, '--seed', 0, 2 ** 31 - 1),
    validFraction: Number(args.valid),
    embargo: intFlag(args.embargo ?? label.horizon, '--embargo', 0, 10000),
    patience: intFlag(args.patience, '--patience', 1, 1000),
  };
  if (!(settings.validFraction >= 0.05 && settings.validFraction <= 0.5)) throw new UserError(`must be between 0.05 and 0.5, got ${args.valid}`, '--valid');
  const candles = await loadCandles(ctx, key, from, to, '--from');
  const external = externalSeries(ctx, features);
  const dirs = registryDirs(ctx.dataDir);
  cleanTemporary(dirs.data);
  const id = args.id !== undefined ? checkModelId(String(args.id), '--id') : newModelId(dirs, kind, key);
  if (args.id !== undefined && listModels(dirs).some((e) => e.id === id)) throw new UserError(`a model "${id}" exists already; pick another id or delete it first`, '--id');
  const { trainInWorker, TrainingCancelledError } = await import('../ml/worker.js');
  const tty = !ctx.json && process.stderr.isTTY;
  if (!ctx.json) {
    process.stderr.write(`Training ${kind} on ${key.exchange} ${key.symbol} ${key.timeframe}: ${candles.length} candles ${iso(candles.time[0]!)} → ${iso(candles.time[candles.length - 1]!)}\n`);
    if (!features.some(isExternalFeature)) process.stderr.write('No external series in --features: price features only.\n');
  }
  const handle = trainInWorker(settings, candles, external, { root: dirs.data, id }, {
    onStart: (s) => {
      if (!ctx.json) process.stderr.write(`Backend ${s.backend}; ${s.trainRows} training rows, ${s.validRows} validation rows (window ${settings.lookback} × ${features.length}); Ctrl-C stops and keeps nothing\n`);
    },
    onEpoch: (p) => {
      if (ctx.json) return;
      const line = progressLine(p);
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
  });
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) return;
    interrupted = true;
    if (!ctx.json) process.stderr.write('\nStopping after the current batch…\n');
    handle.cancel();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const r = await handle.done;
    if (tty) process.stderr.write('\n');
    const entry: ModelEntry = { id: r.meta.id, dir: r.dir, source: 'data', meta: r.meta };
    output(ctx, { id: r.meta.id, meta: entryJson(entry) }, () => `Saved model ${r.meta.id}\n\n${metaText(entry)}`);
  } catch (err) {
    if (err instanceof TrainingCancelledError) {
      process.stderr.write('tradetui: training cancelled; nothing was saved\n');
      process.exitCode = 130;
      return;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await handle.terminate();
  }
}

// ---------------------------------------------------------------------------------------------------------
// evaluate

async function evaluateHandler(ctx: CliContext, args: EvaluateArgs): Promise<void> {
  const dirs = registryDirs(ctx.dataDir);
  const entry = findModel(dirs, args.id);
  const m = entry.meta;
  const from = args.from !== undefined ? parseDate(args.from, '--from') : undefined;
  const to = args.to !== undefined ? parseDate(args.to, '--to') : undefined;
  // Read enough history before --from for the windows and the features' warm-up.
  const { featureWarmup } = await import('../ml/features.js');
  const warm = (featureWarmup(m.featureSpec.features) + m.featureSpec.lookback + 10) * timeframeMs(m.market.timeframe);
  const key: MarketKey = { ...m.market };
  const all = await loadCandles(ctx, key, from === undefined ? undefined : from - warm, to, '--from');
  const { evaluateModel } = await import('../ml/evaluate.js');
  const start = from === undefined ? Date.parse(m.valid.from) : from;
  const external = externalSeries(ctx, m.featureSpec.features);
  const r = await evaluateModel(entry, all, external, start, ctx.dataDir);
  output(ctx, { id: m.id, inSample: r.inSample, evaluation: r.evaluation }, () =>
    [
      `${m.id} on ${m.market.exchange} ${m.market.symbol} ${m.market.timeframe}: ${r.evaluation.rows} candles ${r.evaluation.from} → ${r.evaluation.to}`,
      r.inSample ? bold(`IN-SAMPLE: these candles overlap the model's training span (${m.train.from} → ${m.train.to}); the figures overstate it.`) : 'Out of sample: after the training span.',
      '',
      evaluationTable(r.evaluation),
    ].join('\n'),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Commands

const trainCommand: CommandModule<GlobalArgs, TrainArgs> = {
  command: 'train',
  describe: 'train a model on cached candles (worker thread, early stopping; Ctrl-C keeps nothing)',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('model', { type: 'string', demandOption: true, choices: MODEL_KIND_LIST, describe: 'model kind' })
      .option('symbol', { type: 'string', describe: 'market, e.g. BTC/USDT (not for ensembles: their members say it)' })
      .option('timeframe', { type: 'string', choices: TIMEFRAME_LIST, describe: 'candle timeframe (not for ensembles)' })
      .option('exchange', { type: 'string', describe: 'exchange of the cached candles (default: exchange.name in the config)' })
      .option('from', { type: 'string', describe: 'first candle (ISO date or epoch ms)' })
      .option('to', { type: 'string', describe: 'end of the span (exclusive)' })
      .option('features', { type: 'string', describe: `comma-separated features (default ${DEFAULT_FEATURES.join(',')}); ext:NAME adds an imported series` })
      .option('label', { type: 'string', describe: 'direction:h=4,k=0.25 | triple-barrier:h=24,k=1.5 | return:h=4 (forecasters)' })
      .option('epochs', { type: 'number', describe: `maximum epochs, early stopping on validation loss (default ${DEFAULT_TRAIN.epochs}); gbt: boosting rounds (default 100)` })
      .option('members', { type: 'string', describe: 'ensemble only: classifier ids to combine, e.g. mlp-…,gbt-…' })
      .option('seed', { type: 'number', default: DEFAULT_TRAIN.seed, describe: 'seed of the initial weights' })
      .option('lookback', { type: 'number', describe: 'window length in candles (default 120; mlp 24)' })
      .option('units', { type: 'number', default: DEFAULT_TRAIN.units, describe: 'hidden units' })
      .option('batch-size', { type: 'number', default: DEFAULT_TRAIN.batchSize, describe: 'batch size' })
      .option('valid', { type: 'number', default: DEFAULT_TRAIN.validFraction, describe: 'fraction of rows (the latest) for validation' })
      .option('embargo', { type: 'number', describe: 'candles dropped between training and validation beyond the label horizon (default: the horizon)' })
      .option('patience', { type: 'number', default: DEFAULT_TRAIN.patience, describe: 'epochs without a better validation loss before stopping' })
      .option('id', { type: 'string', describe: 'model id (default: KIND-SYMBOL-TIMEFRAME-DATE-TIME)' })
      .example('$0 ml train --model lstm --symbol BTC/USDT --timeframe 1h --from 2024-01-01 --epochs 10', 'an LSTM classifier on 2024 onward')
      .example('$0 ml train --model gbt --symbol BTC/USDT --timeframe 1h --from 2022-01-01 --to 2024-01-01', 'gradient-boosted trees (XGBoost)')
      .example('$0 ml train --model ensemble --members mlp-btcusdt-1h-shipped,gbt-btcusdt-1h-shipped', 'an ensemble, weights learned on the members\' validation candles')
      .example('$0 ml train --model gru-forecast --symbol BTC/USDT --timeframe 1h --label return:h=4 --features ret1,ret4,vol24,volz,ext:fear_greed', 'a forecaster with sentiment') as unknown as Argv<TrainArgs>,
  handler: withContext<TrainArgs>(trainHandler),
};

const listCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'list the trained and shipped models',
  handler: withContext<GlobalArgs>(async (ctx) => {
    const all = listModels(registryDirs(ctx.dataDir));
    output(ctx, { models: all.map(entryJson) }, () => {
      if (all.length === 0) return 'No models yet. Train one: tradetui ml train --model lstm --symbol BTC/USDT --timeframe 1h';
      const head = ['id', 'kind', 'market', 'trained on', 'validation', 'source'];
      const rows = all.map((e) => {
        const v = e.meta.validation.model;
        const fig = 'accuracy' in v ? `bal.acc ${f3(v.balancedAccuracy)} MCC ${f3(v.mcc)}` : `MAE ${f5(v.mae)} dir ${f3(v.directionalAccuracy)}`;
        return [e.id, e.meta.kind, `${e.meta.market.symbol} ${e.meta.market.timeframe}`, `${e.meta.train.from.slice(0, 10)}..${e.meta.train.to.slice(0, 10)}`, fig, e.source === 'project' ? 'shipped' : 'trained'];
      });
      const table = [head, ...rows];
      const w = head.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
      return table.map((r) => r.map((cell, c) => cell.padEnd(w[c]!)).join('  ').trimEnd()).join('\n');
    });
  }),
};

const idPositional = (y: Argv<GlobalArgs>): Argv<IdArgs> => y.positional('id', { type: 'string', demandOption: true, describe: 'model id (tradetui ml list)' }) as unknown as Argv<IdArgs>;

const showCommand: CommandModule<GlobalArgs, IdArgs> = {
  command: 'show <id>',
  describe: "show a model's metadata and validation figures beside the baselines",
  builder: idPositional,
  handler: withContext<IdArgs>(async (ctx, args) => {
    const e = findModel(registryDirs(ctx.dataDir), String(args.id));
    output(ctx, entryJson(e), () => metaText(e));
  }),
};

const evaluateCommand: CommandModule<GlobalArgs, EvaluateArgs> = {
  command: 'evaluate <id>',
  describe: 'evaluate a model on cached candles beside the baselines (default: from its validation start)',
  builder: (y) =>
    idPositional(y as Argv<GlobalArgs>)
      .option('from', { type: 'string', describe: 'first candle evaluated (default: the start of its validation span)' })
      .option('to', { type: 'string', describe: 'end of the span (exclusive)' }) as unknown as Argv<EvaluateArgs>,
  handler: withContext<EvaluateArgs>(evaluateHandler),
};

const deleteCommand: CommandModule<GlobalArgs, IdArgs> = {
  command: 'delete <id>',
  describe: 'delete a trained model (shipped models stay)',
  builder: idPositional,
  handler: withContext<IdArgs>(async (ctx, args) => {
    const e = deleteModel(registryDirs(ctx.dataDir), String(args.id));
    output(ctx, { deleted: e.id, dir: e.dir }, () => `Deleted model ${e.id} (${e.dir})`);
  }),
};

export const mlCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'ml <command>',
  describe: 'machine-learning models: train, list, show, evaluate, delete',
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subcommand has its own argument type
  builder: (y) => (y as Argv<GlobalArgs>).command([trainCommand, listCommand, showCommand, evaluateCommand, deleteCommand] as CommandModule<GlobalArgs, any>[]).demandCommand(1),
  handler: () => undefined,
};

