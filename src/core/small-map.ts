// A Map for the few entries the engine keeps while an order or a position is in flight (a handful; hundreds at
// most), in insertion order like Map. Why not Map: V8 rebuilds a Map's table when its last entries go and again
// when the next one comes; the engine does that on every order of a backtest, and each new table, held by a
// long-lived Map, survives the young-generation collections (~10 MB of a year of 1m's promoted garbage).
// Here the two arrays only change length. Lookups are linear, which for a few entries is as fast as hashing.
export class SmallMap<K, V> {
  private readonly keyList: K[] = [];
  private readonly valueList: V[] = [];

  get size(): number {
    return this.keyList.length;
  }

  get(key: K): V | undefined {
    const i = this.keyList.indexOf(key);
    return i < 0 ? undefined : this.valueList[i];
  }

  has(key: K): boolean {
    return this.keyList.indexOf(key) >= 0;
  }

  set(key: K, value: V): this {
    const i = this.keyList.indexOf(key);
    if (i >= 0) this.valueList[i] = value;
    else {
      this.keyList.push(key);
      this.valueList.push(value);
    }
    return this;
  }

  delete(key: K): boolean {
    const i = this.keyList.indexOf(key);
    if (i < 0) return false;
    this.keyList.splice(i, 1);
    this.valueList.splice(i, 1);
    return true;
  }

  clear(): void {
    this.keyList.length = 0;
    this.valueList.length = 0;
  }

  /** The values in insertion order: the live list, so copy it before deleting entries while going through it. */
  values(): readonly V[] {
    return this.valueList;
  }

  /** The entries in insertion order (a copy). */
  entries(): Array<[K, V]> {
    return this.keyList.map((k, i) => [k, this.valueList[i]!]);
  }
}
