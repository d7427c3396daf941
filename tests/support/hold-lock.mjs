// Child process for the lock tests: takes the engine lock of argv[2], says "locked" (or "busy"), then waits to be
// killed. Plain node on the compiled module (dist/, kept fresh by the tests' global setup): no tsx start per child.
import { setInterval } from 'node:timers';
import { acquireEngineLock } from '../../dist/src/server/lock.js';

const lock = await acquireEngineLock(process.argv[2]);
process.stdout.write(lock ? 'locked\n' : 'busy\n');
if (lock) setInterval(() => undefined, 1000);
