// Bundles the compiled CLI (dist/bin/tradetui.js) into one ESM file, dist/tradetui.mjs: loading hundreds
// of small ES modules (Ink, React, yargs, zod, ours) cost ~0.5 s of a ~1 s start; one file starts the TUI
// in about half the time (`npm run bench`: TUI start to first frame).
// Native, huge or lazily loaded packages stay external and load from node_modules as usual (tinypool too: it
// starts workers from its own files). pino is bundled: its ~30 CommonJS files cost the engine's start ~50 ms
// more from node_modules, and tradetui logs through its own synchronous destination, never a pino transport
// (whose worker files would have to sit beside the bundle).
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

// The CLI is split at its dynamic imports: a command loads only its own code (the background engine never
// parses Ink and React, `tradetui data list` never parses the engine), and the first frame of the TUI
// waits for the viewer's and the engine's starts side by side rather than for two whole bundles. Chunks sit
// beside dist/tradetui.mjs, so modules that find files next to themselves (the optimisation worker) still do.
// The optimisation pool's worker is a second entry: worker threads load a file, so it must exist beside the CLI.
for (const f of readdirSync('dist')) if (/^tradetui-chunk-.*\.mjs(\.map)?$/.test(f)) rmSync(join('dist', f));
await build({
  entryPoints: { tradetui: 'dist/bin/tradetui.js', 'optimize-worker': 'dist/src/optimize/worker.js' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'tradetui-chunk-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // bin/tradetui.mjs sets NODE_ENV=production before React loads: React's and its reconciler's development builds
  // (~0.7 MB) would only be parsed at every TUI start, never run.
  // (bin's own `NODE_ENV ??= 'production'` is left as written, for the sources under tsx and for the externals.)
  define: { 'process.env.NODE_ENV': '"production"' },
  logOverride: { 'assign-to-define': 'silent' },
  // TensorFlow.js loads lazily (only for ML models) from node_modules, with its .wasm files beside it.
  external: ['better-sqlite3', 'ccxt', 'node-pty', 'tsx', 'node-telegram-bot-api', 'tinypool', '@tensorflow/*', 'ml-xgboost'],
  // Bundled CommonJS dependencies call require(); give them one.
  banner: { js: "import { createRequire as __tradetuiRequire } from 'node:module'; const require = __tradetuiRequire(import.meta.url);" },
  plugins: [
    {
      // yargs' ES module build loads cliui's ES build, whose "minimal" wrap cuts every line at the width mid-word
      // (--help at 80 columns printed "pres/ent"); cliui's CommonJS build wraps between words with wrap-ansi.
      name: 'cliui-word-wrap',
      setup(b) {
        b.onResolve({ filter: /^cliui$/ }, (a) => ({ path: createRequire(a.importer).resolve('cliui') }));
      },
    },
    {
      // zod's error messages in ~50 languages (~0.3 MB) would be parsed at every start; tradetui speaks English.
      name: 'zod-english-only',
      setup(b) {
        b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) => (/[\\/]zod[\\/]/.test(a.importer) ? { path: 'zod-locales', namespace: 'zod-en' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'zod-en' }, () => ({ contents: "export { default as en } from 'zod/v4/locales/en.js';", loader: 'js', resolveDir: process.cwd() }));
      },
    },
    {
      // Ink imports React DevTools only for its dev mode, which tradetui never enables.
      name: 'no-react-devtools',
      setup(b) {
        b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'empty' }));
        b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};', loader: 'js' }));
      },
    },
  ],
});
