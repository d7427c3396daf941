// The mode is a parameter of composition: the same app over the same replay trades through whichever
// broker the mode picks, and says which mode it is in.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { SimulatedBroker } from '../../../src/adapters/broker/simulated.js';
import type { Order } from '../../../src/core/trading.js';
import type { Broker, BrokerEvents, SubmitContext } from '../../../src/engine/ports.js';
import { UserError } from '../../../src/core/errors.js';
import { tempDir } from '../../support/run-cli.js';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const config = parseConfig({
  account: { balance: 10000, fee: 0.001, slippage: 0.0005 },
  paper: { speed: 1000, replayFrom: '2026-02-10T00:00:00Z', instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] },
});

/** A broker that records what the engine sends and lets the simulator answer (stands in for the exchange). */
class RecordingBroker implements Broker {
  readonly sent: string[] = [];
  constructor(private readonly inner: SimulatedBroker) {}
  connect(events: BrokerEvents): void {
    this.inner.connect(events);
  }
  submit(order: Readonly<Order>, context: SubmitContext): void {
    this.sent.push(`${order.clientId} ${order.status}`);
    this.inner.submit(order, context);
  }
  cancel(order: Readonly<Order>, reason: string): void {
    this.inner.cancel(order, reason);
  }
  resume(orders: readonly Order[]): void {
    this.inner.resume(orders);
  }
  marketOpened(symbol: string, time: number, price: number): void {
    this.inner.marketOpened(symbol, time, price);
  }
}

async function replayToEnd(a: App): Promise<void> {
  const ended = new Promise<void>((resolve) => a.bus.on('feed', (e) => e.status === 'ended' && resolve()));
  await a.start();
  await ended;
}

describe('composition by mode', () => {
  it('paper by default; live uses the broker it is given, journaled as submitted before it is sent', async () => {
    app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) });
    expect(app.snapshot().mode).toBe('paper');
    await app.stop();

    let broker: RecordingBroker | undefined;
    const dataDir = tempDir();
    app = await createApp({
      config,
      dataDir,
      logger: createLogger(null),
      mode: 'live',
      broker: ({ portfolio, nextId }) => (broker = new RecordingBroker(new SimulatedBroker({ fee: 0.001, slippage: 0.0005, cash: () => portfolio.cash, nextId }))),
    });
    expect(app.snapshot().mode).toBe('live');
    const journaledBeforeSend: boolean[] = [];
    const a = app;
    const check = broker!.submit.bind(broker!);
    broker!.submit = (order, ctx) => {
      const row = a.db.prepare('SELECT status FROM orders WHERE client_id = ?').pluck().get(order.clientId);
      journaledBeforeSend.push(row === 'submitted');
      check(order, ctx);
    };
    await replayToEnd(app);
    expect(broker!.sent.length).toBeGreaterThan(2);
    expect(journaledBeforeSend.every(Boolean)).toBe(true);
    expect(broker!.sent.every((s) => s.endsWith(' submitted'))).toBe(true);
    expect(app.trades({}).length).toBeGreaterThan(0);
  });

  it('refuses live mode without an exchange broker', async () => {
    await expect(createApp({ config, dataDir: tempDir(), logger: createLogger(null), mode: 'live' })).rejects.toBeInstanceOf(UserError);
  });
});
