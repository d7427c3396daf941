import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { applyRiskOverrides, parseRiskValue } from '../../../src/config/risk-overrides.js';
import { defaultRisk } from '../../../src/engine/risk/schema.js';
import { UserError } from '../../../src/core/errors.js';

function errorOf(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('risk section defaults', () => {
  it('percent sizing 10%, max position 10%, every protection off', () => {
    const r = parseConfig({}).risk;
    expect(r.sizing.mode).toBe('percent');
    expect(r.sizing.pct).toBe(10);
    expect(r.limits.maxPositionPct).toBe(10);
    expect(r.protections).toEqual({ stoplossGuard: null, cooldown: null, dailyLossLimit: null, maxDrawdown: null, lowProfit: null });
    expect(r.exits.stopLossPct).toBeNull();
  });

  it('a protection given with some parameters is on, the rest defaulted; true means all defaults', () => {
    const r = parseConfig({ risk: { protections: { maxDrawdown: { pct: 15 }, cooldown: true } } }).risk;
    expect(r.protections.maxDrawdown).toEqual({ pct: 15 });
    expect(r.protections.cooldown).toEqual({ minutes: 60 });
  });
});

describe('invalid risk settings are rejected at config load with the key path', () => {
  it.each([
    [{ sizing: { pct: -5 } }, 'risk.sizing.pct'],
    [{ limits: { maxPositionPct: 150 } }, 'risk.limits.maxPositionPct'],
    [{ protections: { dailyLossLimit: { pct: 0 } } }, 'risk.protections.dailyLossLimit.pct'],
    [{ protections: { maxDrawdown: { pct: 101 } } }, 'risk.protections.maxDrawdown.pct'],
    [{ sizing: { mode: 'martingale' } }, 'risk.sizing.mode'],
    [{ exits: { stopLossPct: 30 } }, 'risk.exits.stopLossPct'],
    [{ protections: { cooldown: { minutes: 10, typo: 1 } } }, 'risk.protections.cooldown'],
  ])('%j → %s', (risk, path) => {
    const e = errorOf(() => parseConfig({ risk }));
    expect(e.message).toContain(`${path}:`);
  });

  it('a stop wider than exits.maxStopPct names both keys', () => {
    const e = errorOf(() => parseConfig({ risk: { exits: { stopLossPct: 12, maxStopPct: 10 } } }));
    expect(e.message).toBe('risk.exits.stopLossPct: stop-loss 12% is wider than exits.maxStopPct (10%)');
  });

  it('an instance override is checked merged with the account section, under the instance path', () => {
    const inst = { strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' };
    const ok = parseConfig({ paper: { instances: [{ ...inst, risk: { sizing: { mode: 'atr' }, protections: { cooldown: { minutes: 5 } } } }] } });
    expect(ok.paper.instances[0]!.risk).toEqual({ sizing: { mode: 'atr' }, protections: { cooldown: { minutes: 5 } } });
    const bad = errorOf(() => parseConfig({ paper: { instances: [inst, { ...inst, risk: { sizing: { pct: 200 } } }] } }));
    expect(bad.message).toContain('paper.instances.1.risk.sizing.pct');
    const wide = errorOf(() => parseConfig({ risk: { exits: { maxStopPct: 5 } }, paper: { instances: [{ ...inst, risk: { exits: { stopLossPct: 8 } } }] } }));
    expect(wide.message).toContain('paper.instances.0.risk.exits.stopLossPct: stop-loss 8% is wider');
  });

  it('through loadConfig from a YAML file, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tradetui-risk-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'risk:\n  limits:\n    maxTotalExposurePct: -1\n');
    const e = errorOf(() => loadConfig({ configFile: file, env: {} }));
    expect(e.where).toBe(file);
    expect(e.message).toContain('risk.limits.maxTotalExposurePct');
    writeFileSync(file, 'risk:\n  sizing:\n    mode: atr\n    riskPct: 0.5\n  protections:\n    stoplossGuard: { trades: 2 }\n');
    const { config } = loadConfig({ configFile: file, env: {} });
    expect(config.risk.sizing.riskPct).toBe(0.5);
    expect(config.risk.protections.stoplossGuard).toEqual({ trades: 2, lookbackMinutes: 1440, stopMinutes: 240, perSymbol: false });
  });
});

describe('--risk key=value overrides', () => {
  it('parses numbers, booleans, null and strings', () => {
    expect([parseRiskValue('15'), parseRiskValue('true'), parseRiskValue('off'), parseRiskValue('null'), parseRiskValue('atr')]).toEqual([15, true, false, null, 'atr']);
  });

  it('applies keys in order, turning a protection on by setting one of its keys', () => {
    const base = defaultRisk();
    const r = applyRiskOverrides(base, ['sizing.mode=atr', 'protections.maxDrawdown.pct=15', 'protections.stoplossGuard.perSymbol=true', 'exits.stopLossPct=3']);
    expect(r.sizing.mode).toBe('atr');
    expect(r.protections.maxDrawdown).toEqual({ pct: 15 });
    expect(r.protections.stoplossGuard?.perSymbol).toBe(true);
    expect(r.exits.stopLossPct).toBe(3);
    expect(base.sizing.mode).toBe('percent');
    expect(applyRiskOverrides(r, ['protections.maxDrawdown=off']).protections.maxDrawdown).toBeNull();
  });

  it.each([
    [['sizing.pct=-5'], '--risk sizing.pct', /sizing\.pct/],
    [['sizing.mode=yolo'], '--risk sizing.mode', /sizing\.mode/],
    [['sizing.nope=1'], '--risk sizing.nope', /nope/],
    [['protections.maxDrawdown.pct=150'], '--risk protections.maxDrawdown.pct', /maxDrawdown\.pct/],
    [['sizing.pct'], '--risk sizing.pct', /expected key=value/],
    [['sizing.pct.x=1'], '--risk sizing.pct.x', /is a value, not a section/],
  ])('%j is rejected naming %s', (flags, where, msg) => {
    const e = errorOf(() => applyRiskOverrides(defaultRisk(), flags));
    expect(e.where).toBe(where);
    expect(e.message).toMatch(msg);
  });
});
