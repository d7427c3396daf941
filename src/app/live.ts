// Live trading composed: the keyed ccxt client, the exchange broker over the order journal in the live
// database (its own file per exchange account, so live state never mixes with paper's), the same engine on
// it, and reconciliation with the exchange: at start before any strategy decides, then while running (open
// orders polled while any exist, the whole account every live.reconcileSeconds). A difference halts entries
// until the trader resolves each (adopt, ignore, cancel, flatten) from the TUI, Telegram or `tradetui
// reconcile`. Each position's stop-loss rests on the exchange as a stop order where the market has one (the
// engine keeps it placed, moved and cancelled; the order polls verify it), else the engine checks it on every
// polled price. The kill switch also cancels what tradetui has resting on the exchange and waits for the
// market exits.
import { join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import type { Command, CommandResult } from '../core/events.js';
import type { Fill } from '../core/trading.js';
import type { LiveStatus } from '../engine/ports.js';
import { createPrivateExchange } from '../adapters/broker/ccxt-client.js';
import { CcxtBroker, type CcxtBrokerOptions, type LiveAlert } from '../adapters/broker/ccxt.js';
import { LiveJournal } from '../live/journal.js';
import { ACTIONS, Reconciler, type Believed, type ReconcileReport } from '../live/reconcile.js';
import { ParityMeter } from '../live/parity.js';
import { createApp, type App, type AppOptions } from './compose.js';

export interface LiveAppOptions extends Omit<AppOptions, 'mode' | 'broker' | 'dbFile' | 'initialBalance' | 'capitalCap' | 'live' | 'feed' | 'exchange'> {
  /** Warnings before the engine exists (an overridden API host). */
  warn?: (message: string) => void;
  /** Called with the start-up reconciliation, before the feed starts (headless prints it). */
  onReconciled?: (report: ReconcileReport) => void;
  /** Tests: how often the whole account is checked (default live.reconcileSeconds). */
  reconcileMs?: number;
  /** How often working orders are looked up while any exist (default paper.pollSeconds, at most 10 s). */
  pollOrdersMs?: number;
  /** Tests: broker timings (lookup retries, acceptance window). */
  brokerOptions?: Partial<Pick<CcxtBrokerOptions, 'lookupRetries' | 'lookupDelayMs' | 'acceptWindowMs' | 'sleep'>>;
}

export interface LiveApp extends App {
  readonly broker: CcxtBroker;
  /** The live-paper parity meter. */
  readonly parity: ParityMeter;
  readonly reconciler: Reconciler;
  /** The reconciliation the session started with. */
  readonly startReport: ReconcileReport;
  /** Checks the account against the exchange now (the periodic check, on demand). */
  reconcileNow(): Promise<ReconcileReport>;
}

/** The live database of an exchange account: one per exchange (and testnet), beside paper's tradetui.db. */
export function liveDbFile(dataDir: string, exchange: { name: string; sandbox: boolean }): string {
  return join(dataDir, `live-${exchange.name}${exchange.sandbox ? '-testnet' : ''}.db`);
}

const SEVERITY: Record<LiveAlert['severity'], 'info' | 'warn' | 'critical'> = { info: 'info', warning: 'warn', critical: 'critical' };

/**
 * Builds the live engine and reconciles before returning: the caller starts the feed (app.start()) only
 * after, so no strategy decides on an account that does not match. The caller has checked the opt-in.
 */
export async function createLiveApp(opts: LiveAppOptions): Promise<LiveApp> {
  const { config, logger } = opts;
  const now = opts.now ?? Date.now;
  const exchangeName = config.exchange.name;
  const label = `${exchangeName}${config.exchange.sandbox ? ' testnet' : ''}`;
  const exchange = await createPrivateExchange({ ...config.exchange }, opts.warn);
  // The key is checked, and a new live account starts from what the exchange holds in the account's
  // currency, at most live.maxCapital: the bot's capital, not the whole account.
  await exchange.loadMarkets();
  const balance = await exchange.fetchBalance();
  const quoteHeld = (balance.total as unknown as Record<string, number | undefined>)[config.account.currency] ?? 0;
  const maxCapital = config.live.maxCapital;
  const initialBalance = Math.min(quoteHeld, maxCapital ?? Infinity);

  let app: App | null = null;
  const early: Array<Parameters<App['raise']>[0]> = [];
  const raise = (alert: Parameters<App['raise']>[0]): void => {
    if (app) app.raise(alert);
    else early.push(alert);
  };
  let broker!: CcxtBroker;
  let brokerHalt: string | null = null;
  let reconcileWanted: string | null = null;
  let haltedByReconcile = false;
  let lastReconcileAt: number | null = null;
  // Made once the engine exists; commands before that (Telegram at start-up) are told to wait.
  let reconciler: Reconciler | null = null;
  // The live-paper parity meter (its shadow runs the same decisions on the simulated broker).
  let parity: ParityMeter | null = null;

  const stopsHeldBy = (): LiveStatus['stops'] => {
    const symbols = app ? [...new Set([...app.kernel.instances.values()].map((r) => r.key.symbol))] : [];
    return symbols.length > 0 && symbols.every((s) => broker.restingStops(s)) ? 'exchange' : 'engine';
  };

  const status = (): LiveStatus => ({
    exchange: exchangeName,
    sandbox: config.exchange.sandbox,
    differences: reconciler ? reconciler.unresolved().map((d) => ({ id: d.id, kind: d.kind, symbol: d.symbol, summary: d.summary, actions: [...ACTIONS[d.kind]], createdAt: d.createdAt })) : [],
    brokerHalt,
    lastReconcileAt,
    maxCapital,
    // Where the traded markets' stops are held: on the exchange only if every market takes a stop order.
    stops: stopsHeldBy(),
    ...(parity ? (({ rows, summary }) => ({ parity: rows, paritySummary: summary }))(parity.status()) : { parity: [] }),
  });

  const command = async (cmd: Command, next: (cmd: Command) => Promise<CommandResult>): Promise<CommandResult> => {
    if (!reconciler) return { ok: false, message: `the live engine is still reconciling with ${label}; try again in a moment` };
    if (cmd.type === 'reconcile') return reconcileCommand(cmd);
    if (cmd.type === 'set-speed') return { ok: false, message: 'live trading has no replay speed' };
    if (cmd.type === 'resume') {
      const waiting = reconciler.unresolved().length;
      if (waiting > 0) return { ok: false, message: `${waiting} difference(s) with ${label} must be resolved first (reconcile screen, /reconcile, or tradetui reconcile)` };
      if (brokerHalt) return { ok: false, message: `live trading is halted: ${brokerHalt}. Fix it, then restart tradetui` };
    }
    const result = await next(cmd);
    if (result.ok && (cmd.type === 'close' || cmd.type === 'kill')) app?.step(() => parity?.afterCommand(cmd));
    if (cmd.type === 'add-instance' && result.ok) {
      const symbol = cmd.symbol;
      reconciler.watch(symbol);
    }
    if (cmd.type === 'kill' && result.ok) return { ok: true, message: await afterKill(result.message) };
    return result;
  };

  const liveApp = await createApp({
    ...opts,
    mode: 'live',
    feed: 'exchange',
    exchange: exchangeName,
    dbFile: liveDbFile(opts.dataDir, config.exchange),
    initialBalance,
    capitalCap: maxCapital,
    live: { command, status },
    broker: ({ db }) =>
      (broker = new CcxtBroker({
        exchange,
        journal: new LiveJournal(db),
        // Request timing (acceptance windows, lookups) runs on the wall clock whatever the feed's clock.
        ...opts.brokerOptions,
        onAlert: (a) => raise({ severity: SEVERITY[a.severity], category: a.severity === 'critical' ? 'error' : 'system', message: `LIVE ${label}: ${a.message}` }),
        onHalt: (reason) => {
          brokerHalt = reason;
          app?.step(() => app!.kernel.setState('halted', `live trading halted: ${reason}`, 'system'));
        },
        onReconcileNeeded: (reason) => {
          reconcileWanted = reason;
        },
      })),
  });
  app = liveApp;
  for (const a of early.splice(0)) liveApp.raise(a);
  if (brokerHalt) liveApp.step(() => liveApp.kernel.setState('halted', `live trading halted: ${brokerHalt}`, 'system'));
  const kernel = liveApp.kernel;
  parity = new ParityMeter({
    db: liveApp.db,
    live: kernel,
    liveBus: liveApp.bus,
    account: config.account,
    risk: config.risk,
    capitalCap: maxCapital,
    instanceRisk: (r) => config.paper.instances.find((c) => c.strategy === r.strategy.name && c.symbol === r.key.symbol && c.timeframe === r.key.timeframe)?.risk,
    now,
    onProblem: (message) => raise({ severity: 'warn', category: 'system', message: `LIVE ${label}: ${message} (live trading goes on)` }),
    onSettled: liveApp.onSettled,
  });

  const believed = (): Believed => ({ positions: [...kernel.portfolio.positions.values()].map((p) => ({ symbol: p.symbol, qty: p.side === 'long' ? p.qty : -p.qty })) });

  /** Books a trade or balance the trader adopted as the position of the first instance on its market. */
  const adopt = async (a: { symbol: string; qty: number; price?: number; difference: { id: number } }): Promise<void> => {
    const runner = [...kernel.instances.values()].find((r) => r.key.symbol === a.symbol);
    if (!runner) throw new Error(`no strategy instance trades ${a.symbol}: add one first, or ignore the difference`);
    const held = kernel.portfolio.positionOf(runner.id);
    const price = a.price ?? kernel.lastPriceOf(a.symbol) ?? (await exchange.fetchTicker(a.symbol)).last;
    if (!(typeof price === 'number' && price > 0)) throw new Error(`no price for ${a.symbol} to value the adopted quantity`);
    let qty = Math.abs(a.qty);
    if (a.qty < 0) {
      if (!held || held.side !== 'long') throw new Error(`tradetui holds no ${a.symbol} position to reduce: ignore the difference instead`);
      qty = Math.min(qty, held.qty);
    }
    const fill: Fill = {
      id: `adopt-${a.difference.id}`,
      orderId: `adopted:${a.difference.id}`,
      instanceId: runner.id,
      symbol: a.symbol,
      side: a.qty > 0 ? 'buy' : 'sell',
      purpose: a.qty > 0 ? 'entry' : 'exit',
      qty,
      price,
      fee: 0,
      time: now(),
      reason: `adopted from ${label} (difference #${a.difference.id})`,
      ...(a.qty < 0 ? { exitReason: 'manual' as const } : {}),
      positionId: held?.id ?? `adopted-${a.difference.id}`,
    };
    let failure: unknown = null;
    liveApp.step(() => {
      try {
        kernel.adoptFill(fill);
      } catch (err) {
        failure = err;
        throw err;
      }
    });
    if (failure) throw failure;
  };

  const symbols = [...new Set([...kernel.instances.values()].map((r) => r.key.symbol))];
  const rec = new Reconciler(broker, { symbols, now, onAdopt: adopt });

  /** After a reconciliation: alert each new difference, halt entries while any wait, lift our own halt after. */
  const settle = (report: ReconcileReport): void => {
    lastReconcileAt = now();
    for (const d of report.found) {
      raise({ severity: 'critical', category: 'system', message: `LIVE ${label}: difference #${d.id} (${d.kind}): ${d.summary}. Entries halted until resolved (${ACTIONS[d.kind].join(' / ')}): tradetui reconcile ${d.id} ${ACTIONS[d.kind][0]}, /reconcile in Telegram, or the TUI's alerts` });
    }
    const waiting = report.unresolved.length;
    liveApp.step(() => {
      if (waiting > 0 && kernel.state === 'running') {
        kernel.setState('halted', `live: ${waiting} difference(s) with ${label} to resolve`, 'system');
        haltedByReconcile = true;
      } else if (waiting === 0 && haltedByReconcile) {
        haltedByReconcile = false;
        if (kernel.state === 'halted' && !brokerHalt) kernel.setState('running', `live: every difference with ${label} resolved`, 'system');
      }
    });
  };

  let running: Promise<ReconcileReport> | null = null;
  const reconcile = (opts2: { balances?: boolean } = {}): Promise<ReconcileReport> => {
    running ??= (async () => {
      try {
        const report = await rec.run(believed, {
          ...opts2,
          watchBalances: () => {
            const activity = broker.activity;
            return () => broker.activity === activity && !broker.busy;
          },
        });
        settle(report);
        return report;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const reconcileCommand = async (cmd: Extract<Command, { type: 'reconcile' }>): Promise<CommandResult> => {
    try {
      if (cmd.differenceId === undefined) {
        const r = await reconcile({ balances: !broker.busy });
        const waiting = r.unresolved.length;
        return { ok: true, message: `checked ${label}: ${r.found.length} new difference(s), ${waiting} waiting${waiting ? ` (${r.unresolved.map((d) => `#${d.id} ${d.kind}`).join(', ')})` : ''}` };
      }
      if (!cmd.action) {
        const d = rec.unresolved().find((x) => x.id === cmd.differenceId);
        return { ok: false, message: d ? `difference #${d.id}: choose ${ACTIONS[d.kind].join(', ')}` : `no unresolved difference #${cmd.differenceId}` };
      }
      const done = await rec.resolve(cmd.differenceId, cmd.action);
      liveApp.raise({ severity: 'info', category: 'system', message: `LIVE ${label}: difference #${cmd.differenceId} resolved by ${cmd.by}: ${done}` });
      settle({ found: [], unresolved: rec.unresolved(), ordersChecked: 0, missedFills: 0, tradesScanned: 0, durationMs: 0 });
      const left = rec.unresolved().length;
      return { ok: true, message: `#${cmd.differenceId}: ${done}${left ? `; ${left} difference(s) still waiting` : '; no differences left'}` };
    } catch (err) {
      return { ok: false, message: errorMessage(err) };
    }
  };

  /** The kill switch on a live account: the kernel cancelled its orders and sent market exits; finish the job. */
  const afterKill = async (message: string): Promise<string> => {
    let cancelled = 0;
    for (const row of broker.journal.unfinished()) {
      if (row.kind !== 'adopted') continue; // the engine's own orders and stops are being cancelled through the port
      await broker.cancelRow(row).catch((err: unknown) => raise({ severity: 'critical', category: 'error', message: `LIVE ${label}: kill switch could not cancel ${row.clientId}: ${errorMessage(err)}` }));
      cancelled++;
    }
    await broker.idle();
    const left = kernel.portfolio.positions.size;
    const open = broker.journal.unfinished().length;
    return `${message} on ${label}${cancelled ? `, ${cancelled} resting order(s) cancelled` : ''}${left || open ? `; still open: ${left} position(s), ${open} order(s) — check the alerts` : '; the account is flat'}`;
  };

  // Start-up: orders the engine left working are being looked up (kernel.restore → broker.resume); then the
  // whole account, before the feed delivers a candle.
  await broker.idle();
  const startReport = await reconcile();
  reconciler = rec;
  // Positions whose stop is not resting on the exchange (opened before a crash, or their stop gone) get one
  // now, not at the next candle.
  liveApp.step(() => kernel.syncStops(now()));
  opts.onReconciled?.(startReport);

  // While running: open orders while any exist; the whole account every reconcileMs, or at once when the
  // broker asks (insufficient funds, an order in doubt, a stop that filled).
  const reconcileMs = opts.reconcileMs ?? config.live.reconcileSeconds * 1000;
  const pollMs = opts.pollOrdersMs ?? Math.min(10_000, config.paper.pollSeconds * 1000);
  let nextFull = now() + reconcileMs;
  let ticking = false;
  const tick = async (): Promise<void> => {
    if (ticking || brokerHalt) return;
    ticking = true;
    try {
      if (!broker.busy) for (const row of broker.journal.unfinished()) await broker.resolve(row);
      if ((reconcileWanted !== null || now() >= nextFull) && !broker.busy) {
        const why = reconcileWanted;
        reconcileWanted = null;
        nextFull = now() + reconcileMs;
        await reconcile({ balances: broker.journal.unfinished().length === 0 });
        if (why) logger.info({ why }, 'live reconciliation on request');
      }
    } catch (err) {
      logger.warn({ err }, 'live reconciliation failed');
      raise({ severity: 'warn', category: 'system', message: `LIVE ${label}: could not check the account: ${errorMessage(err)} (tried again in ${Math.round(pollMs / 1000)} s)` });
    } finally {
      ticking = false;
    }
  };
  const timer = setInterval(() => void tick(), pollMs);
  timer.unref();

  const stop = liveApp.stop;
  const out: LiveApp = Object.assign(liveApp, {
    broker,
    parity,
    reconciler: rec,
    startReport,
    reconcileNow: () => reconcile({ balances: !broker.busy }),
    stop: () => {
      clearInterval(timer);
      parity?.close();
      // Replies to requests in flight are worth a moment; one that comes later is resolved at the next start.
      return (async () => {
        await Promise.race([broker.idle(), new Promise((r) => setTimeout(r, 5000).unref())]);
        await stop();
      })();
    },
  });
  return out;
}
