// An instance's risk overrides as one line a trader can read and type: dotted paths into the `risk:` section with
// their values, separated by spaces (`exits.takeProfitPct=50 sizing.riskPct=1 protections.cooldown=true`). The TUI's
// edit window shows and edits them in this form; the engine checks them (riskOverrideProblems) like the config.
export function riskText(override: Record<string, unknown> | undefined | null): string {
  const out: string[] = [];
  const walk = (v: unknown, path: string[]): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    } else if (path.length > 0) out.push(`${path.join('.')}=${v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  };
  walk(override ?? {}, []);
  return out.join(' ');
}

/** The override a line says (null for an empty line: no overrides), or the first thing wrong with it. */
export function parseRiskText(text: string): { ok: true; value: Record<string, unknown> | null } | { ok: false; error: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ok: true, value: null };
  const root: Record<string, unknown> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0 || eq === w.length - 1) return { ok: false, error: `"${w}": write path=value, e.g. exits.takeProfitPct=50` };
    const path = w.slice(0, eq).split('.');
    if (path.some((p) => !/^[A-Za-z][A-Za-z0-9]*$/.test(p))) return { ok: false, error: `"${w.slice(0, eq)}" is not a risk setting path (dotted names)` };
    const raw = w.slice(eq + 1);
    const value: unknown = raw === 'true' ? true : raw === 'false' ? false : raw === 'null' ? null : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    let node = root;
    for (const p of path.slice(0, -1)) {
      const next = node[p];
      if (next === undefined) node = (node[p] = {}) as Record<string, unknown>;
      else if (next !== null && typeof next === 'object') node = next as Record<string, unknown>;
      else return { ok: false, error: `"${path.join('.')}": ${p} is already set to a value` };
    }
    node[path[path.length - 1]!] = value;
  }
  return { ok: true, value: root };
}
