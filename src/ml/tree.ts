// The tree model (`--model gbt`): gradient-boosted trees by XGBoost compiled to WebAssembly (the `ml-xgboost`
// package; no native build, works offline). Chosen over ml-random-forest after measuring both on the same
// rows (README "Tree model"): XGBoost trained in seconds where the pure-JS CART forest took minutes, at no
// worse accuracy. Input is the last `lookback` candles of the scaled features, flattened (trees see no
// sequence); output is P(down), P(flat), P(up) (multi:softprob). The booster is saved as its own binary
// (model.bin) beside meta.json. Row subsampling is seeded, so the same rows, settings and seed give the same
// trees byte for byte.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { windows } from './dataset.js';

export const TREE_FILE = 'model.bin';

export interface TreeParams {
  rounds: number;
  maxDepth: number;
  eta: number;
  subsample: number;
  minChildWeight: number;
}

export const DEFAULT_TREE: TreeParams = { rounds: 100, maxDepth: 4, eta: 0.1, subsample: 0.8, minChildWeight: 20 };

interface Booster {
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[][];
  toJSON(): { name: string; model: number[]; options: Record<string, unknown> };
  free(): void;
}
interface BoosterClass {
  new (options: Record<string, unknown>): Booster;
  load(model: { name: string; model: number[] | Uint8Array; options: Record<string, unknown> }): Booster;
}

let boosterClass: Promise<BoosterClass> | null = null;

/** Loads the XGBoost WebAssembly module once (it is imported only when a tree model is used). */
function loadBooster(): Promise<BoosterClass> {
  boosterClass ??= (async () => {
    // Its Emscripten glue adds a process-wide uncaughtException listener; ours stays the only error policy.
    const before = new Set(process.listeners('uncaughtException'));
    const require = createRequire(import.meta.url);
    // Without streaming compilation it reads its .wasm from disk at once (streaming would fetch() a file path,
    // fail, and print a warning before falling back to exactly that).
    const wasm = (globalThis as unknown as { WebAssembly: { instantiateStreaming?: unknown } }).WebAssembly;
    const streaming = wasm.instantiateStreaming;
    let ready: Promise<BoosterClass>;
    try {
      wasm.instantiateStreaming = undefined;
      ready = require('ml-xgboost') as Promise<BoosterClass>;
    } finally {
      wasm.instantiateStreaming = streaming;
    }
    const cls = await ready;
    for (const l of process.listeners('uncaughtException')) if (!before.has(l)) process.off('uncaughtException', l);
    return cls;
  })();
  return boosterClass;
}

/** Rows as flattened windows, the shape XGBoost takes. */
function rowsOf(matrix: Float32Array, featureCount: number, rows: readonly number[], lookback: number): number[][] {
  const w = windows(matrix, featureCount, rows, lookback);
  const size = featureCount * lookback;
  return rows.map((_, k) => Array.from(w.subarray(k * size, (k + 1) * size)));
}

export class TreeModel {
  private constructor(private readonly booster: Booster, private readonly options: Record<string, unknown>) {}

  static async train(matrix: Float32Array, featureCount: number, rows: readonly number[], labels: Float64Array, lookback: number, params: TreeParams, seed: number): Promise<TreeModel> {
    const Xgb = await loadBooster();
    const options = {
      booster: 'gbtree',
      objective: 'multi:softprob',
      num_class: 3,
      max_depth: params.maxDepth,
      eta: params.eta,
      subsample: params.subsample,
      colsample_bytree: 1,
      min_child_weight: params.minChildWeight,
      seed,
      silent: 1,
      nthread: 1,
      iterations: params.rounds,
    };
    const booster = new Xgb(options);
    booster.train(rowsOf(matrix, featureCount, rows, lookback), rows.map((i) => labels[i]!));
    return new TreeModel(booster, options);
  }

  static async load(dir: string): Promise<TreeModel> {
    const file = join(dir, TREE_FILE);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new UserError(`cannot read the tree model: ${(err as Error).message}`, file);
    }
    const Xgb = await loadBooster();
    let booster: Booster;
    try {
      booster = Xgb.load({ name: 'ml-xgboost', model: new Uint8Array(bytes), options: {} });
    } catch (err) {
      throw new UserError(`not an XGBoost model: ${(err as Error).message}`, file);
    }
    return new TreeModel(booster, {});
  }

  /** P(down), P(flat), P(up) per row: Float32Array [rows × 3]. */
  predict(matrix: Float32Array, featureCount: number, rows: readonly number[], lookback: number): Float32Array {
    const out = new Float32Array(rows.length * 3);
    if (rows.length === 0) return out;
    const p = this.booster.predict(rowsOf(matrix, featureCount, rows, lookback));
    p.forEach((v, k) => out.set(v, k * 3));
    return out;
  }

  save(dir: string): void {
    // toJSON gives the booster's binary as signed bytes.
    writeFileSync(join(dir, TREE_FILE), Buffer.from(Int8Array.from(this.booster.toJSON().model).buffer));
  }

  dispose(): void {
    this.booster.free();
  }

  get settings(): Record<string, unknown> {
    return this.options;
  }
}
