// The live broker's error policy, one place: which ccxt error means what for an order request.
// ambiguous: the request may have been executed (timeout, 5xx, network) → look it up by client id, never resend.
// funds: insufficient balance → refresh balances, reconcile, alert, no retry.
// invalid: the exchange refused the order as malformed or against its filters → refuse and alert.
// rate-limit: the request was not processed → pause every request (Retry-After), then retry.
// clock: timestamp outside recvWindow (not processed) → resync time, retry once.
// auth: key, signature or permission refused → halt live trading and alert.
// not-found: no such order (cancel, lookup) → confirm by fetching.

export type ErrorClass = 'ambiguous' | 'funds' | 'invalid' | 'rate-limit' | 'clock' | 'auth' | 'not-found';

/** Class names along the error's prototype chain, most derived first. */
function protoNames(err: Error): string[] {
  const names: string[] = [];
  for (let p: object | null = Object.getPrototypeOf(err); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    names.push((p as { constructor?: { name?: string } }).constructor?.name ?? '');
  }
  return names;
}

const ORDERED: Array<[string, ErrorClass]> = [
  ['InsufficientFunds', 'funds'],
  ['OrderNotFound', 'not-found'],
  ['InvalidNonce', 'clock'],
  ['RateLimitExceeded', 'rate-limit'],
  ['DDoSProtection', 'rate-limit'],
  ['AuthenticationError', 'auth'],
  ['PermissionDenied', 'auth'],
  ['AccountSuspended', 'auth'],
  ['AccountNotEnabled', 'auth'],
  ['InvalidOrder', 'invalid'],
  ['BadRequest', 'invalid'],
  ['BadSymbol', 'invalid'],
  ['NotSupported', 'invalid'],
  // Timeouts, 5xx, connection failures: the request may have been executed.
  ['NetworkError', 'ambiguous'],
];

/**
 * Classifies a ccxt error. Anything unrecognised (a plain ExchangeError with an unknown code, a bug) is
 * ambiguous: it is safer to look the order up than to assume it was not placed.
 */
export function classify(err: unknown): ErrorClass {
  if (!(err instanceof Error)) return 'ambiguous';
  const names = protoNames(err);
  for (const [name, cls] of ORDERED) if (names.includes(name)) return cls;
  // Binance's filter failures arrive as ExchangeError on some endpoints: still a refusal.
  if (/"code":-1013|Filter failure|-1100|-1102|-1106|-1111|-1116/.test(err.message)) return 'invalid';
  return 'ambiguous';
}

/** Seconds the server asked us to wait (Retry-After) after the last response, in ms. */
export function retryAfterMs(exchange: { last_response_headers?: unknown }): number | undefined {
  const headers = exchange.last_response_headers as Record<string, string | undefined> | undefined;
  const value = headers?.['Retry-After'] ?? headers?.['retry-after'];
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 5 * 60_000) : undefined;
}
