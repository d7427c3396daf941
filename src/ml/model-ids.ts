// Model ids as a strategy parameter, without loading TensorFlow.js: the `model` parameter of the ML
// strategies is an enum whose values are the models on disk right now (the trader's and the shipped ones) of
// the right task, so `--param model=ID`, config files and the TUI's add-instance wizard all offer and check
// real ids. The data directory is the default one until a command says otherwise (useModelsDataDir).
import { defaultDataDir } from '../config/paths.js';
import type { ParamSpec } from '../strategy/contract.js';
import { listModels, registryDirs, type ModelEntry } from './registry.js';

let dataDir: string | null = null;

/** The data directory whose models/ the ML strategies list (set by each command from its config). */
export function useModelsDataDir(dir: string): void {
  dataDir = dir;
}

export function modelsDataDir(): string {
  return dataDir ?? defaultDataDir();
}

/** Models of one task, or [] when a folder cannot be read (the error shows when the model is used). */
export function modelsOfTask(task: 'classify' | 'forecast' | 'ensemble'): ModelEntry[] {
  try {
    return listModels(registryDirs(modelsDataDir())).filter((e) => (task === 'ensemble' ? e.meta.kind === ('ensemble' as string) : e.meta.task === task && e.meta.kind !== ('ensemble' as string)));
  } catch {
    return [];
  }
}

/** The `model` parameter: an enum over the current models of `task`, defaulting to the shipped one. */
export function modelParam(task: 'classify' | 'forecast' | 'ensemble', shipped: string): ParamSpec {
  return {
    name: 'model',
    type: 'enum',
    default: shipped,
    get values(): readonly string[] {
      const ids = modelsOfTask(task).map((e) => e.id);
      return ids.includes(shipped) ? ids : [shipped, ...ids];
    },
    description: `model id (tradetui ml list); default: the shipped ${shipped}`,
  };
}
