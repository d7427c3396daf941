// Where the TUI's first start spends its time, for the bench: with TRADETUI_START_TRACE=FILE the viewer and the
// engine process each append one JSON line per step ({ who, step, pid, at, cpu }: `at` in epoch milliseconds with
// fractions, `cpu` the process's CPU milliseconds so far, which a busy machine inflates far less), so one run shows
// when the engine was spawned, when it listened, and when the first frame was drawn.
import { appendFileSync } from 'node:fs';

export type StartStep =
  | 'viewer: engine spawned'
  | 'viewer: config loaded'
  | 'viewer: TUI modules loaded'
  | 'viewer: connected'
  | 'viewer: first frame'
  | 'engine: modules loaded'
  | 'engine: app created'
  | 'engine: listening';

const file = process.env.TRADETUI_START_TRACE;
let first = true;

/** Appends a step (and, once per process, when the process itself started); nothing when the variable is unset. */
export function startMark(step: StartStep): void {
  if (!file) return;
  const who = step.slice(0, step.indexOf(':'));
  const lines = [];
  if (first) lines.push({ who, step: `${who}: process started`, pid: process.pid, at: performance.timeOrigin, cpu: 0 });
  first = false;
  const { user, system } = process.cpuUsage();
  lines.push({ who, step, pid: process.pid, at: performance.timeOrigin + performance.now(), cpu: (user + system) / 1000 });
  try {
    appendFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  } catch {
    // a diagnostic only: never a reason to fail the start
  }
}
