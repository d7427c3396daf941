// The private (keyed) ccxt client, for the live broker and the balance/orders commands only: public work
// (candles, markets for paper) goes through createExchange, which never carries a key. Keys are sent only to
// the exchange's own hosts; an overridden urls.api host gets a warning. exchange.sandbox selects the testnet.
import { UserError } from '../../core/errors.js';
import { createExchange, type Exchange } from '../exchange/ccxt.js';

export interface PrivateExchangeConfig {
  name: string;
  options?: Record<string, unknown>;
  apiKey: string | null;
  secret: string | null;
  sandbox?: boolean;
}

/**
 * Per-exchange defaults for private use. Binance: spot markets only, and no signed margin/currency
 * calls during loadMarkets (they need extra permissions and fail for trade-only keys).
 */
const PRIVATE_DEFAULTS: Record<string, Record<string, unknown>> = {
  // recvWindow: how long after its timestamp Binance may still accept a request; the broker waits that long
  // before it calls a lost request never placed. ccxt sends 10 s; Binance's own default, 5 s, bounds the wait.
  binance: { fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false, warnOnFetchOpenOrdersWithoutSymbol: false, recvWindow: 5000 },
};

export async function createPrivateExchange(cfg: PrivateExchangeConfig, warn: (msg: string) => void = () => {}): Promise<Exchange> {
  if (!cfg.apiKey || !cfg.secret) {
    throw new UserError('live trading needs the exchange API key and secret (TRADETUI_EXCHANGE_API_KEY and TRADETUI_EXCHANGE_SECRET)', 'exchange.apiKey');
  }
  const userOptions = cfg.options ?? {};
  const defaults = PRIVATE_DEFAULTS[cfg.name] ?? {};
  const options = { ...userOptions, options: { ...defaults, ...((userOptions.options as Record<string, unknown> | undefined) ?? {}) } };
  const exchange = await createExchange({ name: cfg.name, options });
  const urls = (userOptions.urls as { api?: unknown } | undefined)?.api;
  if (urls !== undefined) {
    const hosts = new Set<string>();
    const collect = (v: unknown): void => {
      if (typeof v === 'string') {
        try {
          hosts.add(new URL(v).host);
        } catch {
          hosts.add(v);
        }
      } else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(urls);
    warn(`exchange.options.urls.api is overridden: API keys will be sent to ${[...hosts].join(', ')}, not ${cfg.name}'s own hosts`);
  }
  if (cfg.sandbox) {
    try {
      exchange.setSandboxMode(true);
    } catch (err) {
      throw new UserError(`${cfg.name} has no testnet in ccxt: ${(err as Error).message}`, 'exchange.sandbox');
    }
  }
  exchange.apiKey = cfg.apiKey;
  exchange.secret = cfg.secret;
  return exchange;
}
