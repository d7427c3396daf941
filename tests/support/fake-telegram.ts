// A local fake of the Telegram Bot API on 127.0.0.1 for tests: a node http server speaking the real paths
// (/bot<token>/getUpdates, sendMessage, editMessageText, answerCallbackQuery, getMe, ...) with the real
// envelopes ({ ok, result } / { ok: false, error_code, description, parameters }). It records every request,
// plays scripted updates through long polling, checks HTML like Telegram does (balanced known tags,
// entities, 4096 characters after parsing) and can fail on purpose: a 429 with retry_after, or "down"
// (every connection dropped) for a while.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface RecordedRequest {
  method: string;
  params: Record<string, unknown>;
  time: number;
  /** performance.now() at arrival, for latency figures in the same process. */
  at: number;
}

export interface SentMessage {
  chatId: number;
  messageId: number;
  text: string;
  parseMode: string | null;
  replyMarkup: any;
  time: number;
}

interface Waiter {
  offset: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

const BOT_USER = { id: 999, is_bot: true, first_name: 'tradetui', username: 'tradetui_test_bot' };
const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'code', 'pre', 'a', 'span', 'tg-spoiler', 'blockquote']);

export class FakeTelegram {
  readonly requests: RecordedRequest[] = [];
  readonly sent: SentMessage[] = [];
  readonly edits: Array<{ chatId: number; messageId: number; text: string; time: number }> = [];
  readonly callbackAnswers: Array<{ id: string; text: string | null }> = [];
  private updates: any[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private nextCallbackId = 1;
  private waiters: Waiter[] = [];
  private failures: Array<{ method: string; code: number; description: string; parameters?: Record<string, unknown> }> = [];
  private down = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly token: string,
    readonly apiRoot: string,
  ) {}

  static async start(token = '123456:TEST-token-secret'): Promise<FakeTelegram> {
    let self: FakeTelegram | null = null;
    const server = createServer((req, res) => self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeTelegram(server, token, `http://127.0.0.1:${port}`);
    server.on('connection', (s) => {
      self!.sockets.add(s);
      s.on('close', () => self!.sockets.delete(s));
    });
    return self;
  }

  /** Drops every connection (held long polls too) and every new request until setDown(false). */
  setDown(down: boolean): void {
    this.down = down;
    if (down) {
      for (const w of this.waiters) clearTimeout(w.timer);
      this.waiters = [];
      for (const s of this.sockets) s.destroy();
    }
  }

  /** The next call of `method` fails with this Bot API error (e.g. 429 with parameters.retry_after). */
  failNext(method: string, code: number, description: string, parameters?: Record<string, unknown>): void {
    this.failures.push({ method, code, description, parameters });
  }

  /** A text message from a user in a private chat; returns its update id. */
  pushMessage(chatId: number, text: string, user: { id?: number; username?: string; first_name?: string } = {}): number {
    const from = { id: user.id ?? chatId, is_bot: false, first_name: user.first_name ?? 'Trader', username: user.username ?? 'trader' };
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
    return this.pushUpdate({
      message: { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: from.first_name }, from, text, ...(entities ? { entities } : {}) },
    });
  }

  /** A tap on an inline button of a message the bot sent; returns the callback query id. */
  pushCallback(chatId: number, messageId: number, data: string, user: { id?: number; username?: string } = {}): string {
    const id = String(this.nextCallbackId++);
    const original = this.sent.find((m) => m.messageId === messageId);
    this.pushUpdate({
      callback_query: {
        id,
        from: { id: user.id ?? chatId, is_bot: false, first_name: 'Trader', username: user.username ?? 'trader' },
        chat_instance: `ci-${chatId}`,
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private' },
          from: BOT_USER,
          text: original ? stripTags(original.text) : '',
        },
      },
    });
    return id;
  }

  private pushUpdate(payload: Record<string, unknown>): number {
    const update_id = this.nextUpdateId++;
    this.updates.push({ update_id, ...payload });
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      clearTimeout(w.timer);
      this.answerUpdates(w.res, w.offset);
    }
    return update_id;
  }

  /** Updates the bot has not confirmed yet (getUpdates with a higher offset confirms). */
  unconfirmed(): number {
    return this.updates.length;
  }

  messagesTo(chatId: number): SentMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  calls(method: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  /** Resolves when `predicate` holds (checked every 10 ms); rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters = [];
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- server ---------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    const body = await readBody(req);
    if (this.down) {
      req.socket.destroy();
      return;
    }
    if (!m) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    const params = parseParams(req.headers['content-type'] ?? '', body);
    this.requests.push({ method, params, time: Date.now(), at: performance.now() });
    const fail = this.failures.findIndex((f) => f.method === method);
    if (fail >= 0) {
      const f = this.failures.splice(fail, 1)[0]!;
      return send(res, f.code, { ok: false, error_code: f.code, description: f.description, ...(f.parameters ? { parameters: f.parameters } : {}) });
    }
    switch (method) {
      case 'getMe':
        return ok(res, BOT_USER);
      case 'deleteWebhook':
        return ok(res, true);
      case 'setMyCommands': {
        // the Bot API refuses a command list it could not show: names 1-32 of a-z0-9_, descriptions 1-256 characters
        const list = (typeof params.commands === 'string' ? JSON.parse(params.commands) : params.commands) as Array<{ command: string; description: string }>;
        const bad = list.find((c) => !/^[a-z0-9_]{1,32}$/.test(c.command) || c.description.length < 1 || c.description.length > 256);
        if (bad) return send(res, 400, { ok: false, error_code: 400, description: `Bad Request: BOT_COMMAND_INVALID (${bad.command})` });
        return ok(res, true);
      }
      case 'getUpdates':
        return this.getUpdates(params, res);
      case 'sendMessage':
        return this.sendMessage(params, res);
      case 'editMessageText':
        return this.editMessageText(params, res);
      case 'answerCallbackQuery':
        this.callbackAnswers.push({ id: String(params.callback_query_id), text: typeof params.text === 'string' ? params.text : null });
        return ok(res, true);
      default:
        return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }

  private getUpdates(params: Record<string, unknown>, res: ServerResponse): void {
    const offset = Number(params.offset ?? 0);
    // An offset confirms every update below it, as on Telegram.
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    const timeout = Number(params.timeout ?? 0);
    if (this.updates.length > 0 || timeout <= 0) return this.answerUpdates(res, offset);
    const w: Waiter = {
      offset,
      res,
      timer: setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        this.answerUpdates(res, offset);
      }, timeout * 1000),
    };
    this.waiters.push(w);
    res.on('close', () => {
      clearTimeout(w.timer);
      this.waiters = this.waiters.filter((x) => x !== w);
    });
  }

  private answerUpdates(res: ServerResponse, offset: number): void {
    if (res.writableEnded || res.destroyed) return;
    ok(res, this.updates.filter((u) => u.update_id >= offset));
  }

  private sendMessage(p: Record<string, unknown>, res: ServerResponse): void {
    const chatId = Number(p.chat_id);
    const text = typeof p.text === 'string' ? p.text : '';
    if (!Number.isFinite(chatId)) return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    const err = checkText(text, p.parse_mode);
    if (err) return send(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${err}` });
    const markup = typeof p.reply_markup === 'string' ? JSON.parse(p.reply_markup) : (p.reply_markup ?? null);
    const messageId = this.nextMessageId++;
    const now = Date.now();
    this.sent.push({ chatId, messageId, text, parseMode: typeof p.parse_mode === 'string' ? p.parse_mode : null, replyMarkup: markup, time: now });
    ok(res, { message_id: messageId, date: Math.floor(now / 1000), chat: { id: chatId, type: 'private' }, from: BOT_USER, text: stripTags(text) });
  }

  private editMessageText(p: Record<string, unknown>, res: ServerResponse): void {
    const chatId = Number(p.chat_id);
    const messageId = Number(p.message_id);
    const text = typeof p.text === 'string' ? p.text : '';
    const err = checkText(text, p.parse_mode);
    if (err) return send(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${err}` });
    if (!this.sent.some((m) => m.chatId === chatId && m.messageId === messageId)) {
      return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' });
    }
    this.edits.push({ chatId, messageId, text, time: Date.now() });
    ok(res, { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, from: BOT_USER, text: stripTags(text) });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function parseParams(contentType: string, body: string): Record<string, unknown> {
  if (body === '') return {};
  if (contentType.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function ok(res: ServerResponse, result: unknown): void {
  send(res, 200, { ok: true, result });
}

export function stripTags(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Telegram's checks on a text: not empty, parseable HTML when parse_mode is HTML, at most 4096 characters. */
function checkText(text: string, parseMode: unknown): string | null {
  let visible = text;
  if (parseMode === 'HTML') {
    const stack: string[] = [];
    for (const m of text.matchAll(/<(\/?)([a-zA-Z-]+)[^>]*>|&([^;\s]*);?|[<>]/g)) {
      const raw = m[0];
      if (raw === '<' || raw === '>') return `can't parse entities: unexpected "${raw}"`;
      if (raw.startsWith('&')) {
        if (!/^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);$/.test(raw)) return `can't parse entities: unsupported entity "${raw}"`;
        continue;
      }
      const tag = m[2]!.toLowerCase();
      if (!ALLOWED_TAGS.has(tag)) return `can't parse entities: unsupported start tag "${tag}"`;
      if (m[1] === '/') {
        if (stack.pop() !== tag) return `can't parse entities: can't find end tag corresponding to start tag`;
      } else stack.push(tag);
    }
    if (stack.length > 0) return `can't parse entities: can't find end tag corresponding to start tag "${stack[stack.length - 1]}"`;
    visible = stripTags(text);
  }
  if (visible.trim().length === 0) return 'message text is empty';
  if (visible.length > 4096) return 'message is too long';
  return null;
}
