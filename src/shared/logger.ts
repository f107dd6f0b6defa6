/**
 * The service's own logger: what domain code is typed against. One structured JSON line per call, every line
 * through the redaction (shared/redact.ts). winston writes the lines; nothing else in the code base knows it.
 */
import type { Writable } from 'node:stream';
import winston from 'winston';
import { redact, scrubString } from './redact';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * The structured fields of one line: an `event` name, the ids involved (`caseId`, `envelopeId`, `ticketId`,
 * `forwardId`…), outcomes and counts. Ids under their own field names are kept whole; any other value is scrubbed.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  level?: LogLevel | string;
  /** Where the JSON lines go (default: standard output). Tests capture them with a stream of their own. */
  stream?: Writable;
}

/** winston format that applies the redaction to the message and every field. */
const redaction = winston.format((info) => {
  const cleaned = redact({ ...info }) as Record<string, unknown>;
  // winston keeps level/splat under symbols: Object.keys leaves them untouched.
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, cleaned);
  if (typeof info.message === 'string') info.message = scrubString(info.message);
  return info;
});

class WinstonLogger implements Logger {
  constructor(private readonly w: winston.Logger) {}
  error(message: string, fields?: LogFields): void {
    this.w.error(message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.w.warn(message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.w.info(message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.w.debug(message, fields);
  }
  log(level: LogLevel, message: string, fields?: LogFields): void {
    this.w.log(level, message, fields);
  }
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const transport = opts.stream ? new winston.transports.Stream({ stream: opts.stream }) : new winston.transports.Console();
  return new WinstonLogger(winston.createLogger({
    level: opts.level ?? 'info',
    format: winston.format.combine(redaction(), winston.format.timestamp(), winston.format.json()),
    transports: [transport],
  }));
}

/** A logger that writes nowhere, for tests and tools that do not care. */
export function silentLogger(): Logger {
  const nothing = () => undefined;
  return { error: nothing, warn: nothing, info: nothing, debug: nothing, log: nothing };
}
