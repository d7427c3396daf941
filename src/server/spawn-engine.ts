// Starting the background engine process of a data directory: kept apart from daemon.ts (which pulls in the
// socket protocol and its schemas) so the TUI's start can spawn the engine before loading anything else.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startMark } from './start-trace.js';

/** Where a background engine's stdout and stderr go (crashes before the logger is up land here). */
export function engineOutFile(dataDir: string): string {
  return path.join(dataDir, 'engine.out');
}

export interface SpawnedEngine {
  /** engine.out, and its size before this engine wrote to it (what it said is read from there on failure). */
  outFile: string;
  outFrom: number;
  /** The exit code once the process has ended (a signal counts as 1), else null. */
  exitCode(): number | null;
}

/**
 * Spawns `tradetui ENGINE_ARGS` detached from the terminal (it survives the viewer and a hang-up), its output
 * appended to engine.out. The same script and node options as this process: the bundle, or the sources under tsx.
 */
export function spawnEngine(dataDir: string, engineArgs: string[]): SpawnedEngine {
  fs.mkdirSync(dataDir, { recursive: true });
  const outFile = engineOutFile(dataDir);
  const outFrom = fs.existsSync(outFile) ? fs.statSync(outFile).size : 0;
  const out = fs.openSync(outFile, 'a', 0o600);
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...engineArgs], {
    detached: true,
    stdio: ['ignore', out, out],
    env: process.env,
  });
  fs.closeSync(out);
  let exit: number | null = null;
  child.once('exit', (code, signal) => (exit = code ?? (signal ? 1 : 0)));
  child.unref();
  startMark('viewer: engine spawned');
  return { outFile, outFrom, exitCode: () => exit };
}
