// `tradetui backtest --risk key=value`: changes to the risk section for one run, e.g.
// `--risk sizing.mode=atr --risk protections.maxDrawdown.pct=15`. Values are parsed as numbers, booleans,
// null/off, or strings; the result is validated with the schema, and a mistake names the flag it came from.
import { UserError } from '../core/errors.js';
import { riskSchema, type RiskConfig } from '../engine/risk/schema.js';

export function parseRiskValue(raw: string): unknown {
  const s = raw.trim();
  if (s === 'true' || s === 'on') return true;
  if (s === 'false' || s === 'off') return false;
  if (s === 'null' || s === 'none') return null;
  if (s !== '' && Number.isFinite(Number(s))) return Number(s);
  return s;
}

/** Returns a new, validated risk section with each `key=value` applied in order. */
export function applyRiskOverrides(risk: RiskConfig, overrides: readonly string[]): RiskConfig {
  const out: Record<string, unknown> = structuredClone(risk);
  const origin = new Map<string, string>();
  for (const o of overrides) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o.trim() : o.slice(0, eq).trim();
    if (eq < 0 || key === '') throw new UserError(`expected key=value (e.g. sizing.mode=atr), got "${o}"`, `--risk ${key || o}`);
    const path = key.split('.');
    if (path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) {
      throw new UserError(`"${key}" is not a risk setting`, `--risk ${key}`);
    }
    let node: Record<string, unknown> = out;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!;
      const next = node[k];
      // A protection that is off (null) or a flag turned on: setting one of its keys turns it on.
      if (next === null || next === undefined || next === true) node[k] = {};
      else if (typeof next !== 'object' || Array.isArray(next)) {
        throw new UserError(`"${path.slice(0, i + 1).join('.')}" is a value, not a section`, `--risk ${key}`);
      }
      node = node[k] as Record<string, unknown>;
    }
    const value = parseRiskValue(o.slice(eq + 1));
    node[path[path.length - 1]!] = value;
    origin.set(key, o);
  }
  const r = riskSchema.safeParse(out);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.join('.');
  // Name the flag the user wrote that the problem is under (or the first one, for a cross-key rule).
  const flag = [...origin.keys()].find((k) => path === k || path.startsWith(`${k}.`) || k.startsWith(`${path}.`)) ?? path;
  const extra = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
  throw new UserError(`${path ? `${path}: ` : ''}${issue.message}${extra}`, `--risk ${flag}`);
}
