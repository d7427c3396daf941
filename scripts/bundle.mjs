// Bundles the compiled CLI (dist/bin/tradetui.js) into one ESM file, dist/tradetui.mjs: loading hundreds
// of small ES modules (Ink, React, yargs, zod, ours) cost ~0.5 s of a ~1 s start; one file starts the TUI
// in about half the time (`npm run bench`: TUI start to first frame).
// Native, huge or lazily loaded packages stay external and load from node_modules as usual.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/bin/tradetui.js'],
  outfile: 'dist/tradetui.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // TensorFlow.js loads lazily (only for ML models) from node_modules, with its .wasm files beside it.
  external: ['better-sqlite3', 'ccxt', 'node-pty', 'tsx', 'node-telegram-bot-api', 'pino', '@tensorflow/*'],
  // Bundled CommonJS dependencies call require(); give them one.
  banner: { js: "import { createRequire as __tradetuiRequire } from 'node:module'; const require = __tradetuiRequire(import.meta.url);" },
  plugins: [
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
