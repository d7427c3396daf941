// Lossless compact form of a stored run's per-candle curves (times, equity, cash, exposure). A year of 1m
// candles is 525,600 values per curve: stored raw that is 16 MB per run written to SQLite, most of it runs of
// one value (cash between fills, equity and exposure while flat, the candle step between times). Runs of equal
// values (bit for bit) become a count and the value; times are stored as differences, so a gapless series is
// one run. Decoding gives back every bit, so `backtest show --json` prints what `backtest --json` printed.
//
// Layout: little-endian Float64 words (see packFloat64): [FORMAT, kind, length, segments...], where a segment is
// either +k followed by k literal values, or -k followed by one value repeated k times.

/** Marks the blob as this format; raw packed curves (runs stored before migration 75) carry no marker column. */
const FORMAT = 1;
const PLAIN = 0;
/** Values are differences from the previous value (the first from 0): only for whole numbers within ±2^52. */
const DELTAS = 1;
/** Shorter runs of equal values stay literal: a run costs two words. */
const MIN_RUN = 3;
const SAFE = 2 ** 52;

/**
 * The words of `values` in the compact form. With `scratch` (shared by a run's curves) they are a view of its
 * memory, which later calls never overwrite: a year of 1m candles is 4 MB per curve before encoding, and memory
 * touched for the first time costs more than encoding, so only the words used are ever written.
 */
export function encodeCurve(values: Float64Array, scratch?: CurveScratch): Float64Array {
  const n = values.length;
  const deltas = wholeNumbers(values);
  const out = scratch ? scratch.take(n + 4) : new Float64Array(n + 4);
  out[0] = FORMAT;
  out[1] = deltas ? DELTAS : PLAIN;
  out[2] = n;
  const w = deltas ? encodeDeltas(values, out) : encodePlain(values, out);
  return scratch ? scratch.keep(w) : out.subarray(0, w);
}

// Two plain loops, no callbacks: they run once per curve in a fresh process, before the JIT would inline anything.

/** Values compared by their bits: -0 and 0, and NaN payloads, must come back as they were. Returns the words used. */
function encodePlain(values: Float64Array, out: Float64Array): number {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let w = 3;
  let literalAt = -1; // word holding the open literal segment's count
  let i = 0;
  while (i < n) {
    const lo = bits[2 * i]!;
    const hi = bits[2 * i + 1]!;
    let j = i + 1;
    while (j < n && bits[2 * j] === lo && bits[2 * j + 1] === hi) j++;
    const run = j - i;
    if (run >= MIN_RUN) {
      out[w++] = -run;
      out[w++] = values[i]!;
      literalAt = -1;
    } else {
      if (literalAt < 0) {
        literalAt = w++;
        out[literalAt] = 0;
      }
      for (let k = i; k < j; k++) out[w++] = values[k]!;
      out[literalAt] = out[literalAt]! + run;
    }
    i = j;
  }
  return w;
}

/** Differences from the previous value (whole numbers: === is bit equality, never -0 or NaN). */
function encodeDeltas(values: Float64Array, out: Float64Array): number {
  const n = values.length;
  let w = 3;
  let literalAt = -1;
  let i = 0;
  let prev = 0;
  while (i < n) {
    const d = values[i]! - prev;
    let j = i + 1;
    while (j < n && values[j]! - values[j - 1]! === d) j++;
    const run = j - i;
    if (run >= MIN_RUN) {
      out[w++] = -run;
      out[w++] = d;
      literalAt = -1;
    } else {
      if (literalAt < 0) {
        literalAt = w++;
        out[literalAt] = 0;
      }
      for (let k = i; k < j; k++) out[w++] = values[k]! - (k === 0 ? 0 : values[k - 1]!);
      out[literalAt] = out[literalAt]! + run;
    }
    prev = values[j - 1]!;
    i = j;
  }
  return w;
}

/**
 * Memory for the encodings of a run's curves, one after the other. Sized for the worst case up front (`words`:
 * the sum of each curve's length + 4); a large zeroed allocation is only backed by memory where written, so a
 * curve of long flat runs touches just the few words it uses.
 */
export class CurveScratch {
  private memory: Float64Array;
  private used = 0;

  constructor(words = 0) {
    this.memory = new Float64Array(words);
  }

  /** Room for `n` words after those kept (a new block when there is not: kept words stay where they are). */
  take(n: number): Float64Array {
    if (this.memory.length - this.used < n) {
      this.memory = new Float64Array(Math.max(n, 2 * this.memory.length));
      this.used = 0;
    }
    return this.memory.subarray(this.used);
  }

  /** The first `w` words of the last `take`, kept: later takes start after them. */
  keep(w: number): Float64Array {
    const out = this.memory.subarray(this.used, this.used + w);
    this.used += w;
    return out;
  }
}

/** The values back from `encodeCurve`'s words; throws on words that are not that form. */
export function decodeCurve(words: Float64Array): Float64Array {
  if (words.length < 3 || words[0] !== FORMAT || (words[1] !== PLAIN && words[1] !== DELTAS)) throw new Error('corrupt compact curve: bad header');
  const n = words[2]!;
  if (!Number.isInteger(n) || n < 0) throw new Error(`corrupt compact curve: length ${n}`);
  const out = new Float64Array(n);
  let r = 3;
  let i = 0;
  while (r < words.length) {
    const k = words[r++]!;
    if (k > 0 && Number.isInteger(k) && i + k <= n && r + k <= words.length) {
      out.set(words.subarray(r, r + k), i);
      r += k;
      i += k;
    } else if (k < 0 && Number.isInteger(k) && i - k <= n && r < words.length) {
      out.fill(words[r++]!, i, i - k);
      i -= k;
    } else {
      throw new Error(`corrupt compact curve: segment ${k} at word ${r - 1}`);
    }
  }
  if (i !== n) throw new Error(`corrupt compact curve: ${i} of ${n} values`);
  if (words[1] === DELTAS) for (let k = 1; k < n; k++) out[k] = out[k - 1]! + out[k]!;
  return out;
}

/** Whether differences and their sums are exact: every value a whole number within ±2^52. */
function wholeNumbers(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // NaN and infinities fail the range; -0 is the one zero whose reciprocal is negative.
    if (!(v >= -SAFE && v <= SAFE) || v !== Math.floor(v) || (v === 0 && 1 / v < 0)) return false;
  }
  return true;
}
