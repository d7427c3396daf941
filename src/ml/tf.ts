// Loads TensorFlow.js on demand (importing it costs ~115 ms, so nothing imports this module until an ML
// model is trained or used) and picks the backend:
// - `tensorflow` (native, @tensorflow/tfjs-node) when that optional dependency installed and loads;
// - else `wasm` (@tensorflow/tfjs-backend-wasm, its .wasm files read from the package's own dist folder, so it
//   works offline), several times faster than `cpu` for LSTM/GRU;
// - `cpu` (pure JS) for models whose training needs kernels wasm lacks (Conv1D gradients) or runs slower on
//   wasm (the attention layers of the transformer).
// TRADETUI_TF_BACKEND=cpu|wasm forces one (tests, benchmarks).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type Tf = typeof import('@tensorflow/tfjs');
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let tfPromise: Promise<Tf> | null = null;
let nativeLoaded: boolean | null = null;
let wasmReady: Promise<boolean> | null = null;

/** The tfjs module (native bindings registered when they load). */
export function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    // Production mode: no per-op debug checks, and no console banner suggesting tfjs-node.
    tf.enableProdMode();
    try {
      // Optional: registers the `tensorflow` backend on the same tfjs-core when its native library is present.
      await import('@tensorflow/tfjs-node' as string);
      nativeLoaded = tf.engine().registryFactory.tensorflow !== undefined;
    } catch {
      nativeLoaded = false;
    }
    return tf;
  })();
  return tfPromise;
}

async function ensureWasm(tf: Tf): Promise<boolean> {
  wasmReady ??= (async () => {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      // The package's main file sits in its dist/ folder, beside the .wasm binaries.
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      wasm.setWasmPaths(`${join(dist)}/`);
      return tf.engine().registryFactory.wasm !== undefined;
    } catch {
      return false;
    }
  })();
  return wasmReady;
}

/** Whether a model kind can train on the wasm backend (Conv1D has no wasm gradient kernel). */
export type BackendNeed = 'any' | 'cpu-or-native' | 'prefer-cpu';

/**
 * Sets and returns the backend for `need`: native when available, else wasm, else cpu; `cpu-or-native` skips
 * wasm (missing kernels), `prefer-cpu` uses cpu over wasm (faster there). TRADETUI_TF_BACKEND overrides.
 */
export async function useBackend(need: BackendNeed = 'any'): Promise<{ tf: Tf; backend: BackendName }> {
  const tf = await loadTf();
  const forced = process.env.TRADETUI_TF_BACKEND?.trim();
  let order: BackendName[];
  if (forced === 'cpu' || forced === 'wasm' || forced === 'tensorflow') order = [forced, 'cpu'];
  else if (need === 'any') order = ['tensorflow', 'wasm', 'cpu'];
  else order = ['tensorflow', 'cpu'];
  if (forced === 'wasm' && need === 'cpu-or-native') order = ['cpu'];
  for (const name of order) {
    if (name === 'tensorflow' && !nativeLoaded) continue;
    if (name === 'wasm' && !(await ensureWasm(tf))) continue;
    if (tf.getBackend() === name) return { tf, backend: name };
    if (await tf.setBackend(name)) {
      await tf.ready();
      return { tf, backend: name };
    }
  }
  throw new Error('no TensorFlow.js backend could be initialised (tried native, wasm and cpu)');
}

/** The installed @tensorflow/tfjs version, recorded with every model. */
export async function tfVersion(): Promise<string> {
  const tf = await loadTf();
  return tf.version.tfjs;
}
