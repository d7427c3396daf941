// `tradetui strategies`: lists every strategy (built-in and the trader's own from config strategiesDir) with its
// description, timeframe and parameters (type, default, range or choices) — what --param accepts.
import type { CommandModule } from 'yargs';
import type { ParamSpec, Strategy } from '../strategy/contract.js';
import { describeRange } from '../strategy/params.js';
import { isBuiltin } from '../strategy/registry.js';
import { loadStrategies, resolveStrategiesDir, strategyFile } from '../adapters/strategy-files.js';
import { createContext, output, type CliContext, type GlobalArgs } from './context.js';

/** Built-ins plus the strategies in the configured strategiesDir (resolved like every command does). */
export function loadStrategiesFor(ctx: CliContext): Promise<Strategy[]> {
  const dir = ctx.config.strategiesDir;
  return loadStrategies({ strategiesDir: dir ? resolveStrategiesDir(dir, ctx.source) : null });
}

interface ParamJson {
  name: string;
  type: ParamSpec['type'];
  default: number | string | boolean;
  min: number | null;
  max: number | null;
  values: string[] | null;
  description: string;
}

export function strategyJson(s: Strategy): {
  name: string;
  description: string;
  timeframe: string;
  builtin: boolean;
  file: string | null;
  params: ParamJson[];
} {
  return {
    name: s.name,
    description: s.description,
    timeframe: s.timeframe,
    builtin: isBuiltin(s),
    file: strategyFile(s) ?? null,
    params: s.params.map((p) => ({
      name: p.name,
      type: p.type,
      default: p.default,
      min: p.type === 'int' || p.type === 'float' ? p.min : null,
      max: p.type === 'int' || p.type === 'float' ? p.max : null,
      values: p.type === 'enum' ? [...p.values] : p.type === 'bool' ? ['true', 'false'] : null,
      description: p.description,
    })),
  };
}

function human(list: readonly Strategy[]): string {
  const blocks = list.map((s) => {
    const origin = isBuiltin(s) ? 'built-in' : (strategyFile(s) ?? 'user');
    const head = `${s.name}  (${s.timeframe}, ${origin})\n  ${s.description}`;
    if (s.params.length === 0) return `${head}\n  (no parameters)`;
    const rows = s.params.map((p) => [p.name, p.type, String(p.default), describeRange(p), p.description]);
    const width = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
    const lines = rows.map((r) => `  ${r.slice(0, 4).map((cell, c) => cell.padEnd(width[c]!)).join('  ')}  ${r[4]}`);
    return `${head}\n${lines.join('\n')}`;
  });
  return `${blocks.join('\n\n')}\n\nSet parameters with --param key=value, e.g. tradetui backtest --strategy ma-cross --param fast=5 --param slow=20`;
}

export const strategiesCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'strategies',
  describe: 'List strategies with their parameters (type, default, range)',
  builder: (y) =>
    y
      .example('$0 strategies', 'every built-in strategy and those in config strategiesDir, with parameters')
      .example('$0 strategies --json', 'the same as one JSON document: { "strategies": [ { "name", "params": [...] } ] }') as never,
  handler: async (args) => {
    const ctx = createContext(args);
    const list = await loadStrategiesFor(ctx);
    output(ctx, { strategies: list.map(strategyJson) }, () => human(list));
  },
};
