import winston from 'winston';
import { redact, scrubString } from './redact';

export type Logger = winston.Logger;

/** winston format that applies the redaction to the message and every metadata field. */
const redaction = winston.format((info) => {
  const symbols = Object.getOwnPropertySymbols(info);
  const cleaned = redact({ ...info }) as Record<string, unknown>;
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, cleaned);
  if (typeof info.message === 'string') info.message = scrubString(info.message);
  // winston keeps level/splat under symbols: leave them untouched.
  void symbols;
  return info;
});

export interface LoggerOptions {
  level?: string;
  /** Extra transports (tests capture lines with a stream transport). */
  transports?: winston.transport[];
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return winston.createLogger({
    level: opts.level ?? 'info',
    format: winston.format.combine(redaction(), winston.format.timestamp(), winston.format.json()),
    transports: opts.transports ?? [new winston.transports.Console()],
  });
}

/** A logger that writes nowhere, for tests and tools that do not care. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
