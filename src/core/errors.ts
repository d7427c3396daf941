// Typed errors. A UserError is the user's mistake (bad file, flag, config, key); the CLI prints it with
// the place it names and exits 2. Anything else is a bug or an outage: exit 1, logged with context.

export class UserError extends Error {
  readonly exitCode = 2;
  /** Where the mistake is: a file and line, a config key path, a flag name. */
  readonly where: string | undefined;
  constructor(message: string, where?: string) {
    super(message);
    this.name = 'UserError';
    this.where = where;
  }
  override toString(): string {
    return this.where ? `${this.where}: ${this.message}` : this.message;
  }
}

/** An external service (exchange, Telegram) failed after retries; exit 1. */
export class OutageError extends Error {
  constructor(message: string, readonly service: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutageError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof UserError) return err.toString();
  if (err instanceof Error) return err.message;
  return String(err);
}
