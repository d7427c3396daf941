// The model registry: one folder per model, `<id>/` holding model.json, weights.bin and meta.json. Models the
// trader trains live in the data directory's models/; shipped ones in the project's models/. Both are listed
// together (a trader's model shadows a shipped one of the same id). Writing goes through a temporary folder
// renamed into place, so an interrupted training or save leaves nothing half-written.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MarketKey } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import type { FeatureSpec } from './features.js';
import type { LabelSpec } from './labels.js';
import type { ModelKind } from './models.js';
import type { Scaler } from './dataset.js';
import { MODEL_FILE, WEIGHTS_FILE } from './io.js';
import { TREE_FILE } from './tree.js';

export const META_FILE = 'meta.json';

export interface Span {
  from: string;
  to: string;
  rows: number;
}

export interface ClassifierMetrics {
  accuracy: number;
  balancedAccuracy: number;
  f1: number;
  mcc: number;
}

export interface ForecastMetrics {
  mae: number;
  directionalAccuracy: number;
}

export type Metrics = ClassifierMetrics | ForecastMetrics;

/** Out-of-sample figures of the model beside its baselines, on the same candles. */
export interface Evaluation {
  rows: number;
  from: string;
  to: string;
  model: Metrics;
  baselines: Record<string, Metrics>;
}

export interface ModelMeta {
  id: string;
  createdAt: string;
  kind: ModelKind;
  task: 'classify' | 'forecast';
  market: MarketKey;
  featureSpec: FeatureSpec;
  label: LabelSpec;
  /** Forecasters learn the return divided by this (the training rows' return std); predictions multiply back. */
  targetScale: number;
  units: number;
  epochs: { max: number; run: number; best: number };
  train: Span;
  valid: Span;
  purge: number;
  embargo: number;
  scaler: Scaler;
  seed: number;
  /** sha256 of the training candles and settings. */
  dataHash: string;
  tfjsVersion: string;
  backend: string;
  trainSeconds: number;
  validation: Evaluation;
  /** Notes shown with the model (e.g. "no external series: price features only"). */
  notes: string[];
  /** Ensembles only: the member models and their weights (learned on validation candles, summing to 1). */
  ensemble?: { members: { id: string; weight: number }[] };
}

export type ModelSource = 'data' | 'project';

export interface ModelEntry {
  id: string;
  dir: string;
  source: ModelSource;
  meta: ModelMeta;
}

/** The project's models/ folder (shipped models), found by walking up to package.json. */
export function projectModelsDir(): string {
  let dir = import.meta.dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return join(dir, 'models');
    const up = dirname(dir);
    if (up === dir) return join(import.meta.dirname, 'models');
    dir = up;
  }
}

export function dataModelsDir(dataDir: string): string {
  return join(dataDir, 'models');
}

export interface RegistryDirs {
  data: string;
  project: string;
}

export function registryDirs(dataDir: string): RegistryDirs {
  return { data: dataModelsDir(dataDir), project: projectModelsDir() };
}

const ID = /^[a-z0-9][a-z0-9._-]*$/;

export function checkModelId(id: string, where = 'ID'): string {
  if (!ID.test(id)) throw new UserError(`"${id}" is not a model id (letters, digits, . _ -; see "tradetui ml list")`, where);
  return id;
}

function readMeta(dir: string): ModelMeta {
  const file = join(dir, META_FILE);
  let meta: ModelMeta;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as ModelMeta;
  } catch (err) {
    throw new UserError(`cannot read model metadata: ${(err as Error).message}`, file);
  }
  if (!meta || typeof meta !== 'object' || typeof meta.kind !== 'string' || !meta.featureSpec || !meta.scaler) {
    throw new UserError('model metadata lacks kind, featureSpec or scaler', file);
  }
  return meta;
}

function entriesIn(root: string, source: ModelSource): ModelEntry[] {
  if (!existsSync(root)) return [];
  const out: ModelEntry[] = [];
  for (const name of readdirSync(root).sort()) {
    if (name.startsWith('.') || !ID.test(name)) continue;
    const dir = join(root, name);
    if (!statSync(dir).isDirectory() || !existsSync(join(dir, META_FILE))) continue;
    out.push({ id: name, dir, source, meta: readMeta(dir) });
  }
  return out;
}

/** Every model, the trader's first; a trader's model hides a shipped one of the same id. */
export function listModels(dirs: RegistryDirs): ModelEntry[] {
  const mine = entriesIn(dirs.data, 'data');
  const shipped = entriesIn(dirs.project, 'project').filter((e) => !mine.some((m) => m.id === e.id));
  return [...mine, ...shipped];
}

export function findModel(dirs: RegistryDirs, id: string, where = 'ID'): ModelEntry {
  checkModelId(id, where);
  const all = listModels(dirs);
  const hit = all.find((e) => e.id === id);
  if (!hit) {
    throw new UserError(`no model "${id}"${all.length > 0 ? `; models: ${all.map((e) => e.id).join(', ')}` : '; train one with "tradetui ml train --model lstm --symbol BTC/USDT --timeframe 1h"'}`, where);
  }
  for (const f of modelFiles(hit.meta.kind)) if (!existsSync(join(hit.dir, f))) throw new UserError(`model ${id} is incomplete: ${f} missing`, hit.dir);
  return hit;
}

/** The files beside meta.json a model of `kind` needs: a network's topology and weights, the trees, or none. */
export function modelFiles(kind: string): string[] {
  if (kind === 'gbt') return [TREE_FILE];
  if (kind === 'ensemble') return [];
  return [MODEL_FILE, WEIGHTS_FILE];
}

/** A fresh id: KIND-SYMBOL-TIMEFRAME-YYYYMMDD-HHMMSS, with a suffix if taken. */
export function newModelId(dirs: RegistryDirs, kind: string, key: MarketKey, now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const base = `${kind}-${key.symbol.replace('/', '').toLowerCase()}-${key.timeframe}-${stamp}`;
  const taken = new Set(listModels(dirs).map((e) => e.id));
  let id = base;
  for (let k = 2; taken.has(id) || existsSync(join(dirs.data, id)); k++) id = `${base}-${k}`;
  return id;
}

/**
 * Writes a model into `root/<id>/` atomically: `write(tmp)` fills a temporary folder (model.json and weights
 * through the IO handler), meta.json is added, then the folder is renamed into place.
 */
export async function saveModelFolder(root: string, meta: ModelMeta, write: (tmpDir: string) => Promise<void>): Promise<string> {
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.tmp-${meta.id}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    await write(tmp);
    writeFileSync(join(tmp, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    const dest = join(root, meta.id);
    if (existsSync(dest)) throw new Error(`model folder ${dest} already exists`);
    renameSync(tmp, dest);
    return dest;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Removes leftovers of interrupted saves (temporary folders). */
export function cleanTemporary(root: string): void {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) if (name.startsWith('.tmp-')) rmSync(join(root, name), { recursive: true, force: true });
}

/** Deletes a trader's model; shipped models cannot be deleted. */
export function deleteModel(dirs: RegistryDirs, id: string): ModelEntry {
  const e = findModelMetaOnly(dirs, id);
  if (e.source === 'project') throw new UserError(`model ${id} ships with tradetui and cannot be deleted`, 'ID');
  rmSync(e.dir, { recursive: true, force: true });
  return e;
}

function findModelMetaOnly(dirs: RegistryDirs, id: string): ModelEntry {
  checkModelId(id);
  const hit = listModels(dirs).find((e) => e.id === id);
  if (!hit) throw new UserError(`no model "${id}"; "tradetui ml list" shows the models`, 'ID');
  return hit;
}
