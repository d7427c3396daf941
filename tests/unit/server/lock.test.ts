// One engine per data directory: the lock is exclusive, and the OS frees it when its holder dies, even by SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireEngineLock, engineLockHeld } from '../../../src/server/lock.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function holdInChild(dir: string): Promise<{ child: ChildProcess; said: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'tests/support/hold-lock.mjs'), dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve({ child, said: d.toString().trim() }));
    child.once('error', reject);
  });
}

describe('engine lock', () => {
  it('is exclusive within and across processes, and free again after release', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradetui-lock-'));
    const first = await acquireEngineLock(dir);
    expect(first).not.toBeNull();
    expect(await acquireEngineLock(dir)).toBeNull();
    expect(await engineLockHeld(dir)).toBe(true);
    expect((await holdInChild(dir)).said).toBe('busy');
    await first!.release();
    expect(await engineLockHeld(dir)).toBe(false);
    const again = await acquireEngineLock(dir);
    expect(again).not.toBeNull();
    await again!.release();
  });

  it('is released by the OS when its holder is SIGKILLed (no stale lock to clean up)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradetui-lock-'));
    const { child, said } = await holdInChild(dir);
    expect(said).toBe('locked');
    expect(await acquireEngineLock(dir)).toBeNull();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const mine = await acquireEngineLock(dir);
    expect(mine).not.toBeNull();
    await mine!.release();
  });

  it('names one directory by its real path: a symlink to it shares the lock', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradetui-lock-'));
    const link = `${dir}-link`;
    fs.symlinkSync(dir, link);
    const held = await acquireEngineLock(dir);
    expect(await acquireEngineLock(link)).toBeNull();
    await held!.release();
  });
});
