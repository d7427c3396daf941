// ML figures for `npm run bench` (--only=ml): LSTM(32) training on 2,000 windows × 30 × 5 for 2 epochs on
// the wasm and cpu backends (and their ratio), retraining the shipped classifier with its own settings,
// per-candle inference in paper mode for each ML built-in (goal < 20 ms), and a one-year walk-forward
// backtest of ml-classifier on 1h candles with monthly retraining, run end to end as the CLI command.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { emptySeries, seriesPrefix, type CandleSeries } from '../src/core/candle.js';
import { mulberry32 } from '../src/core/random.js';
import { shippedDataDir } from '../src/data/seed.js';
import { buildModel } from '../src/ml/models.js';
import { listModels, projectModelsDir } from '../src/ml/registry.js';
import { trainModel } from '../src/ml/train.js';
import { loadTf } from '../src/ml/tf.js';
import { useBackend } from '../src/ml/tf.js';
import { prepareStrategy, type Params, type Strategy } from '../src/strategy/contract.js';
import { ta } from '../src/strategy/indicators.js';
import { resolveParams } from '../src/strategy/params.js';
import { builtinStrategies } from '../src/strategy/registry.js';

const ROOT = resolve(import.meta.dirname, '../..');

function shippedHourly(): CandleSeries {
  const text = gunzipSync(readFileSync(join(shippedDataDir(), 'binance_BTCUSDT_1h.csv.gz'))).toString('utf8');
  const lines = text.trim().split('\n');
  const s = emptySeries(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split(',').map(Number);
    s.time[i - 1] = f[0]!;
    s.open[i - 1] = f[1]!;
    s.high[i - 1] = f[2]!;
    s.low[i - 1] = f[3]!;
    s.close[i - 1] = f[4]!;
    s.volume[i - 1] = f[5]!;
  }
  s.length = lines.length - 1;
  return s;
}

function slice(s: CandleSeries, from: number, to: number): CandleSeries {
  const a = s.time.findIndex((t) => t >= from);
  let b = s.time.findIndex((t) => t >= to);
  if (b < 0) b = s.length;
  return { length: b - a, time: s.time.subarray(a, b), open: s.open.subarray(a, b), high: s.high.subarray(a, b), low: s.low.subarray(a, b), close: s.close.subarray(a, b), volume: s.volume.subarray(a, b) };
}

/** Seconds to fit LSTM(32) on 2,000 × 30 × 5 seeded random windows for 2 epochs on `backend`. */
async function lstmFit(backend: 'wasm' | 'cpu'): Promise<number> {
  const tf = await loadTf();
  if (backend === 'wasm') await useBackend('any');
  else await tf.setBackend('cpu');
  if (tf.getBackend() !== backend) throw new Error(`backend ${backend} not available (got ${tf.getBackend()})`);
  const rng = mulberry32(1);
  const x = tf.tensor3d(Float32Array.from({ length: 2000 * 30 * 5 }, () => rng() - 0.5), [2000, 30, 5]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 2000 }, () => Math.floor(rng() * 3)), 'int32'), 3).toFloat();
  const model = buildModel(tf, 'lstm', { lookback: 30, features: 5, units: 32, seed: 1 });
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 2, batchSize: 64, shuffle: false, verbose: 0 });
  const s = (performance.now() - t0) / 1000;
  model.dispose();
  x.dispose();
  y.dispose();
  return s;
}

export interface MlBench {
  lstmWasm: number;
  lstmCpu: number;
  shipped: { id: string; seconds: number; epochs: number; backend: string };
  inference: { strategy: string; model: string; msPerCandle: number }[];
  walkForward: { seconds: number; blocks: number; code: number; command: string };
}

export async function benchMl(opts: { walkForward?: boolean } = {}): Promise<MlBench> {
  const lstmWasm = await lstmFit('wasm');
  const lstmCpu = await lstmFit('cpu');

  // The shipped classifier, retrained with the settings in its meta.json on the same candles.
  const hourly = shippedHourly();
  const shippedEntry = listModels({ data: join(tmpdir(), 'tradetui-none'), project: projectModelsDir() }).find((e) => e.id === 'mlp-btcusdt-1h-shipped')!;
  const m = shippedEntry.meta;
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-ml-'));
  let shipped: MlBench['shipped'];
  try {
    const t0 = performance.now();
    const r = await trainModel(
      { kind: m.kind, key: m.market, features: m.featureSpec.features, label: m.label, lookback: m.featureSpec.lookback, units: m.units, epochs: m.epochs.max, batchSize: 64, seed: m.seed, validFraction: 0.2, embargo: m.embargo, patience: 3 },
      { candles: slice(hourly, Date.UTC(2022, 0, 1), Date.UTC(2024, 0, 1)), external: new Map() },
      { root: dir, id: 'retrained' },
    );
    shipped = { id: m.id, seconds: (performance.now() - t0) / 1000, epochs: r.meta.epochs.run, backend: r.meta.backend };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Paper mode: a buffer of 2,000 candles grows by one; the strategy updates its series (newest window only).
  const inference: MlBench['inference'] = [];
  const recent = slice(hourly, Date.UTC(2024, 5, 1), Date.UTC(2024, 9, 1));
  for (const base of builtinStrategies().filter((s) => s.prepare)) {
    const params = resolveParams(base, {}) as Params;
    const s = (await prepareStrategy(base as Strategy, params, { dataDir: join(tmpdir(), 'tradetui-none'), timeframe: '1h', externalSeries: () => null })) as Strategy;
    const start = 2000;
    const steps = 50;
    let series = s.compute(seriesPrefix(recent, start), params, ta);
    const t0 = performance.now();
    for (let n = start + 1; n <= start + steps; n++) series = s.update!(seriesPrefix(recent, n), params, ta, series, n - 1);
    inference.push({ strategy: base.name, model: String(params.model), msPerCandle: (performance.now() - t0) / steps });
  }

  // One year of 1h candles, a model retrained every 30 days on the 180 days before: the whole CLI command.
  let walkForward: MlBench['walkForward'] = { seconds: NaN, blocks: 0, code: -1, command: '' };
  if (opts.walkForward !== false) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tradetui-bench-wf-'));
    const args = ['backtest', '--strategy', 'ml-classifier', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2024-03-01', '--to', '2025-03-01', '--walk-forward', 'train=180d,test=30d'];
    try {
      // Seed the cache first so the figure is the backtest, not the first-run import.
      spawnSync(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), 'data', 'list'], { env: { ...process.env, TRADETUI_DATA_DIR: dataDir }, encoding: 'utf8' });
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [join(ROOT, 'dist/tradetui.mjs'), ...args], { env: { ...process.env, TRADETUI_DATA_DIR: dataDir, NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 64 << 20 });
      walkForward = { seconds: (performance.now() - t0) / 1000, blocks: (r.stderr.match(/walk-forward block/g) ?? []).length, code: r.status ?? -1, command: `tradetui ${args.join(' ')}` };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { lstmWasm, lstmCpu, shipped, inference, walkForward };
}
