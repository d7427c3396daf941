// Number formats every view shares (TUI panes, windows and confirmations; Telegram messages): one way to write a
// price, an amount of money, a quantity and a percentage, so the same number reads the same everywhere.

/** A price with as many decimals as its magnitude needs (43,210.5 / 1.2345 / 0.00001234). */
export function price(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  const d = a >= 1000 ? 2 : a >= 1 ? 4 : a === 0 ? 2 : Math.min(8, 2 - Math.floor(Math.log10(a)) + 2);
  return groupThousands(x.toFixed(d).replace(/(\.\d*?[1-9])0+$|\.0+$/, '$1'));
}

/** Money: two decimals with thousands separators. */
export function money(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return groupThousands(x.toFixed(2));
}

/** A quantity: up to six significant digits, no exponent for ordinary sizes. */
export function qty(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return String(Number(x.toPrecision(6)));
}

/** A percentage with two decimals (no sign of its own). */
export function percent(x: number): string {
  return `${x.toFixed(2)}%`;
}

/** A signed amount as text: +12.30 / −5.10 (a real minus sign, as in the TUI's P&L cells). */
export function signedMoney(x: number): string {
  return `${x >= 0 ? '+' : '−'}${money(Math.abs(x))}`;
}

/** A signed percentage: +1.15% / −2.27%. */
export function signedPercent(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}%`;
}

function groupThousands(s: string): string {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [int, frac] = body.split('.');
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + g + (frac !== undefined ? `.${frac}` : '');
}
