// One engine per data directory, held by a lock the operating system releases when the engine process dies,
// however it dies (SIGKILL included), so a crash never leaves a stale lock to clean up by hand.
//
// Linux: the lock is a listening Unix socket in the abstract namespace (a name starting with NUL, no file),
// named after the user and the data directory's real path. bind() is atomic (EADDRINUSE when taken) and the
// kernel frees the name the moment the process's descriptors close. Node offers no flock() without a native
// addon, and lock files (proper-lockfile) survive a SIGKILL until someone judges them stale by age.
// Elsewhere (macOS): an O_EXCL lock file holding the pid; a lock whose pid is gone is stale and taken over.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface EngineLock {
  readonly kind: 'abstract-socket' | 'pid-file';
  release(): Promise<void>;
}

/** The abstract socket name for a data directory: per user, per real path (symlinks name one directory). */
export function lockName(dataDir: string): string {
  const real = fs.realpathSync(dataDir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return `\0tradetui-engine-${uid}-${createHash('sha256').update(real).digest('hex').slice(0, 32)}`;
}

/** Takes the data directory's engine lock, or returns null when another live process holds it. */
export async function acquireEngineLock(dataDir: string): Promise<EngineLock | null> {
  fs.mkdirSync(dataDir, { recursive: true });
  if (os.platform() === 'linux') return acquireAbstract(lockName(dataDir));
  return acquirePidFile(path.join(dataDir, 'engine.lock'));
}

/** Whether a live process holds the lock (an engine is starting or running), without taking it. */
export async function engineLockHeld(dataDir: string): Promise<boolean> {
  if (!fs.existsSync(dataDir)) return false;
  if (os.platform() !== 'linux') {
    try {
      const pid = Number(fs.readFileSync(path.join(dataDir, 'engine.lock'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 && alive(pid);
    } catch {
      return false;
    }
  }
  const name = lockName(dataDir);
  return new Promise((resolve) => {
    const c = net.createConnection(name);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

function acquireAbstract(name: string): Promise<EngineLock | null> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((c) => c.destroy());
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(null);
      else reject(err);
    });
    server.listen(name, () => {
      // The lock must never keep the process alive by itself.
      server.unref();
      resolve({
        kind: 'abstract-socket',
        release: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}

function acquirePidFile(file: string): EngineLock | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return {
        kind: 'pid-file',
        release: async () => {
          try {
            if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) return null;
      fs.rmSync(file, { force: true });
    }
  }
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
