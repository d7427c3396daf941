// The add-instance wizard as a pure state machine: pick strategy → symbol → timeframe → edit params (each key
// validated against its ParamSpec and the strategy's cross-parameter rules) → review, where only `y` sends the
// add-instance command. The form stays open until the engine accepts it: a refusal comes back as an error on
// the params step with everything typed kept.
import type { Command } from '../../core/events.js';
import type { ParamSpec, ParamValue } from '../../strategy/contract.js';
import type { StrategyListing, SymbolListing } from '../../engine/viewer-api.js';
import { riskOverrideProblems } from '../../engine/risk/schema.js';
import { parseRiskText, riskText } from '../../view/risk-text.js';
import { typedText } from '../keys/keymap.js';

export type AddStep = 'strategy' | 'symbol' | 'timeframe' | 'params' | 'review';

export interface AddForm {
  step: AddStep;
  strategies: StrategyListing[];
  symbols: SymbolListing[];
  si: number;
  yi: number;
  ti: number;
  pi: number;
  values: Record<string, string>;
  /** Per parameter, plus CROSS for the strategy's cross-parameter rule and SENT for the engine's refusal. */
  errors: Record<string, string>;
  /** The add-instance command is with the engine; keys wait for its answer. */
  sending?: boolean;
  /**
   * Editing an instance (the edit key): strategy and market fixed, params and risk overrides (values[RISK]) editable
   * and checked as typed; y restarts it with them. What it holds (kept across the restart) is read live by the review.
   */
  edit?: { instanceId: string; initialRisk: string };
  /**
   * The engine's answer to validate-params for the values with this key (valuesKey), when the strategy's listing has
   * no validate() of its own (an attached TUI: functions do not cross the socket). An answer for other values is stale.
   */
  engineCheck?: { key: string; error: string | null };
}

/** Error keys that are not a parameter name. */
export const CROSS = '*cross';
export const REFUSED = '*refused';
/** The edit window's risk-overrides line (view/risk-text.ts form). */
export const RISK = '*risk';

export function newAddForm(strategies: StrategyListing[], symbols: SymbolListing[]): AddForm {
  return { step: 'strategy', strategies, symbols, si: 0, yi: 0, ti: 0, pi: 0, values: {}, errors: {} };
}

/**
 * The wizard on the params step of a copy of an instance (clone): its strategy, market and params filled in, each
 * still editable and checked as typed; y adds a new instance (its id gets #2, #3 …). Null when the strategy or
 * market is no longer offered.
 */
export function cloneForm(strategies: StrategyListing[], symbols: SymbolListing[], inst: { strategy: string; symbol: string; timeframe: string; params: Record<string, ParamValue> }): AddForm | null {
  const f = newAddForm(strategies, symbols);
  const si = strategies.findIndex((s) => s.name === inst.strategy);
  const yi = symbols.findIndex((s) => s.symbol === inst.symbol);
  if (si < 0 || yi < 0) return null;
  const at = { ...f, si, yi };
  const ti = formTimeframes(at).indexOf(inst.timeframe);
  if (ti < 0) return null;
  const values = { ...defaults(strategies[si]!) };
  for (const [k, v] of Object.entries(inst.params)) if (k in values) values[k] = String(v);
  return { ...at, ti, step: 'params', pi: 0, values, errors: validateForm(strategies[si]!, values) };
}

/**
 * The edit window of an instance: its params and risk overrides filled in, each checked as typed; y sends
 * edit-instance. Null when its strategy is no longer offered.
 */
export function editForm(
  strategies: StrategyListing[],
  inst: { id: string; strategy: string; symbol: string; timeframe: string; params: Record<string, ParamValue>; risk?: Record<string, unknown> },
): AddForm | null {
  const si = strategies.findIndex((s) => s.name === inst.strategy);
  if (si < 0) return null;
  const values = { ...defaults(strategies[si]!) };
  for (const [k, v] of Object.entries(inst.params)) if (k in values) values[k] = String(v);
  const initialRisk = riskText(inst.risk);
  values[RISK] = initialRisk;
  const f: AddForm = { ...newAddForm(strategies, [{ symbol: inst.symbol, timeframes: [inst.timeframe] }]), si, step: 'params', values, edit: { instanceId: inst.id, initialRisk } };
  return { ...f, errors: formErrors(f, values) };
}

/** The errors of a form's values: its params (validateForm), and the risk line when editing. */
export function formErrors(f: AddForm, values: Record<string, string>): Record<string, string> {
  const s = formStrategy(f)!;
  const errors = validateForm(s, values);
  // the engine's answer counts only for the values it was asked about
  if (!s.validate && f.engineCheck?.error && !errors[CROSS] && f.engineCheck.key === valuesKey(s, values)) errors[CROSS] = f.engineCheck.error;
  if (!f.edit) return errors;
  const r = parseRiskText(values[RISK] ?? '');
  if (!r.ok) errors[RISK] = r.error;
  else if (r.value) {
    const problems = riskOverrideProblems(r.value);
    if (problems.length > 0) errors[RISK] = problems[0]!;
  }
  return errors;
}

export function formStrategy(f: AddForm): StrategyListing | undefined {
  return f.strategies[f.si];
}

export function formSymbol(f: AddForm): SymbolListing | undefined {
  return f.symbols[f.yi];
}

/** The timeframes offered: the symbol's, with the strategy's own first when the symbol has it. */
export function formTimeframes(f: AddForm): string[] {
  const tfs = formSymbol(f)?.timeframes ?? [];
  const own = formStrategy(f)?.timeframe;
  return own && tfs.includes(own) ? [own, ...tfs.filter((t) => t !== own)] : tfs;
}

export function validateParam(spec: ParamSpec, raw: string): { ok: true; value: ParamValue } | { ok: false; error: string } {
  switch (spec.type) {
    case 'int':
    case 'float': {
      const t = raw.trim();
      if (!/^-?\d+(\.\d+)?$/.test(t)) return { ok: false, error: `${spec.name}: "${raw}" is not a number` };
      const v = Number(t);
      if (spec.type === 'int' && !Number.isInteger(v)) return { ok: false, error: `${spec.name}: must be a whole number` };
      if (v < spec.min || v > spec.max) return { ok: false, error: `${spec.name}: must be between ${spec.min} and ${spec.max}` };
      return { ok: true, value: v };
    }
    case 'enum':
      return spec.values.includes(raw) ? { ok: true, value: raw } : { ok: false, error: `${spec.name}: one of ${spec.values.join(', ')}` };
    case 'bool':
      return raw === 'true' || raw === 'false' ? { ok: true, value: raw === 'true' } : { ok: false, error: `${spec.name}: true or false` };
  }
}

/** All values parsed, or null when one is invalid (its own error says why). */
function parsed(s: StrategyListing, values: Record<string, string>): Record<string, ParamValue> | null {
  const out: Record<string, ParamValue> = {};
  for (const p of s.params) {
    const r = validateParam(p, values[p.name] ?? '');
    if (!r.ok) return null;
    out[p.name] = r.value;
  }
  return out;
}

/** Per-field errors for every value, plus the strategy's cross-parameter rule once every field is valid. */
export function validateForm(s: StrategyListing, values: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const p of s.params) {
    const r = validateParam(p, values[p.name] ?? '');
    if (!r.ok) errors[p.name] = r.error;
  }
  const all = parsed(s, values);
  const problem = all && s.validate ? s.validate(all) : null;
  if (problem) errors[CROSS] = problem;
  return errors;
}

/** The values' identity once all parse (the engine's answer is for exactly these), or null while one is invalid. */
export function valuesKey(s: StrategyListing, values: Record<string, string>): string | null {
  const all = parsed(s, values);
  return all ? JSON.stringify(all) : null;
}

/**
 * What to ask the engine (validate-params) for the form as it stands: null when the listing checks the rule itself,
 * a field is still invalid, or the engine has already answered for these values.
 */
export function engineCheckFor(f: AddForm): { key: string; strategy: string; params: Record<string, ParamValue> } | null {
  if (f.step !== 'params' && f.step !== 'review') return null;
  const s = formStrategy(f);
  if (!s || s.validate) return null;
  const params = parsed(s, f.values);
  if (!params) return null;
  const key = JSON.stringify(params);
  return f.engineCheck?.key === key ? null : { key, strategy: s.name, params };
}

/**
 * The engine answered validate-params for the values with `key`: folded into the errors if the form still holds
 * those values (a stale answer, for values since changed, is dropped). A rule broken while the review shows goes
 * back to the params, so y never offers what the engine would refuse.
 */
export function withEngineCheck(f: AddForm, key: string, error: string | null): AddForm {
  const s = formStrategy(f);
  if (!s || valuesKey(s, f.values) !== key || f.sending) return f;
  const next = { ...f, engineCheck: { key, error } };
  const errors = formErrors(next, f.values);
  return { ...next, errors, ...(error && f.step === 'review' ? { step: 'params' as const } : {}) };
}

function defaults(s: StrategyListing): Record<string, string> {
  return Object.fromEntries(s.params.map((p) => [p.name, String(p.default)]));
}

export interface FormResult {
  form: AddForm | null;
  command?: Command;
}

const clamp = (i: number, n: number): number => Math.max(0, Math.min(n - 1, i));

/** One key (normalised name) → next form state; `form: null` closes the wizard. */
export function formKey(f: AddForm, name: string): FormResult {
  const listStep = (count: number, idx: 'si' | 'yi' | 'ti', next: () => AddForm, back: AddForm | null): FormResult => {
    if (name === 'up' || name === 'k') return { form: { ...f, [idx]: clamp(f[idx] - 1, count) } };
    if (name === 'down' || name === 'j') return { form: { ...f, [idx]: clamp(f[idx] + 1, count) } };
    if (name === 'enter' && count > 0) return { form: next() };
    if (name === 'escape' || name === 'q') return { form: back };
    return { form: f };
  };
  switch (f.step) {
    case 'strategy':
      return listStep(f.strategies.length, 'si', () => ({ ...f, step: 'symbol' }), null);
    case 'symbol':
      return listStep(f.symbols.length, 'yi', () => ({ ...f, step: 'timeframe', ti: 0 }), { ...f, step: 'strategy' });
    case 'timeframe':
      return listStep(
        formTimeframes(f).length,
        'ti',
        () => ({ ...f, step: 'params', pi: 0, values: defaults(formStrategy(f)!), errors: {} }),
        { ...f, step: 'symbol' },
      );
    case 'params':
      return paramsKey(f, name);
    case 'review': {
      if (f.sending) return { form: f };
      if (name === 'y' || name === 'Y') {
        const s = formStrategy(f)!;
        const params = parsed(s, f.values);
        const errors = formErrors(f, f.values);
        if (!params || Object.keys(errors).length > 0) return { form: { ...f, step: 'params', errors } };
        if (f.edit) {
          const risk = parseRiskText(f.values[RISK] ?? '');
          const riskChanged = (f.values[RISK] ?? '').trim() !== f.edit.initialRisk.trim() && risk.ok;
          return {
            form: { ...f, sending: true },
            command: { type: 'edit-instance', instanceId: f.edit.instanceId, params, ...(riskChanged ? { risk: risk.value } : {}), by: 'keyboard' },
          };
        }
        return {
          form: { ...f, sending: true },
          command: { type: 'add-instance', strategy: s.name, symbol: formSymbol(f)!.symbol, timeframe: formTimeframes(f)[f.ti]!, params, by: 'keyboard' },
        };
      }
      if (name === 'n' || name === 'escape') return { form: { ...f, step: 'params' } };
      return { form: f };
    }
  }
}

/** The engine refused the add-instance command: back to the params with its reason and every value kept. */
export function formRefused(f: AddForm, message: string): AddForm {
  return { ...f, sending: false, step: 'params', errors: { ...f.errors, [REFUSED]: message } };
}

function paramsKey(f: AddForm, name: string): FormResult {
  const s = formStrategy(f)!;
  const specs = s.params;
  const spec = specs[f.pi];
  // editing: one more row after the params, the risk overrides line
  const rows = specs.length + (f.edit ? 1 : 0);
  if (name === 'escape') return { form: f.edit ? null : { ...f, step: 'timeframe' } };
  if (name === 'up') return { form: { ...f, pi: clamp(f.pi - 1, rows) } };
  if (name === 'down' || name === 'tab') return { form: { ...f, pi: clamp(f.pi + 1, rows) } };
  if (name === 'enter') {
    const errors = formErrors(f, f.values);
    return { form: { ...f, errors, step: Object.keys(errors).length ? 'params' : 'review' } };
  }
  if (f.edit && f.pi === specs.length) {
    const raw = f.values[RISK] ?? '';
    const next = typedText(raw, name);
    if (next === null) return { form: f };
    const values = { ...f.values, [RISK]: next };
    return { form: { ...f, values, errors: formErrors(f, values) } };
  }
  if (!spec) return { form: f };
  const raw = f.values[spec.name] ?? '';
  // every key re-validates the field and the cross-parameter rule, so a clash shows while typing, not after y
  const set = (v: string): FormResult => {
    const values = { ...f.values, [spec.name]: v };
    return { form: { ...f, values, errors: formErrors(f, values) } };
  };
  if (spec.type === 'enum' || spec.type === 'bool') {
    const opts = spec.type === 'enum' ? [...spec.values] : ['true', 'false'];
    const i = opts.indexOf(raw);
    if (name === 'left') return set(opts[(i - 1 + opts.length) % opts.length]!);
    if (name === 'right' || name === ' ') return set(opts[(i + 1) % opts.length]!);
    return { form: f };
  }
  if (name === 'left' || name === 'right') {
    const v = Number(raw);
    if (!Number.isFinite(v)) return { form: f };
    const step = spec.step ?? (spec.type === 'int' ? 1 : 0.1);
    const next = Math.min(spec.max, Math.max(spec.min, v + (name === 'right' ? step : -step)));
    return set(String(Number(next.toPrecision(10))));
  }
  if (name === 'backspace') return set(raw.slice(0, -1));
  if (/^[0-9.-]$/.test(name)) return set(raw + name);
  return { form: f };
}
