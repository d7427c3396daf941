// Bundles the compiled CLI (dist/bin/tradetui.js) into one ESM file, dist/tradetui.mjs: loading hundreds
// of small ES modules (Ink, React, yargs, zod, ours) cost ~0.5 s of a ~1 s start; one file starts the TUI
// in about half the time (`npm run bench`: TUI start to first frame).
// Native, huge or lazily loaded packages stay external and load from node_modules as usual (tinypool too: it
// starts workers from its own files).
import { createRequire } from 'node:module';
import { build } from 'esbuild';

// The optimisation pool's worker is a second entry: worker threads load a file, so it must exist beside the CLI.
const entries = [
  ['dist/bin/tradetui.js', 'dist/tradetui.mjs'],
  ['dist/src/optimize/worker.js', 'dist/optimize-worker.mjs'],
];
for (const [entry, outfile] of entries) await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // TensorFlow.js loads lazily (only for ML models) from node_modules, with its .wasm files beside it.
  external: ['better-sqlite3', 'ccxt', 'node-pty', 'tsx', 'node-telegram-bot-api', 'pino', 'tinypool', '@tensorflow/*'],
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
      // Ink imports React DevTools only for its dev mode, which tradetui never enables.
      name: 'no-react-devtools',
      setup(b) {
        b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'empty' }));
        b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};', loader: 'js' }));
      },
    },
  ],
});
