// ESLint: typescript-eslint's recommended rules, and the layering of src/ held by no-restricted-imports.
// Dependencies point one way (DESIGN.md): core ← engine, strategy ← adapters, backtest, data, alerts, ml,
// optimize, live ← app, server ← cli, tui. The domain layers import no I/O library.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Import-path patterns of each folder of src/ (relative imports always climb with ../). */
const dir = (name) => [`**/${name}/*`, `**/${name}/**`];
/** Libraries that do I/O or draw: never in the pure layers. */
const IO_LIBRARIES = ['ink', 'react', 'ccxt', 'better-sqlite3', 'node-telegram-bot-api', 'yargs', 'pino', '@tensorflow/*', 'piscina', 'tinypool'];

const APP_AND_UP = ['app', 'server', 'cli', 'tui'];
const MIDDLE = ['adapters', 'backtest', 'data', 'alerts', 'ml', 'optimize', 'live', 'config', 'view', 'report'];

/** A no-restricted-imports rule forbidding imports of the given src/ folders and packages. */
function forbid(folders, packages = [], why) {
  return [
    'error',
    {
      patterns: [
        ...(folders.length ? [{ group: folders.flatMap(dir), message: why }] : []),
        ...(packages.length ? [{ group: packages, message: `${why} (no I/O or UI library here)` }] : []),
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // React's rules where React is used: elsewhere a function named use… (useBackend) is not a hook.
    files: ['src/tui/**', 'tests/unit/tui/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The TUI keeps the latest state in refs on purpose: keys that arrive in one chunk are handled against it,
      // not against the last render's; the size effect sets state once for fixed test sizes.
      'react-hooks/refs': 'off',
      'react-hooks/set-state-in-effect': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // Tests poke at JSON documents and fakes' payloads: `any` there is a test's shorthand, not an API.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/core/**'],
    rules: { 'no-restricted-imports': forbid(['engine', 'strategy', 'strategies', ...MIDDLE, ...APP_AND_UP], IO_LIBRARIES, 'core is the pure domain: it imports nothing of src/ but core') },
  },
  {
    files: ['src/strategy/**', 'strategies/**'],
    rules: { 'no-restricted-imports': forbid(['engine', ...MIDDLE, ...APP_AND_UP], IO_LIBRARIES, 'the strategy contract depends on core only') },
  },
  {
    // The ML built-ins are strategies over the ML layer (model loading and inference).
    files: ['strategies/ml-*.ts'],
    rules: { 'no-restricted-imports': forbid(['engine', 'adapters', 'backtest', 'data', 'alerts', 'optimize', 'live', 'config', 'view', ...APP_AND_UP], IO_LIBRARIES, 'an ML strategy depends on core, the strategy contract and ml only') },
  },
  {
    files: ['src/engine/**'],
    rules: { 'no-restricted-imports': forbid(['strategies', ...MIDDLE, ...APP_AND_UP], IO_LIBRARIES, 'the engine depends on core and the strategy contract only') },
  },
  {
    files: ['src/config/**'],
    rules: { 'no-restricted-imports': forbid(['adapters', 'backtest', 'data', 'alerts', 'ml', 'optimize', 'live', 'view', ...APP_AND_UP], [], 'config depends on core, engine and strategy only') },
  },
  {
    files: ['src/adapters/**', 'src/backtest/**', 'src/data/**', 'src/alerts/**', 'src/ml/**', 'src/optimize/**', 'src/live/**', 'src/view/**', 'src/report/**'],
    rules: { 'no-restricted-imports': forbid(APP_AND_UP, [], 'adapters and services are composed by app/, never the other way round') },
  },
  {
    files: ['src/adapters/store/memory/**'],
    rules: { 'no-restricted-imports': forbid(['sqlite', ...APP_AND_UP], [], 'the memory store implements the engine ports, not the SQLite adapter') },
  },
  {
    files: ['src/app/**', 'src/server/**'],
    rules: { 'no-restricted-imports': forbid(['cli', 'tui'], [], 'app/ composes the engine; views and the CLI sit above it') },
  },
  {
    files: ['src/tui/**'],
    rules: { 'no-restricted-imports': forbid(['adapters', 'cli'], ['ccxt', 'better-sqlite3', 'node-telegram-bot-api'], 'the TUI reads events and sends commands: no store, broker or exchange') },
  },
);
