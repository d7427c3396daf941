// Vitest global setup: the CLI tests run the built bundle (dist/tradetui.mjs) and new data directories copy
// the seeded template (dist/seed/tradetui.db), so a stale dist/ would test old code. `npm test` builds first;
// a plain `npx vitest run` rebuilds here when any source is newer than the build.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run-cli.js';

const SOURCES = ['src', 'strategies', 'bin', 'scripts', 'data', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
const OUTPUTS = ['dist/tradetui.mjs', 'dist/seed/tradetui.db'];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

export default function setup(): void {
  const outputs = OUTPUTS.map((f) => join(ROOT, f));
  const built = outputs.every(existsSync) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  const changed = Math.max(...SOURCES.map((s) => join(ROOT, s)).filter(existsSync).map(newestMtime));
  if (changed <= built) return;
  process.stderr.write('tests: dist/ is older than the sources; running npm run build first\n');
  execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
}
