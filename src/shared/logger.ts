/**
 * The service's own logger: what domain code is typed against. One structured JSON line per call, every line
 * through the redaction (shared/redact.ts). winston writes the lines; nothing else in the code base knows it.
 */
import type { Writable } from 'node:stream';
import winston from 'winston';
import { systemClock } from './clock';
import { redact } from './redact';

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

/** Where winston's transports read the finished line (triple-beam's MESSAGE, a registered symbol). */
const MESSAGE = Symbol.for('message');
const jsonFallback = winston.format.json();

/**
 * The one format of every line: the redaction applied to the message and every field, a timestamp, and the JSON
 * text, built in one pass (the line of an envelope is written several times a second per envelope: three chained
 * formats copied each line's fields three times, and the garbage collector paid for it).
 */
const jsonLine = winston.format((info) => {
  // Object.keys leaves winston's own symbols (level, splat) alone; the message is scrubbed like any string.
  const line = redact({ ...info }) as Record<string, unknown>;
  line.level = info.level;
  line.timestamp = systemClock.now().toISOString(); // when the line was written: the machine's time, not the service's clock
  try {
    (info as Record<symbol, unknown>)[MESSAGE] = JSON.stringify(line);
  } catch {
    // A value JSON cannot write (a BigInt): the safe serialiser of winston's own json format writes it.
    Object.assign(info, line);
    return jsonFallback.transform(info);
  }
  return info;
});

class WinstonLogger implements Logger {
  constructor(private readonly w: winston.Logger) {}
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  log(level: LogLevel, message: string, fields?: LogFields): void {
    // A line below the level costs nothing (winston would still push it through its stream to drop it).
    if (this.w.isLevelEnabled(level)) this.w.log(level, message, fields);
  }
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const transport = opts.stream ? new winston.transports.Stream({ stream: opts.stream }) : new winston.transports.Console();
  return new WinstonLogger(winston.createLogger({
    level: opts.level ?? 'info',
    format: jsonLine(),
    transports: [transport],
  }));
}

/** A logger that writes nowhere, for tests and tools that do not care. */
export function silentLogger(): Logger {
  const nothing = () => undefined;
  return { error: nothing, warn: nothing, info: nothing, debug: nothing, log: nothing };
}
