// What the TUI costs over a slow link: bytes written per second and CPU % of the real `tradetui` binary in
// a 120x40 pseudo-terminal, replaying at one candle per second and then on an idle screen, plus the time
// from start to the first frame. Each scenario starts on a new data directory: that is the very first start a
// newcomer meets (the data dir is created from the seeded template).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pty from 'node-pty';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/tradetui.mjs');
const TICKS = 100; // clock ticks per second (getconf CLK_TCK on Linux)

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime + stime
}

export interface TuiFigures {
  scenario: string;
  seconds: number;
  bytesPerSecond: number;
  cpuPct: number;
  /** From spawning `tradetui` on a new data directory to its first frame. */
  firstFrameMs: number;
}

async function measure(scenario: string, args: string[], seconds: number, config?: string): Promise<TuiFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tradetui-bench-tui-'));
  const cfgDir = mkdtempSync(join(tmpdir(), 'tradetui-bench-cfg-'));
  const extra: string[] = [];
  if (config) {
    const file = join(cfgDir, 'config.yaml');
    writeFileSync(file, config);
    extra.push('--config', file);
  }
  try {
    const t0 = performance.now();
    const term = pty.spawn(process.execPath, [BIN, ...args, ...extra], {
      name: 'xterm-256color',
      cols: 120,
      rows: 40,
      cwd: ROOT,
      env: { ...process.env, TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: cfgDir, LANG: 'C.UTF-8' } as Record<string, string>,
    });
    let bytes = 0;
    let firstFrameMs = NaN;
    let text = '';
    term.onData((d) => {
      bytes += Buffer.byteLength(d);
      if (Number.isNaN(firstFrameMs)) {
        text += d;
        if (/PAPER/.test(text)) firstFrameMs = performance.now() - t0;
      }
    });
    // Let startup finish before measuring.
    const ready = Date.now() + 30_000;
    while (Number.isNaN(firstFrameMs) && Date.now() < ready) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 3000));
    const b0 = bytes;
    const c0 = cpuSeconds(term.pid);
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = (performance.now() - w0) / 1000;
    const out = { scenario, seconds: wall, bytesPerSecond: (bytes - b0) / wall, cpuPct: ((cpuSeconds(term.pid) - c0) / wall) * 100, firstFrameMs };
    term.write('q');
    await new Promise((r) => setTimeout(r, 300));
    term.kill();
    // the TUI's engine runs in the background (#11): stop it with the whole command a trader would use
    const stop = pty.spawn(process.execPath, [BIN, 'stop', '--yes'], { cols: 120, rows: 40, cwd: ROOT, env: { ...process.env, TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: cfgDir } as Record<string, string> });
    await new Promise<void>((r) => stop.onExit(() => r()));
    return out;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cfgDir, { recursive: true, force: true });
  }
}

export async function benchTui(seconds = 60): Promise<TuiFigures[]> {
  const replay = await measure('replay, 1 candle/s', ['--speed', '1'], seconds);
  // Idle: a replay that starts at the last cached candle has nothing left to show after one candle.
  const idle = await measure('idle screen', [], seconds, "paper:\n  replayFrom: '2026-03-31T23:00:00Z'\n");
  return [replay, idle];
}

export interface FirstFrameFigures {
  /** `tradetui --version` (node and the bundle, nothing else), best of the runs: the floor, for the ratio on a busy machine. */
  versionMs: number;
  /** Spawn to the first frame on the terminal, each run on a new data directory (the template copied). */
  firstStartMs: number[];
  /** Where each very first start spent its time (TRADETUI_START_TRACE), in the order of firstStartMs. */
  firstStartSteps: StartStepTime[][];
  /** The same, a second start on the same data directory (engine stopped in between). */
  againMs: number[];
}

/** One step of a start: ms after `tradetui` was spawned, and the CPU ms its process (viewer or engine) had used by then. */
export interface StartStepTime {
  step: string;
  ms: number;
  cpuMs: number;
}

/** Milliseconds from spawning `tradetui` (120x40) on `dataDir` to its first frame (the mode badge drawn), and its steps. */
async function timeFirstFrame(dataDir: string, cfgDir: string): Promise<{ ms: number; steps: StartStepTime[] }> {
  const trace = join(cfgDir, `start-trace-${Date.now()}.jsonl`);
  const env = { ...process.env, TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: cfgDir, LANG: 'C.UTF-8', TRADETUI_START_TRACE: trace } as Record<string, string>;
  const t0 = performance.now();
  const spawnedAt = performance.timeOrigin + t0;
  const term = pty.spawn(process.execPath, [BIN], { name: 'xterm-256color', cols: 120, rows: 40, cwd: ROOT, env });
  let text = '';
  const ms = await new Promise<number>((resolveMs, reject) => {
    const timer = setTimeout(() => reject(new Error(`no first frame within 30 s; the terminal shows: ${text.slice(-500)}`)), 30_000);
    term.onData((d) => {
      text += d;
      if (/PAPER/.test(text)) {
        clearTimeout(timer);
        resolveMs(performance.now() - t0);
      }
    });
  });
  term.write('q');
  await new Promise((r) => setTimeout(r, 300));
  term.kill();
  // The TUI's engine runs in the background: stop it as a trader would, so the next start is a real start.
  const stop = pty.spawn(process.execPath, [BIN, 'stop', '--yes'], { cols: 120, rows: 40, cwd: ROOT, env });
  await new Promise<void>((r) => stop.onExit(() => r()));
  const steps = readFileSync(trace, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { step: string; at: number; cpu: number })
    .map((l) => ({ step: l.step, ms: l.at - spawnedAt, cpuMs: l.cpu }))
    .sort((a, b) => a.ms - b.ms);
  return { ms, steps };
}

/** The very first start a newcomer meets (new data directory), `repeats` times, and a second start on it. */
export async function benchFirstFrame(repeats = 3): Promise<FirstFrameFigures> {
  const out: FirstFrameFigures = { versionMs: Infinity, firstStartMs: [], firstStartSteps: [], againMs: [] };
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [BIN, '--version'], { stdio: 'ignore' });
    out.versionMs = Math.min(out.versionMs, performance.now() - t0);
  }
  for (let i = 0; i < repeats; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tradetui-bench-first-'));
    const cfgDir = mkdtempSync(join(tmpdir(), 'tradetui-bench-cfg-'));
    try {
      const first = await timeFirstFrame(dataDir, cfgDir);
      out.firstStartMs.push(first.ms);
      out.firstStartSteps.push(first.steps);
      out.againMs.push((await timeFirstFrame(dataDir, cfgDir)).ms);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(cfgDir, { recursive: true, force: true });
    }
  }
  return out;
}
