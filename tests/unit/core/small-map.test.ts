// SmallMap behaves as Map does for what the engine asks of it: insertion order, replace in place, delete,
// clear, and a live value list that a copy protects from deletes made while going through it.
import { describe, expect, it } from 'vitest';
import { SmallMap } from '../../../src/core/small-map.js';

describe('SmallMap', () => {
  it('keeps insertion order, replaces a value in its place, deletes and clears like Map', () => {
    const m = new SmallMap<string, number>();
    const ref = new Map<string, number>();
    const steps: Array<[string, string, number?]> = [['set', 'a', 1], ['set', 'b', 2], ['set', 'c', 3], ['set', 'b', 20], ['delete', 'a'], ['delete', 'zz'], ['set', 'a', 4], ['delete', 'c']];
    for (const [op, k, v] of steps) {
      if (op === 'set') {
        m.set(k, v!);
        ref.set(k, v!);
      } else expect(m.delete(k)).toBe(ref.delete(k));
      expect(m.size).toBe(ref.size);
      expect(m.entries()).toEqual([...ref.entries()]);
      expect([...m.values()]).toEqual([...ref.values()]);
      for (const key of ['a', 'b', 'c', 'zz']) {
        expect(m.get(key)).toBe(ref.get(key));
        expect(m.has(key)).toBe(ref.has(key));
      }
    }
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get('b')).toBeUndefined();
  });

  it('a copy of values() can be gone through while entries are deleted', () => {
    const m = new SmallMap<string, string>();
    for (const k of ['o1', 'o2', 'o3']) m.set(k, k);
    const seen: string[] = [];
    for (const v of [...m.values()]) {
      seen.push(v);
      m.delete(v);
    }
    expect(seen).toEqual(['o1', 'o2', 'o3']);
    expect(m.size).toBe(0);
  });
});
