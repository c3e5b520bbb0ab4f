// The main process's log: JSON lines in the app's log folder, rotated by size,
// every line passed through the redactor so no secret reaches the disk.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redactText, redactValue } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines carry `scope`. */
  child(scope: string): Logger;
}

export interface FileLoggerOptions {
  directory: string;
  /** Base name of the current file; rotated ones get .1 (newest) … .N. */
  fileName?: string;
  /** Rotate when the current file would exceed this size. */
  maxBytes?: number;
  /** Rotated files kept besides the current one. */
  maxFiles?: number;
  level?: LogLevel;
  now?: () => Date;
  /** Also write to stderr (development). */
  echo?: boolean;
}

/** Writes synchronously: the main process logs little, and a line must survive a crash right after it. */
export function createFileLogger(options: FileLoggerOptions): Logger {
  const fileName = options.fileName ?? 'main.log';
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const maxFiles = options.maxFiles ?? 5;
  const minimum = LEVELS[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const file = join(options.directory, fileName);
  mkdirSync(options.directory, { recursive: true, mode: 0o700 });

  const rotate = () => {
    rmSync(`${file}.${maxFiles}`, { force: true });
    for (let index = maxFiles - 1; index >= 1; index -= 1) {
      if (existsSync(`${file}.${index}`)) renameSync(`${file}.${index}`, `${file}.${index + 1}`);
    }
    if (existsSync(file)) renameSync(file, `${file}.1`);
  };

  const write = (level: LogLevel, scope: string | undefined, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < minimum) return;
    const entry: Record<string, unknown> = { at: now().toISOString(), level, ...(scope ? { scope } : {}), msg: redactText(message) };
    if (fields) Object.assign(entry, redactValue(fields) as Record<string, unknown>);
    const line = `${JSON.stringify(entry)}\n`;
    try {
      const size = existsSync(file) ? statSync(file).size : 0;
      if (size > 0 && size + Buffer.byteLength(line) > maxBytes) rotate();
      appendFileSync(file, line, { mode: 0o600 });
    } catch {
      // Logging must never take the app down (disk full, folder removed).
    }
    if (options.echo) process.stderr.write(line);
  };

  const make = (scope?: string): Logger => ({
    debug: (message, fields) => write('debug', scope, message, fields),
    info: (message, fields) => write('info', scope, message, fields),
    warn: (message, fields) => write('warn', scope, message, fields),
    error: (message, fields) => write('error', scope, message, fields),
    child: (name) => make(scope ? `${scope}.${name}` : name),
  });
  return make();
}

/** For tests and tools that do not want a file. */
export function createMemoryLogger(): Logger & { lines: { level: LogLevel; scope?: string; msg: string; fields?: unknown }[] } {
  const lines: { level: LogLevel; scope?: string; msg: string; fields?: unknown }[] = [];
  const make = (scope?: string): Logger => {
    const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
      lines.push({ level, ...(scope ? { scope } : {}), msg: redactText(message), ...(fields ? { fields: redactValue(fields) } : {}) });
    };
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (name) => make(scope ? `${scope}.${name}` : name),
    };
  };
  return Object.assign(make(), { lines });
}
