// Numbered schema migrations, applied by set membership (each once, each in a transaction), in version order.
// Never edit a migration that has shipped: add a new one. Versions: 1-9 core (candle cache, runs), 10-19 risk,
// 20-29 paper/TUI, 30-39 Telegram, 40-44 the engine's order journal, 45-49 the live broker, 50-59 ML,
// 60-69 optimisation, 70-79 backtest speed.

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Applied right after this version rather than in its own place (it moves that migration's data). */
  after?: number;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'candle cache',
    // Candles are stored in chunks of up to CHUNK_CANDLES consecutive slots of one market, each a packed
    // little-endian Float64 blob of rows [time, open, high, low, close, volume]: a year of 1m candles is a
    // bulk read of ~130 blobs instead of 525,600 rows.
    sql: `
      CREATE TABLE candle_chunks (
        exchange TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        chunk_start INTEGER NOT NULL,
        first_time INTEGER NOT NULL,
        last_time INTEGER NOT NULL,
        count INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (exchange, symbol, timeframe, chunk_start)
      ) WITHOUT ROWID;
      CREATE TABLE candle_sources (
        exchange TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        source TEXT NOT NULL,
        imported_at INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        PRIMARY KEY (exchange, symbol, timeframe, source)
      );
    `,
  },
  {
    version: 2,
    name: 'backtest runs',
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL,
        kind TEXT NOT NULL DEFAULT 'backtest',
        strategy TEXT NOT NULL,
        exchange TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        from_time INTEGER NOT NULL,
        to_time INTEGER NOT NULL,
        params TEXT NOT NULL,
        settings TEXT NOT NULL,
        metrics TEXT NOT NULL,
        extra TEXT NOT NULL DEFAULT '{}',
        equity_times BLOB NOT NULL,
        equity_values BLOB NOT NULL
      );
      CREATE TABLE run_trades (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        side TEXT NOT NULL,
        qty REAL NOT NULL,
        entry_time INTEGER NOT NULL,
        exit_time INTEGER NOT NULL,
        entry_price REAL NOT NULL,
        exit_price REAL NOT NULL,
        pnl REAL NOT NULL,
        pnl_pct REAL NOT NULL,
        fees REAL NOT NULL,
        exit_reason TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
    `,
  },
  {
    version: 3,
    name: 'candle chunk gap summary',
    // Missing slots inside each chunk, kept with the chunk so listing the cache reads no candles. NULL for
    // chunks written before this migration: the store computes and stores them on first listing.
    sql: `
      ALTER TABLE candle_chunks ADD COLUMN gaps INTEGER;
      ALTER TABLE candle_chunks ADD COLUMN largest_gap INTEGER;
    `,
  },
  {
    version: 20,
    name: 'paper trading state',
    // The paper (and later live) account as it stands after the last committed candle. Each candle, command
    // and fill is applied inside one transaction, so a crash loses nothing that was shown as done and a fill
    // is never applied twice (fills.order_id is unique).
    sql: `
      CREATE TABLE account (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        currency TEXT NOT NULL,
        initial_balance REAL NOT NULL,
        cash REAL NOT NULL,
        fees_paid REAL NOT NULL DEFAULT 0,
        realised_pnl REAL NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'running',
        session INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        strategy TEXT NOT NULL,
        exchange TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        params TEXT NOT NULL,
        running INTEGER NOT NULL,
        buffer_start INTEGER,
        cursor_time INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE positions (
        id TEXT PRIMARY KEY,
        instance_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        qty REAL NOT NULL,
        entry_price REAL NOT NULL,
        entry_time INTEGER NOT NULL,
        entry_fee REAL NOT NULL,
        protection TEXT NOT NULL,
        best_price REAL NOT NULL,
        candles_held INTEGER NOT NULL,
        last_price REAL NOT NULL
      );
      CREATE TABLE orders (
        id TEXT PRIMARY KEY,
        instance_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'filled', 'cancelled')),
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE fills (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL UNIQUE,
        instance_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        purpose TEXT NOT NULL,
        qty REAL NOT NULL,
        price REAL NOT NULL,
        fee REAL NOT NULL,
        time INTEGER NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE TABLE trades (
        id TEXT PRIMARY KEY,
        instance_id TEXT NOT NULL,
        strategy TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        qty REAL NOT NULL,
        entry_time INTEGER NOT NULL,
        exit_time INTEGER NOT NULL,
        entry_price REAL NOT NULL,
        exit_price REAL NOT NULL,
        pnl REAL NOT NULL,
        pnl_pct REAL NOT NULL,
        fees REAL NOT NULL,
        exit_reason TEXT NOT NULL
      );
      CREATE INDEX trades_exit_time ON trades (exit_time);
      CREATE TABLE decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        instance_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        action TEXT NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        time INTEGER NOT NULL,
        severity TEXT NOT NULL,
        category TEXT NOT NULL,
        message TEXT NOT NULL,
        data TEXT
      );
      CREATE INDEX alerts_time ON alerts (time);
      CREATE TABLE protection_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        scope TEXT NOT NULL,
        state TEXT NOT NULL,
        triggered_at INTEGER NOT NULL,
        released_at INTEGER,
        reason TEXT NOT NULL
      );
      CREATE TABLE equity_daily (
        day INTEGER PRIMARY KEY,
        equity REAL NOT NULL
      );
      CREATE TABLE instance_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        instance_id TEXT NOT NULL,
        change TEXT NOT NULL,
        actor TEXT NOT NULL
      );
    `,
  },
  {
    version: 30,
    name: 'telegram outbox and audit',
    // The outbox holds every outgoing Telegram message before it is sent, so a restart sends what was left
    // and nothing twice (sent_at is set in the same step that learns Telegram accepted it). `merged_into`
    // points at the row whose request carried this row's text (bursts go out as one message).
    sql: `
      CREATE TABLE telegram_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        reply_markup TEXT,
        created_at INTEGER NOT NULL,
        sent_at INTEGER,
        failed_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        message_id INTEGER,
        merged_into INTEGER
      );
      CREATE INDEX telegram_outbox_pending ON telegram_outbox (chat_id, id) WHERE sent_at IS NULL AND failed_at IS NULL;
      CREATE TABLE telegram_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        user_id INTEGER,
        username TEXT,
        command TEXT NOT NULL,
        args TEXT NOT NULL,
        result TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX telegram_audit_time ON telegram_audit (time);
    `,
  },
  {
    version: 60,
    name: 'optimisation runs and trials',
    // Every trial of `tradetui optimize` with its daily returns (packed Float64 blob) for PBO and DSR, and the
    // set of configurations ever tried per (strategy, market, span): its size is the N the Deflated Sharpe
    // Ratio needs, and it survives deleted runs.
    sql: `
      CREATE TABLE optimize_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        status TEXT NOT NULL,
        kind TEXT NOT NULL,
        strategy TEXT NOT NULL,
        strategy_version TEXT NOT NULL,
        exchange TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        span_from INTEGER NOT NULL,
        span_to INTEGER NOT NULL,
        candles_hash TEXT NOT NULL,
        sampler TEXT NOT NULL,
        objective TEXT NOT NULL,
        seed INTEGER NOT NULL,
        trials_planned INTEGER NOT NULL,
        min_trades INTEGER NOT NULL,
        space TEXT NOT NULL,
        settings TEXT NOT NULL,
        report TEXT
      );
      CREATE TABLE optimize_trials (
        run_id INTEGER NOT NULL REFERENCES optimize_runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        role TEXT NOT NULL,
        params TEXT NOT NULL,
        params_key TEXT NOT NULL,
        score REAL,
        trades INTEGER NOT NULL,
        metrics TEXT NOT NULL,
        daily BLOB NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
      CREATE INDEX optimize_trials_score ON optimize_trials (run_id, role, score);
      CREATE TABLE optimize_tried (
        strategy TEXT NOT NULL,
        exchange TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        span_from INTEGER NOT NULL,
        span_to INTEGER NOT NULL,
        params_key TEXT NOT NULL,
        first_run INTEGER NOT NULL,
        PRIMARY KEY (strategy, exchange, symbol, timeframe, span_from, span_to, params_key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 50,
    name: 'external series (ML inputs such as sentiment)',
    // One row per published value: `time` is the period the value belongs to, `available_from` when it was
    // known (a daily value counts from the end of its day), which is what features join on.
    sql: `
      CREATE TABLE external_series (
        name TEXT NOT NULL,
        time INTEGER NOT NULL,
        available_from INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (name, time)
      ) WITHOUT ROWID;
      CREATE TABLE external_series_sources (
        name TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        period_ms INTEGER NOT NULL,
        imported_at INTEGER NOT NULL,
        rows INTEGER NOT NULL
      );
    `,
  },
  {
    version: 45,
    name: 'live order journal',
    // The live broker's journal: a row per client order id, written BEFORE the request leaves (state
    // 'sending' with the request's timestamp), so a crash or a lost reply is resolved by looking the id up,
    // never by sending again. Fills are keyed by the exchange's trade id (booked once). live_cursor keeps the
    // last trade seen per symbol for reconciliation; live_differences what it found and how each was resolved.
    sql: `
      CREATE TABLE live_orders (
        client_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        type TEXT NOT NULL,
        amount REAL NOT NULL,
        price REAL,
        stop_price REAL,
        position_id TEXT,
        state TEXT NOT NULL,
        exchange_id TEXT,
        exchange_status TEXT,
        filled REAL NOT NULL DEFAULT 0,
        sent_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_error TEXT,
        request TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX live_orders_open ON live_orders (state) WHERE state NOT IN ('done');
      CREATE TABLE live_fills (
        symbol TEXT NOT NULL,
        trade_id TEXT NOT NULL,
        client_id TEXT,
        exchange_order_id TEXT,
        side TEXT NOT NULL,
        qty REAL NOT NULL,
        price REAL NOT NULL,
        fee REAL NOT NULL,
        fee_currency TEXT,
        time INTEGER NOT NULL,
        PRIMARY KEY (symbol, trade_id)
      ) WITHOUT ROWID;
      CREATE TABLE live_cursor (
        symbol TEXT PRIMARY KEY,
        last_trade_id TEXT NOT NULL,
        last_trade_time INTEGER NOT NULL
      );
      CREATE TABLE live_differences (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        symbol TEXT,
        summary TEXT NOT NULL,
        detail TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        resolved_at INTEGER,
        resolution TEXT
      );
    `,
  },
  {
    version: 40,
    name: 'order journal',
    // Orders become records on a state machine (engine/execution.ts): every change is a row in
    // order_events and the order's current state in orders, written in the transaction of the step that
    // made it, before a live broker sends anything. An order may have several fills (partial fills), each
    // booked once: fills are unique by id and, when the exchange gives one, by (symbol, trade id).
    // Rows of the old 'pending' status were orders waiting for a fill: they are in flight ('submitted').
    sql: `
      CREATE TABLE orders_v2 (
        id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL UNIQUE,
        instance_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        purpose TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('intent', 'submitted', 'open', 'partially_filled', 'pending_cancel', 'filled', 'cancelled', 'rejected', 'expired')),
        filled_qty REAL NOT NULL DEFAULT 0,
        avg_price REAL NOT NULL DEFAULT 0,
        fees REAL NOT NULL DEFAULT 0,
        exchange_id TEXT,
        status_reason TEXT,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      INSERT INTO orders_v2 (id, client_id, instance_id, symbol, purpose, status, body, created_at, updated_at)
        SELECT id, COALESCE(json_extract(body, '$.clientId'), id), instance_id, symbol, COALESCE(json_extract(body, '$.purpose'), 'entry'),
               CASE status WHEN 'pending' THEN 'submitted' ELSE status END, body, created_at, created_at FROM orders;
      UPDATE orders_v2 SET filled_qty = (SELECT COALESCE(SUM(qty), 0) FROM fills WHERE fills.order_id = orders_v2.id),
        avg_price = COALESCE((SELECT SUM(qty * price) / SUM(qty) FROM fills WHERE fills.order_id = orders_v2.id), 0),
        fees = (SELECT COALESCE(SUM(fee), 0) FROM fills WHERE fills.order_id = orders_v2.id);
      DROP TABLE orders;
      ALTER TABLE orders_v2 RENAME TO orders;
      CREATE INDEX orders_working ON orders (status) WHERE status NOT IN ('filled', 'cancelled', 'rejected', 'expired');
      CREATE TABLE fills_v2 (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        trade_id TEXT,
        instance_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        purpose TEXT NOT NULL,
        qty REAL NOT NULL,
        price REAL NOT NULL,
        fee REAL NOT NULL,
        fee_currency TEXT,
        fee_amount REAL,
        time INTEGER NOT NULL,
        reason TEXT NOT NULL
      );
      INSERT INTO fills_v2 (id, order_id, instance_id, symbol, side, purpose, qty, price, fee, time, reason)
        SELECT id, order_id, instance_id, symbol, side, purpose, qty, price, fee, time, reason FROM fills;
      DROP TABLE fills;
      ALTER TABLE fills_v2 RENAME TO fills;
      CREATE INDEX fills_order ON fills (order_id);
      CREATE UNIQUE INDEX fills_trade ON fills (symbol, trade_id) WHERE trade_id IS NOT NULL;
      CREATE TABLE order_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id TEXT NOT NULL,
        time INTEGER NOT NULL,
        status TEXT NOT NULL,
        filled_qty REAL NOT NULL,
        reason TEXT
      );
      CREATE INDEX order_events_order ON order_events (order_id, seq);
    `,
  },
  {
    version: 11,
    name: 'risk state',
    // The risk layer's whole state (protections in force with their ends, stop-out and trade histories, the
    // day's starting equity, the drawdown peak) as one JSON document, rewritten in every engine step's
    // transaction, so a restart makes the same trades as an uninterrupted run.
    sql: `
      CREATE TABLE risk_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state TEXT NOT NULL,
        saved_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 12,
    name: 'backtest cash and exposure curves',
    // Beside the equity curve, each backtest keeps cash and gross exposure per candle (packed Float64 like
    // equity_values) so --json can return the whole curve; older runs keep NULL.
    sql: `
      ALTER TABLE runs ADD COLUMN equity_cash BLOB;
      ALTER TABLE runs ADD COLUMN equity_exposure BLOB;
    `,
  },
  {
    version: 21,
    name: 'backtest trade symbol',
    // A multi-symbol backtest is one account over several markets: each stored trade keeps its own symbol
    // (NULL in older runs: the run's one symbol).
    sql: `
      ALTER TABLE run_trades ADD COLUMN symbol TEXT;
    `,
  },
  {
    version: 22,
    name: 'alert wall-clock time',
    // A replay's alerts carry the replay time in \`time\`; the wall-clock time they were raised is kept beside it.
    sql: `
      ALTER TABLE alerts ADD COLUMN wall_time INTEGER;
    `,
  },
  {
    version: 41,
    name: 'one order journal: exchange facts beside the engine order',
    after: 45,
    // One journal for one concept. The engine's order (orders, order_events, fills) is the record; what an
    // exchange broker knows of the request sits 1:1 beside it in order_exchange, keyed by the order id: the
    // client id (written BEFORE the request leaves), the exchange's id and status, sending/working/done, the
    // last error, and the kind (an engine order, a protective stop resting on the exchange, an order adopted
    // from the exchange or sent to flatten a balance: those two have no engine order). Every exchange trade
    // is booked once, in fills, unique by (symbol, trade id). The 45 tables are moved here and dropped:
    // fills of engine orders are already in fills (the engine wrote them); a fill the engine never booked is
    // left out, so the order's lookup at the next start reports it to the engine instead of hiding it;
    // trades of stops and adopted orders (no engine order) move to fills as they are. Stops shared one order
    // id per position: each request now has its own ('stop:' + client id).
    sql: `
      CREATE TABLE order_exchange (
        order_id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('order', 'stop', 'adopted')),
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        type TEXT NOT NULL,
        amount REAL NOT NULL,
        price REAL,
        stop_price REAL,
        position_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('sending', 'working', 'done')),
        exchange_id TEXT,
        exchange_status TEXT,
        filled REAL NOT NULL DEFAULT 0,
        sent_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_error TEXT
      );
      CREATE INDEX order_exchange_unfinished ON order_exchange (sent_at) WHERE state != 'done';
      CREATE INDEX order_exchange_exchange_id ON order_exchange (symbol, exchange_id);
      INSERT INTO order_exchange (order_id, client_id, kind, symbol, side, type, amount, price, stop_price, position_id, state, exchange_id, exchange_status, filled, sent_at, updated_at, last_error)
        SELECT CASE kind WHEN 'stop' THEN 'stop:' || client_id ELSE order_id END, client_id, kind, symbol, side, type, amount, price, stop_price, position_id,
               state, exchange_id, exchange_status, filled, sent_at, updated_at, last_error FROM live_orders;
      INSERT OR IGNORE INTO fills (id, order_id, trade_id, instance_id, symbol, side, purpose, qty, price, fee, fee_currency, fee_amount, time, reason)
        SELECT 'x-' || x.order_id || '-t' || f.trade_id, x.order_id, f.trade_id, '', f.symbol, f.side, x.kind, f.qty, f.price,
               CASE WHEN f.fee_currency IS NULL OR f.fee_currency = substr(f.symbol, instr(f.symbol, '/') + 1) THEN f.fee ELSE 0 END,
               f.fee_currency, f.fee, f.time, 'exchange trade of ' || f.client_id
        FROM live_fills f JOIN order_exchange x ON x.client_id = f.client_id WHERE x.kind != 'order';
      DROP TABLE live_orders;
      DROP TABLE live_fills;
    `,
  },
  {
    version: 46,
    name: 'live-paper parity',
    // The parity meter (src/live/parity.ts): per decision that made an order, the live order's outcome beside
    // the shadow simulated broker's outcome of the same decision; and the shadow engine's state (one JSON
    // document, rewritten in the step's transaction) so the comparison survives a restart. Live databases only.
    sql: `
      CREATE TABLE parity_trades (
        key TEXT PRIMARY KEY,
        instance_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        purpose TEXT NOT NULL,
        exit_reason TEXT,
        decision_candle INTEGER NOT NULL,
        decided_at INTEGER,
        reference REAL,
        live_order_id TEXT,
        live_qty REAL,
        live_price REAL,
        live_fee REAL,
        live_filled_at INTEGER,
        live_status TEXT,
        sim_reference REAL,
        sim_qty REAL,
        sim_price REAL,
        sim_fee REAL,
        sim_filled_at INTEGER,
        sim_status TEXT
      );
      CREATE INDEX parity_trades_time ON parity_trades (decision_candle);
      CREATE TABLE parity_shadow (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        state TEXT NOT NULL,
        saved_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 75,
    name: 'compact backtest curves',
    // Runs stored from now on keep their four curves in the lossless compact form of backtest/curve-codec.ts
    // (runs of equal values counted once, times as differences): a year of 1m candles wrote 16 MB per run.
    // NULL marks the raw packed Float64 curves of older runs, which read as before.
    sql: `
      ALTER TABLE runs ADD COLUMN equity_format INTEGER;
    `,
  },
  {
    version: 90,
    name: 'instance delete and edited risk',
    // A deleted instance keeps its row (deleted_at set) so its trades and decisions still name their strategy and
    // market; an instance edited from a view keeps its risk overrides here (JSON; NULL: the config's, if any).
    sql: `
      ALTER TABLE instances ADD COLUMN deleted_at INTEGER;
      ALTER TABLE instances ADD COLUMN risk TEXT;
    `,
  },
  {
    version: 76,
    name: 'candle versions',
    // A market's version changes (to a new random value) with every insert, update or delete of one of its chunk
    // rows, whoever writes it: a column file of its candles (candle-columns.ts) is read only at the version it was
    // written from. Fired per chunk row (4096 candles), so a write costs one more small row per chunk.
    sql: `
      CREATE TABLE candle_versions (
        exchange TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (exchange, symbol, timeframe)
      ) WITHOUT ROWID;
      INSERT INTO candle_versions (exchange, symbol, timeframe, version)
        SELECT exchange, symbol, timeframe, lower(hex(randomblob(8))) FROM candle_chunks GROUP BY exchange, symbol, timeframe;
      CREATE TRIGGER candle_chunks_version_insert AFTER INSERT ON candle_chunks BEGIN
        INSERT OR REPLACE INTO candle_versions (exchange, symbol, timeframe, version) VALUES (new.exchange, new.symbol, new.timeframe, lower(hex(randomblob(8))));
      END;
      CREATE TRIGGER candle_chunks_version_update AFTER UPDATE ON candle_chunks BEGIN
        INSERT OR REPLACE INTO candle_versions (exchange, symbol, timeframe, version) VALUES (old.exchange, old.symbol, old.timeframe, lower(hex(randomblob(8))));
        INSERT OR REPLACE INTO candle_versions (exchange, symbol, timeframe, version) VALUES (new.exchange, new.symbol, new.timeframe, lower(hex(randomblob(8))));
      END;
      CREATE TRIGGER candle_chunks_version_delete AFTER DELETE ON candle_chunks BEGIN
        INSERT OR REPLACE INTO candle_versions (exchange, symbol, timeframe, version) VALUES (old.exchange, old.symbol, old.timeframe, lower(hex(randomblob(8))));
      END;
    `,
  },
  {
    version: 91,
    name: 'replay restart: the account remembers where its replay began',
    // A paper account started by restarting the replay from a date (app/account-archive.ts) replays from that date,
    // after an engine restart too, whatever paper.replayFrom says: the date belongs to the account, not the config.
    sql: `
      ALTER TABLE account ADD COLUMN replay_from INTEGER;
    `,
  },
  {
    version: 92,
    name: 'archived paper accounts',
    // One row per paper account archived by a replay restart: where its copy lives (a data directory of its own under
    // DATA_DIR/accounts, relative to the data directory) and what it stood at, for "tradetui accounts".
    sql: `
      CREATE TABLE account_archives (
        id INTEGER PRIMARY KEY,
        dir TEXT NOT NULL UNIQUE,
        archived_at INTEGER NOT NULL,
        account_created_at INTEGER NOT NULL,
        replay_from INTEGER,
        replay_at INTEGER,
        currency TEXT NOT NULL,
        initial_balance REAL NOT NULL,
        cash REAL NOT NULL,
        equity REAL NOT NULL,
        trades INTEGER NOT NULL,
        positions INTEGER NOT NULL,
        restarted_from INTEGER NOT NULL
      );
    `,
  },
  {
    version: 77,
    name: 'candle chunk summaries without the blobs',
    // `data list` and the cache's summary read every chunk's count, times and gaps. In the table those columns sit
    // beside (gaps: after) a 196 KB blob, so a scan walks every blob's overflow pages: on a 1 GB cache ~70 ms cold.
    // A covering index holds only the summary (a few hundred bytes per 4096 candles); the partial index finds the
    // chunks still to summarise without a scan.
    sql: `
      CREATE INDEX candle_chunks_summary ON candle_chunks (exchange, symbol, timeframe, chunk_start, count, first_time, last_time, gaps, largest_gap);
      CREATE INDEX candle_chunks_unsummarised ON candle_chunks (exchange) WHERE gaps IS NULL;
    `,
  },
];
