// Numbered schema migrations, applied in order, each once, each in a transaction. Never edit a
// migration that has shipped: add a new one. Versions: 1-9 core, 10-19 risk, 20-29 paper/TUI, 30-39 Telegram.

export interface Migration {
  version: number;
  name: string;
  sql: string;
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
];
